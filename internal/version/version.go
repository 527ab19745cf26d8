// Package version says which mcprun this is, from the build information
// the Go toolchain embeds (no ldflags needed): the module version for
// `go install …@vX.Y.Z`, else the VCS revision of a local build.
package version

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// modulePath is mcprun's module.
const modulePath = "github.com/mcprun/mcprun"

// Version is mcprun's version: "v1.2.3", or for a build from a checkout
// "devel+REV" (with "-dirty" if modified), or "devel" when unknown.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return fromBuildInfo(bi)
}

func fromBuildInfo(bi *debug.BuildInfo) string {
	m := &bi.Main
	if m.Path != modulePath {
		m = nil
		for _, d := range bi.Deps {
			if d.Path == modulePath {
				m = d
				break
			}
		}
	}
	if m != nil && m.Version != "" && m.Version != "(devel)" {
		return m.Version
	}
	v := "devel"
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev != "" && m == &bi.Main {
		v += "+" + rev[:min(len(rev), 12)] + dirty
	}
	return v
}

// UserAgent is "mcprun/VERSION (go; OS/ARCH)".
func UserAgent() string {
	return "mcprun/" + strings.ReplaceAll(Version(), " ", "_") + " (go; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}
