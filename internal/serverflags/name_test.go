package serverflags

import (
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	for _, tc := range []struct{ command, want string }{
		// Not launchers: the command's base name, as before.
		{"./weather-server", "weather-server"},
		{"/usr/local/bin/mcp-server-git --repository .", "mcp-server-git"},
		{"weather-server --port 0", "weather-server"},
		// npm launchers: the package, without scope and version.
		{"npx -y @modelcontextprotocol/server-memory", "server-memory"},
		{"npx -y @modelcontextprotocol/server-filesystem@2025.8.21 /tmp", "server-filesystem"},
		{"npx --yes mcp-remote@latest https://example.com/mcp", "mcp-remote"},
		{"npx -p @playwright/mcp@0.0.30 mcp-server-playwright --headless", "mcp-server-playwright"},
		{"npx --package=@scope/pkg tool", "tool"},
		{"npx -- @upstash/context7-mcp", "context7-mcp"},
		{"npx.cmd -y @modelcontextprotocol/server-memory", "server-memory"},
		{`C:\nodejs\npx.CMD -y server-everything`, "server-everything"},
		{"npx -c 'echo hi'", "npx"},
		{"npx", "npx"},
		{"bunx @modelcontextprotocol/server-everything@1.0.0", "server-everything"},
		{"pnpx some-server", "some-server"},
		{"npm exec -y -- @modelcontextprotocol/server-memory", "server-memory"},
		{"npm x server-memory@1", "server-memory"},
		{"pnpm dlx @modelcontextprotocol/server-memory", "server-memory"},
		{"yarn dlx @modelcontextprotocol/server-memory", "server-memory"},
		{"yarn start", "yarn"},
		{"bun x @modelcontextprotocol/server-memory", "server-memory"},
		{"bun run /srv/weather/src/index.ts", "weather"},
		{"bun ./tools-server.ts", "tools-server"},
		{"npx github:owner/my-server#main", "my-server"},
		// Python launchers: the package, without extras and version.
		{"uvx mcp-server-fetch", "mcp-server-fetch"},
		{"uvx mcp-server-time==0.6.2 --local-timezone=Europe/Paris", "mcp-server-time"},
		{"uvx --from mcp-server-git[cli]>=1 mcp-server-git", "mcp-server-git"},
		{"uvx --python 3.12 awslabs.aws-documentation-mcp-server@latest", "awslabs.aws-documentation-mcp-server"},
		{"uvx git+https://github.com/owner/weather-mcp.git", "weather-mcp"},
		{"uv tool run mcp-server-fetch", "mcp-server-fetch"},
		{"uv run --directory /srv/weather weather.py", "weather"},
		{"uv --directory /srv/weather run server.py", "weather"},
		{"uv run --with mcp python -m mcp_server_time", "mcp_server_time"},
		{"uv run mcp-server-git", "mcp-server-git"},
		{"uv run", "uv"},
		{"pipx run mcp-server-fetch", "mcp-server-fetch"},
		{"pipx run --spec mcp-server-fetch==1.0 mcp-server-fetch", "mcp-server-fetch"},
		// Containers: the image, without registry, path, tag and digest.
		{"docker run -i --rm -e GITHUB_PERSONAL_ACCESS_TOKEN ghcr.io/github/github-mcp-server", "github-mcp-server"},
		{"docker run -i --rm mcp/fetch:latest", "fetch"},
		{"docker run --rm -i -v /tmp:/data --name=x --network host mcp/filesystem@sha256:abc /data", "filesystem"},
		{"docker --context remote container run -i localhost:5000/team/tools:1.2", "tools"},
		{"podman run -it --rm quay.io/org/server-x", "server-x"},
		{"docker ps", "docker"},
		// Interpreters: the module or the script.
		{"python -m mcp_server_fetch", "mcp_server_fetch"},
		{"python3 -u -m weather.server", "weather"},
		{"python3.12 -mmcp_server_time", "mcp_server_time"},
		{"python /srv/notes/server.py", "notes"},
		{"python -X utf8 tools_server.py --debug", "tools_server"},
		{"python -c 'import x'", "python"},
		{"python", "python"},
		{"node /home/me/mcp-weather/build/index.js", "mcp-weather"},
		{"node --env-file .env dist/server.js", "server"},
		{"node -r dotenv/config ./github-server.mjs", "github-server"},
		{"node -e 'x()'", "node"},
		{"tsx src/main.ts", "main"},
		{"deno run -A npm:@modelcontextprotocol/server-memory@1", "server-memory"},
		{"deno run --allow-net jsr:@scope/weather-mcp", "weather-mcp"},
		{"deno run -A https://deno.land/x/notes_mcp/mod.ts", "notes_mcp"},
		{"go run ./examples/weather/server", "weather"},
		{"go run -tags netgo github.com/acme/tools/cmd/tools-mcp@v1.2.0 --stdio", "tools-mcp"},
		{"go run main.go", "main"},
		{"go run github.com/acme/weather/cmd/server@latest", "weather"},
		{"go build ./x", "go"},
	} {
		words := strings.Fields(strings.ReplaceAll(tc.command, "'", ""))
		if got := Name(words); got != tc.want {
			t.Errorf("Name(%q) = %q, want %q", tc.command, got, tc.want)
		}
	}
	if got := Name(nil); got != "" {
		t.Errorf("Name(nil) = %q, want \"\"", got)
	}
}
