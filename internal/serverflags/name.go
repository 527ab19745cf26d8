package serverflags

import (
	"regexp"
	"strings"
)

// Name names the server that a --stdio command runs (its words as split).
// A launcher is named after what it launches, so that the name (which
// --prefix-tools puts before each tool, and which `mcprun call`, the tool
// pins and the logs use) says which server it is and does not depend on
// the order of the flags:
//
//   - npx, bunx, pnpx, npm exec, pnpm dlx, yarn dlx, bun x, deno run npm:…:
//     the npm package, without its scope and version
//     (@modelcontextprotocol/server-memory@1.2.3 → server-memory);
//   - uvx, uv tool run, pipx run: the Python package, without extras and
//     version (mcp-server-fetch[x]==1.0 → mcp-server-fetch);
//   - docker run, podman run: the image, without registry, path, tag and
//     digest (ghcr.io/github/github-mcp-server:v1 → github-mcp-server);
//   - python -m: the module, its last part unless that is generic
//     (mcp_server_time → mcp_server_time, weather.server → weather);
//   - node, bun, deno run, tsx, ts-node, python, uv run with a script, go
//     run with a package or file: the script's (package's) name without
//     its extension (or version); when that is generic (index, main,
//     server, cli, app, mod, run, start, __main__), the nearest folder
//     above it that is neither generic nor a build folder (build, dist,
//     src, lib, out, bin, cmd): /srv/weather/build/index.js → weather.
//
// Anything else, or a launcher whose target cannot be read (npx -c '…',
// python -c '…'), is named after the command's base name, as before
// (./weather-server → weather-server). Flags of the launcher that take a
// value are skipped by name (-p, --from, -e, -v, …); a flag unknown to
// this list is taken as taking none.
func Name(words []string) string {
	if len(words) == 0 {
		return ""
	}
	if n := launched(command(words[0]), words[1:]); n != "" {
		return n
	}
	return basename(words[0])
}

// basename is the last element of a path with / or \ separators.
func basename(p string) string {
	p = strings.TrimRight(p, `/\`)
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		p = p[i+1:]
	}
	if p == "" {
		return "."
	}
	return p
}

// command is a launcher's base name, lower case, without a Windows
// extension (npx.cmd → npx).
func command(word string) string {
	c := strings.ToLower(basename(word))
	for _, ext := range []string{".exe", ".cmd", ".bat"} {
		c = strings.TrimSuffix(c, ext)
	}
	return c
}

var pythonCommand = regexp.MustCompile(`^python[0-9.]*$`)

// Flags of each launcher that take the next word as their value.
var (
	npxValues    = flagSet("-p", "--package", "--cache", "--registry", "--userconfig", "--node-options", "--shell")
	uvxValues    = flagSet("--from", "--with", "-w", "--with-editable", "--with-requirements", "--python", "-p", "--index", "--index-url", "--extra-index-url", "--default-index", "--directory", "--project", "--cache-dir", "--config-file", "--env-file")
	uvRunValues  = flagSet("--with", "-w", "--with-editable", "--with-requirements", "--python", "-p", "--directory", "--project", "--package", "--group", "--extra", "--env-file", "--index", "--index-url", "--extra-index-url", "--cache-dir", "--config-file")
	pipxValues   = flagSet("--spec", "--python", "--index-url", "--pip-args", "--fetch-python")
	dockerGlobal = flagSet("--context", "-c", "--host", "-H", "--config", "--log-level", "-l")
	dockerValues = flagSet("-e", "--env", "--env-file", "-v", "--volume", "--mount", "-p", "--publish", "--name",
		"-w", "--workdir", "-u", "--user", "--network", "--net", "--entrypoint", "-l", "--label", "--label-file",
		"--platform", "--pull", "-m", "--memory", "--cpus", "--add-host", "-h", "--hostname", "--cap-add",
		"--cap-drop", "--device", "--dns", "--tmpfs", "--ulimit", "--security-opt", "--log-driver", "--log-opt",
		"--restart", "--runtime", "--shm-size", "--stop-signal", "--stop-timeout", "--ipc", "--pid", "--cidfile",
		"--gpus", "--group-add", "--volumes-from", "--link", "--expose", "--userns", "--uts", "--cgroupns", "-a", "--attach")
	nodeValues   = flagSet("-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions", "--env-file", "--input-type", "--title")
	denoValues   = flagSet("-c", "--config", "--import-map", "--lock", "--cert", "--location", "--seed", "--env-file")
	pythonValues = flagSet("-W", "-X", "-Q")
	goValues     = flagSet("-C", "-tags", "-ldflags", "-gcflags", "-asmflags", "-mod", "-modfile", "-exec", "-p", "-pkgdir", "-overlay", "-toolexec", "-o", "-pgo")
	noValues     = flagSet()
)

func flagSet(flags ...string) map[string]bool {
	m := make(map[string]bool, len(flags))
	for _, f := range flags {
		m[f] = true
	}
	return m
}

// launched is the name of what a launcher runs, "" when cmd is no
// launcher or its target cannot be read.
func launched(cmd string, args []string) string {
	switch {
	case cmd == "npx" || cmd == "bunx" || cmd == "pnpx":
		return npmLaunch(args)
	case cmd == "npm" || cmd == "pnpm" || cmd == "yarn" || cmd == "bun":
		sub, rest := subcommand(args, noValues)
		switch {
		case sub == "exec" && cmd == "npm", sub == "x" && (cmd == "npm" || cmd == "bun"), sub == "dlx" && (cmd == "pnpm" || cmd == "yarn"):
			return npmLaunch(rest)
		case cmd == "bun" && sub == "run":
			return scriptLaunch(rest, noValues)
		case cmd == "bun" && isScript(sub):
			return script(sub)
		}
	case cmd == "uvx":
		return pythonPackage(positional(args, uvxValues))
	case cmd == "uv":
		sub, rest := subcommand(args, uvxValues)
		switch sub {
		case "tool":
			if sub, rest := subcommand(rest, noValues); sub == "run" {
				return pythonPackage(positional(rest, uvxValues))
			}
		case "run":
			// uv run SCRIPT, or uv run COMMAND ARGS (a launcher itself,
			// like python -m MODULE, or a package's command).
			p, after := subcommand(rest, uvRunValues)
			switch {
			case p == "":
				return ""
			case isScript(p):
				if dir := flagValue(args, "--directory"); dir != "" && !strings.HasPrefix(p, "/") {
					p = dir + "/" + p // the script's folder may name it
				}
				return script(p)
			}
			if n := launched(command(p), after); n != "" {
				return n
			}
			return basename(p)
		}
	case cmd == "pipx":
		if sub, rest := subcommand(args, noValues); sub == "run" {
			return pythonPackage(positional(rest, pipxValues))
		}
	case cmd == "docker" || cmd == "podman":
		sub, rest := subcommand(args, dockerGlobal)
		if sub == "container" {
			sub, rest = subcommand(rest, noValues)
		}
		if sub == "run" {
			return image(positional(rest, dockerValues))
		}
	case cmd == "deno":
		if sub, rest := subcommand(args, noValues); sub == "run" {
			p := positional(rest, denoValues)
			if strings.HasPrefix(p, "npm:") || strings.HasPrefix(p, "jsr:") {
				return npmPackage(p[len("npm:"):]) // jsr: is as long
			}
			return script(p)
		}
	case cmd == "go":
		if sub, rest := subcommand(args, noValues); sub == "run" {
			p := positional(rest, goValues)
			if i := strings.LastIndex(p, "@"); i > 0 {
				p = p[:i] // a module version
			}
			return script(p)
		}
	case cmd == "node" || cmd == "nodejs" || cmd == "tsx" || cmd == "ts-node":
		if hasFlag(args, "-e", "--eval", "-p", "--print") {
			return ""
		}
		return scriptLaunch(args, nodeValues)
	case pythonCommand.MatchString(cmd):
		for i := 0; i < len(args); i++ {
			switch a := args[i]; {
			case a == "-m" && i+1 < len(args):
				return module(args[i+1])
			case strings.HasPrefix(a, "-m") && len(a) > 2:
				return module(a[2:])
			case strings.HasPrefix(a, "-c"): // -c CODE, -cCODE
				return ""
			case pythonValues[a]:
				i++
			case !strings.HasPrefix(a, "-"):
				return script(a)
			}
		}
	}
	return ""
}

// npmLaunch names what npx-like launchers run: their first word that is
// not a flag (with -p PKG, that is the package's command).
func npmLaunch(args []string) string {
	if hasFlag(args, "-c", "--call") {
		return ""
	}
	return npmPackage(positional(args, npxValues))
}

func scriptLaunch(args []string, values map[string]bool) string {
	return script(positional(args, values))
}

func hasFlag(args []string, flags ...string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		for _, f := range flags {
			if a == f || strings.HasPrefix(a, f+"=") {
				return true
			}
		}
	}
	return false
}

// positional is the first word of args that is neither a flag nor a
// value of one of values; "" if none.
func positional(args []string, values map[string]bool) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			if i+1 < len(args) {
				return args[i+1]
			}
			return ""
		case len(a) > 1 && a[0] == '-':
			if values[a] {
				i++
			}
		default:
			return a
		}
	}
	return ""
}

// flagValue is the value of the last flag named name in args ("" if none).
func flagValue(args []string, name string) string {
	v := ""
	for i, a := range args {
		switch {
		case a == "--":
			return v
		case a == name && i+1 < len(args):
			v = args[i+1]
		case strings.HasPrefix(a, name+"="):
			v = a[len(name)+1:]
		}
	}
	return v
}

// subcommand is the first positional word (skipping flags in values) and
// the words after it.
func subcommand(args []string, values map[string]bool) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case len(a) > 1 && a[0] == '-':
			if values[a] {
				i++
			}
		default:
			return a, args[i+1:]
		}
	}
	return "", nil
}

// npmPackage is an npm package spec's name without scope and version:
// @scope/name@1.2.3 → name; a git or tarball spec → its last path element.
func npmPackage(spec string) string {
	spec = strings.TrimPrefix(spec, "npm:")
	if strings.HasPrefix(spec, "@") {
		spec = spec[1:]
		if i := strings.Index(spec, "/"); i >= 0 {
			spec = spec[i+1:]
		}
	}
	if i := strings.Index(spec, "@"); i >= 0 && !strings.Contains(spec[:i], "/") {
		spec = spec[:i]
	}
	if i := strings.IndexAny(spec, "#"); i >= 0 {
		spec = spec[:i]
	}
	spec = basename(spec)
	for _, ext := range []string{".git", ".tgz", ".tar.gz"} {
		spec = strings.TrimSuffix(spec, ext)
	}
	return clean(spec)
}

// pythonPackage is a Python requirement's name without extras and
// version: mcp-server-fetch[cli]==1.0 → mcp-server-fetch; a URL or path →
// its last element.
func pythonPackage(spec string) string {
	if strings.Contains(spec, "://") || strings.ContainsAny(spec, `/\`) {
		spec = strings.TrimSuffix(basename(strings.SplitN(spec, "#", 2)[0]), ".git")
		if i := strings.Index(spec, "@"); i >= 0 {
			spec = spec[:i]
		}
		return clean(spec)
	}
	if i := strings.IndexAny(spec, "[=<>!~@; "); i >= 0 {
		spec = spec[:i]
	}
	return clean(spec)
}

// image is a container image's name without registry, path, tag and
// digest: ghcr.io/github/github-mcp-server:v1 → github-mcp-server.
func image(ref string) string {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	ref = basename(ref) // / or \: an image name is never a path
	if i := strings.Index(ref, ":"); i >= 0 {
		ref = ref[:i]
	}
	return clean(ref)
}

// module is a Python module's last part unless that is generic:
// weather.server → weather.
func module(m string) string {
	parts := strings.FieldsFunc(m, func(r rune) bool { return r == '.' || r == '/' || r == '\\' })
	for i := len(parts) - 1; i >= 0; i-- {
		if !generic[parts[i]] {
			return clean(parts[i])
		}
	}
	if len(parts) > 0 {
		return clean(parts[len(parts)-1])
	}
	return ""
}

// Generic script names, and the folders a build puts scripts in: neither
// says which server it is.
var (
	generic      = flagSet("index", "main", "server", "cli", "app", "mod", "__main__", "run", "start")
	buildFolders = flagSet("build", "dist", "src", "lib", "out", "bin", "cmd", ".", "..", "")
)

// extensions of scripts, taken off their name.
var extensions = []string{".go", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx", ".py", ".pyz"}

func isScript(p string) bool {
	for _, ext := range extensions {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// script names a script by its file name without extension, or when that
// is generic, the nearest folder above it that is neither generic nor a
// build folder. A URL names it by its path.
func script(p string) string {
	if i := strings.Index(p, "://"); i >= 0 {
		p = p[i+3:]
		if j := strings.IndexAny(p, "?#"); j >= 0 {
			p = p[:j]
		}
	}
	parts := strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' })
	if len(parts) == 0 {
		return ""
	}
	name := parts[len(parts)-1]
	for _, ext := range extensions {
		if n := strings.TrimSuffix(name, ext); n != name {
			name = n
			break
		}
	}
	if !generic[name] {
		return clean(name)
	}
	for i := len(parts) - 2; i >= 0; i-- {
		if !generic[parts[i]] && !buildFolders[parts[i]] && !strings.Contains(parts[i], ":") {
			return clean(parts[i])
		}
	}
	return clean(name)
}

// clean refuses a name that is only punctuation (the launcher's base name
// is used instead).
func clean(name string) string {
	if strings.Trim(name, ".-_@:/\\ ") == "" {
		return ""
	}
	return name
}
