package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/internal/serverflags"
	"github.com/mcprun/mcprun/mcpclient"
)

// pinPath is where tool pins are kept: $XDG_STATE_HOME/mcprun/tool-pins.json,
// else ~/.local/state/mcprun/tool-pins.json; "" when neither is set.
func (a *app) pinPath() string {
	if d := a.getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mcprun", "tool-pins.json")
	}
	if home := a.getenv("HOME"); home != "" {
		return filepath.Join(home, ".local", "state", "mcprun", "tool-pins.json")
	}
	return ""
}

// pinOptions are the client options of --tool-pins: each changed tool is
// one line on stderr. Without a state folder, warn is off (nowhere to
// remember) and strict is an error. For `mcprun pins` (f.pinsInspect) the
// pins are strict, read only and reported by the command itself.
func (a *app) pinOptions(f *serverFlags, s mcpconfig.Server) ([]mcpclient.Option, error) {
	mode := f.toolPins
	if f.pinsInspect {
		mode = "strict"
	}
	switch mode {
	case "off":
		return nil, nil
	case "warn", "strict":
	default:
		return nil, fmt.Errorf("--tool-pins %q: want warn, strict or off", mode)
	}
	path := a.pinPath()
	if path == "" {
		if mode == "strict" {
			return nil, errors.New("--tool-pins strict: nowhere to keep the pins (set XDG_STATE_HOME or HOME)")
		}
		return nil, nil
	}
	store, err := mcpclient.NewFilePinStore(path)
	if err != nil {
		return nil, err
	}
	pins := f.keyedPinsOf(store, s)
	if f.pinsInspect {
		pins.readOnly = true
		return []mcpclient.Option{mcpclient.WithToolPins(pins, true)}, nil
	}
	strict := mode == "strict"
	report := func(ch mcpclient.ToolChange) {
		what := "warning: now offered with its new definition"
		if strict {
			what = fmt.Sprintf("refused (--tool-pins strict); to see the change and accept it: mcprun pins accept [the same server flags] %s %s", shellWord(ch.Server), shellWord(ch.Tool))
		}
		fmt.Fprintf(a.stderr, "mcprun: server %q changed tool %q since first used (%s changed): %s\n", noControl(ch.Server), noControl(ch.Tool), joinAnd(ch.Changed), a.shown(noControl(what)))
	}
	return []mcpclient.Option{mcpclient.WithToolPins(pins, strict), mcpclient.WithToolChanged(report)}, nil
}

// joinAnd joins "a", "a and b", "a, b and c".
func joinAnd(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// shellWord quotes s for a POSIX shell when it holds anything but
// letters, digits and -_./:@.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// pinKey names a server in the pin file by its name and a hash of what it
// runs or where it is (not the words themselves: arguments and URLs may
// hold secrets): two --stdio servers may run one package with other
// arguments, and two configs may give one name to different servers.
func pinKey(s mcpconfig.Server) string {
	return pinKeyNamed(s, s.Name)
}

func pinKeyNamed(s mcpconfig.Server, name string) string {
	what := s.URL
	if s.Transport == mcpconfig.Stdio {
		what = strings.Join(append([]string{s.Command}, s.Args...), "\x00")
	}
	h := sha256.Sum256([]byte(what))
	return name + " " + hex.EncodeToString(h[:8])
}

// oldPinNames maps the name of each --stdio server (servers after the
// first configured ones) to the name it had before launchers were named
// after what they run (mcprun 0.1 named "npx -y @x/server-memory" npx,
// a second npx server npx-2), when the two differ: its pins, kept under
// the old name, are still read.
func oldPinNames(servers []mcpconfig.Server, configured int) map[string]string {
	old := make([]mcpconfig.Server, len(servers))
	copy(old, servers)
	for i := configured; i < len(old); i++ {
		if old[i].Transport == mcpconfig.Stdio {
			old[i].Name = filepath.Base(old[i].Command)
		} else {
			old[i].Name = serverflags.HostName(old[i].URL)
		}
	}
	serverflags.Unique(old)
	var m map[string]string
	for i := configured; i < len(old); i++ {
		if servers[i].Transport == mcpconfig.Stdio && old[i].Name != servers[i].Name {
			if m == nil {
				m = map[string]string{}
			}
			m[servers[i].Name] = old[i].Name
		}
	}
	return m
}

// keyedPinsOf is the pins of s in store: under its pinKey, and under its
// key of before (see oldPinNames) for the tools the first has not.
func (f *serverFlags) keyedPinsOf(store *mcpclient.FilePinStore, s mcpconfig.Server) keyedPins {
	k := keyedPins{store: store, key: pinKey(s)}
	if old, ok := f.oldPinNames[s.Name]; ok {
		k.oldKey = pinKeyNamed(s, old)
	}
	return k
}

// keyedPins keeps one server's pins under its pinKey; readOnly saves
// nothing (`mcprun pins` looks, then saves only what the user accepts).
// Pins under oldKey are read too (the new key's win) and saved under key.
type keyedPins struct {
	store    *mcpclient.FilePinStore
	key      string
	oldKey   string
	readOnly bool
}

func (k keyedPins) LoadPins(ctx context.Context, _ string) (map[string]mcpclient.ToolPin, error) {
	pins, err := k.store.LoadPins(ctx, k.key)
	if err != nil || k.oldKey == "" {
		return pins, err
	}
	old, err := k.store.LoadPins(ctx, k.oldKey)
	if err != nil {
		return nil, err
	}
	if len(old) == 0 {
		return pins, nil
	}
	merged := make(map[string]mcpclient.ToolPin, len(old)+len(pins))
	for tool, p := range old {
		merged[tool] = p
	}
	for tool, p := range pins {
		merged[tool] = p
	}
	return merged, nil
}

func (k keyedPins) SavePins(ctx context.Context, _ string, pins map[string]mcpclient.ToolPin) error {
	if k.readOnly {
		return nil
	}
	return k.store.SavePins(ctx, k.key, pins)
}
