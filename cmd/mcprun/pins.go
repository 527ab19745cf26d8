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
	if f.pinsInspect {
		return []mcpclient.Option{mcpclient.WithToolPins(keyedPins{store: store, key: pinKey(s), readOnly: true}, true)}, nil
	}
	strict := mode == "strict"
	report := func(ch mcpclient.ToolChange) {
		what := "warning: now offered with its new definition"
		if strict {
			what = fmt.Sprintf("refused (--tool-pins strict); to see the change and accept it: mcprun pins accept [the same server flags] %s %s", shellWord(ch.Server), shellWord(ch.Tool))
		}
		fmt.Fprintf(a.stderr, "mcprun: server %q changed tool %q since first used (%s changed): %s\n", noControl(ch.Server), noControl(ch.Tool), joinAnd(ch.Changed), a.shown(noControl(what)))
	}
	return []mcpclient.Option{mcpclient.WithToolPins(keyedPins{store: store, key: pinKey(s)}, strict), mcpclient.WithToolChanged(report)}, nil
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
// hold secrets): --stdio servers are named after their command ("npx"),
// and two configs may give one name to different servers.
func pinKey(s mcpconfig.Server) string {
	what := s.URL
	if s.Transport == mcpconfig.Stdio {
		what = strings.Join(append([]string{s.Command}, s.Args...), "\x00")
	}
	h := sha256.Sum256([]byte(what))
	return s.Name + " " + hex.EncodeToString(h[:8])
}

// keyedPins keeps one server's pins under its pinKey; readOnly saves
// nothing (`mcprun pins` looks, then saves only what the user accepts).
type keyedPins struct {
	store    *mcpclient.FilePinStore
	key      string
	readOnly bool
}

func (k keyedPins) LoadPins(ctx context.Context, _ string) (map[string]mcpclient.ToolPin, error) {
	return k.store.LoadPins(ctx, k.key)
}

func (k keyedPins) SavePins(ctx context.Context, _ string, pins map[string]mcpclient.ToolPin) error {
	if k.readOnly {
		return nil
	}
	return k.store.SavePins(ctx, k.key, pins)
}
