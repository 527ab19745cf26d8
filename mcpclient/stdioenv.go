package mcpclient

import (
	"os"
	"runtime"
	"slices"
	"strings"
)

// safeEnvNames are the variables a stdio server inherits by default: the
// MCP TypeScript SDK's DEFAULT_INHERITED_ENV_VARS (sudo's list on Unix).
// Everything else, API keys and tokens included, reaches a server only
// when [WithEnv] names it or [WithInheritEnv] asks for all.
var safeEnvNames = map[bool][]string{
	false: {"HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER"},
	true: {"APPDATA", "HOMEDRIVE", "HOMEPATH", "LOCALAPPDATA", "PATH", "PROCESSOR_ARCHITECTURE",
		"SYSTEMDRIVE", "SYSTEMROOT", "TEMP", "USERNAME", "USERPROFILE", "PROGRAMFILES"},
}

// stdioEnv is a stdio server's environment: the safe set of the client's
// environment (or all of it, with inherit), then env over it, sorted by
// name so that it is the same on every start.
func stdioEnv(inherit bool, env map[string]string) []string {
	var out []string
	if inherit {
		out = os.Environ()
	} else {
		for _, k := range safeEnvNames[runtime.GOOS == "windows"] {
			// A value starting "()" is a shell function (Shellshock):
			// not inherited, as the TypeScript SDK does.
			if v, ok := os.LookupEnv(k); ok && !strings.HasPrefix(v, "()") {
				out = append(out, k+"="+v)
			}
		}
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range env {
			if !yield(k) {
				return
			}
		}
	}) {
		out = append(out, k+"="+env[k]) // later entries win in os/exec
	}
	return out
}

// WithInheritEnv passes the client's whole environment to a stdio server,
// as a shell would. By default a server gets only HOME, LOGNAME, PATH,
// SHELL, TERM and USER (on Windows the TypeScript SDK's list: APPDATA,
// PATH, SYSTEMROOT, USERPROFILE, …) plus what [WithEnv] sets: API keys and
// tokens in the environment do not reach servers that were not given them.
// Stdio only.
func WithInheritEnv() Option {
	return func(o *options) error {
		o.onlyFor(familyStdio, "WithInheritEnv")
		o.inheritEnv = true
		return nil
	}
}
