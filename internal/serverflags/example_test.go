package serverflags_test

import (
	"fmt"

	"github.com/mcprun/mcprun/internal/serverflags"
)

func ExampleFlags_Servers() {
	f := serverflags.Flags{
		Stdio: serverflags.List{"npx -y @modelcontextprotocol/server-memory@1.2.3", "uvx mcp-server-fetch", "npx -y @modelcontextprotocol/server-memory", "./weather-server"},
		HTTP:  serverflags.List{"https://mcp.example.com/mcp"},
	}
	servers, err := f.Servers(nil, func(string) string { return "" })
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range servers {
		fmt.Println(s.Name)
	}
	// Output:
	// server-memory
	// mcp-server-fetch
	// server-memory-2
	// weather-server
	// mcp.example.com
}
