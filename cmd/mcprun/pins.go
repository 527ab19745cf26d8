package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

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
// remember) and strict is an error.
func (a *app) pinOptions(f *serverFlags) ([]mcpclient.Option, error) {
	mode := f.toolPins
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
	strict := mode == "strict"
	report := func(ch mcpclient.ToolChange) {
		what := "warning: now offered with its new definition"
		if strict {
			what = "refused (--tool-pins strict); remove its pin from " + path + " to accept it"
		}
		fmt.Fprintf(a.stderr, "mcprun: server %q changed tool %q since first used (%s changed): %s\n", noControl(ch.Server), noControl(ch.Tool), strings.Join(ch.Changed, " and "), what)
	}
	return []mcpclient.Option{mcpclient.WithToolPins(store, strict), mcpclient.WithToolChanged(report)}, nil
}
