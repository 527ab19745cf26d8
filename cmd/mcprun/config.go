package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"

	"golang.org/x/term"

	"github.com/mcprun/mcprun/internal/mcpconfig"
)

// loadConfig is the one place a config file is read (mcpconfig.Load with
// the CLI's environment, home, --input values and terminal prompt). An
// absent default file is no error: it returns an empty file.
func (a *app) loadConfig(path string, isDefault bool, f *serverFlags) (*mcpconfig.File, error) {
	inputs := map[string]string{}
	for _, kv := range f.inputs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--input %q: want NAME=VALUE", kv)
		}
		inputs[k] = v
	}
	opts := mcpconfig.Options{
		Getenv: a.getenv,
		Home:   userHome(a.getenv),
		Inputs: inputs,
		Format: mcpconfig.Format(f.configFormat),
	}
	if a.stdinIsTerminal() {
		opts.Prompt = a.promptInput
	}
	file, err := mcpconfig.Load(path, opts)
	if err != nil {
		if isDefault && errors.Is(err, fs.ErrNotExist) {
			return &mcpconfig.File{Path: path}, nil
		}
		return nil, err
	}
	return file, nil
}

// userHome is ${userHome} and ~ in config files.
func userHome(getenv func(string) string) string {
	if runtime.GOOS == "windows" {
		return getenv("USERPROFILE")
	}
	return getenv("HOME")
}

func (a *app) stdinIsTerminal() bool {
	f, ok := a.stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// promptInput asks for a VS Code input on the terminal (a password without
// echo).
func (a *app) promptInput(in mcpconfig.Input) (string, error) {
	label := in.Description
	if label == "" {
		label = in.ID
	}
	if len(in.Options) > 0 {
		label += " (" + strings.Join(in.Options, ", ") + ")"
	}
	if in.Default != "" {
		label += " [" + in.Default + "]"
	}
	fmt.Fprintf(a.stderr, "%s: ", label)
	if in.Password {
		f := a.stdin.(*os.File)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
