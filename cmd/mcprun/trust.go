package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcprun/mcprun/internal/atomicfile"
	"github.com/mcprun/mcprun/internal/filelock"
	"github.com/mcprun/mcprun/internal/mcpconfig"
)

// A config file found in the current directory (./mcprun.json) came with
// whatever repository the user cloned: it can start any command and send
// the environment's secrets anywhere through ${VAR}. It is used only once
// the user trusted it as it is now — asked on the terminal, showing what
// it starts, or with `mcprun trust` — and is asked about again when it
// changes. A file named with --config is the user's own choice and runs.

// errUntrusted is matched by a refused implicit config file.
var errUntrusted = errors.New("not trusted")

// untrustedError is a refused implicit config file: its message says why
// and what to do, and it matches errUntrusted without repeating it.
type untrustedError struct{ msg string }

func (e *untrustedError) Error() string        { return e.msg }
func (e *untrustedError) Is(target error) bool { return target == errUntrusted }

// trustedPath is where trusted config files are remembered: a JSON object
// from absolute path to the SHA-256 of the content trusted, in the user's
// config folder beside the token file.
func (a *app) trustedPath() (string, error) {
	dir := a.getenv("XDG_CONFIG_HOME")
	if dir == "" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("locating the config folder: %w", err)
		}
		dir = d
	}
	return filepath.Join(dir, "mcprun", "trusted.json"), nil
}

// checkTrust lets the implicit config file at path be used if it is
// trusted as it is, asking on a terminal otherwise. An absent file needs
// no trust.
func (a *app) checkTrust(ctx context.Context, path string, f *serverFlags) error {
	data, abs, err := readForTrust(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	sum := digest(data)
	trusted, err := a.trusted()
	if err != nil {
		return err
	}
	if trusted[abs] == sum {
		return nil
	}
	why := "is not trusted"
	if trusted[abs] != "" {
		why = "changed since you trusted it"
	}
	if !a.interactive() {
		return &untrustedError{fmt.Sprintf("%s %s: a config file in the current folder can start commands and send your secrets; read it, then run `mcprun trust %s`, or name it with --config %s", path, why, path, path)}
	}
	a.promptMu.Lock()
	defer a.promptMu.Unlock()
	fmt.Fprintf(a.stderr, "%s %s. It would start:\n", path, why)
	describeForTrust(a.stderr, path, data, f)
	fmt.Fprintf(a.stderr, "Trust %s as it is now and start these? [y/N] ", path)
	answer, _ := a.lines().ReadString('\n')
	if !yes(answer) {
		return &untrustedError{fmt.Sprintf("%s: you did not trust it; nothing was started", path)}
	}
	return a.trust(ctx, abs, sum)
}

// trustCmd is `mcprun trust [FILE]`: FILE (./mcprun.json by default),
// as it is now, may be used without --config.
func (a *app) trustCmd(ctx context.Context, args []string) error {
	var sf serverFlags
	fs := a.newFlagSet("trust", "trust [flags] [FILE]  (FILE defaults to ./mcprun.json)")
	fs.StringVar(&sf.configFormat, "config-format", "", "read FILE as this `FORMAT` ("+formatList()+")")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return errUsage
	}
	path := "mcprun.json"
	if fs.NArg() == 1 {
		path = fs.Arg(0)
	}
	data, abs, err := readForTrust(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := a.trust(ctx, abs, digest(data)); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "trusted %s as it is now; it starts:\n", path)
	describeForTrust(a.stdout, path, data, &sf)
	return nil
}

func readForTrust(path string) (data []byte, abs string, err error) {
	abs, err = filepath.Abs(path)
	if err != nil {
		return nil, "", err
	}
	fh, err := os.Open(abs)
	if err != nil {
		return nil, "", err
	}
	defer fh.Close()
	data, err = io.ReadAll(io.LimitReader(fh, mcpconfig.MaxFileSize+1))
	return data, abs, err
}

func digest(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// trusted reads the remembered files. A missing list is empty.
func (a *app) trusted() (map[string]string, error) {
	p, err := a.trustedPath()
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("trusted config files: %w", err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("trusted config files: %s is not valid JSON; delete it to trust files anew", p)
	}
	return m, nil
}

// trust remembers the file at abs with the content digest sum.
func (a *app) trust(ctx context.Context, abs, sum string) error {
	p, err := a.trustedPath()
	if err != nil {
		return err
	}
	unlock, err := filelock.Lock(ctx, p+".lock")
	if err != nil {
		return err
	}
	defer unlock()
	m, err := a.trusted()
	if err != nil {
		return err
	}
	m[abs] = sum
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(p, append(data, '\n')); err != nil {
		return fmt.Errorf("trusting %s: %w", abs, err)
	}
	return nil
}

// describeForTrust shows what the file would start: commands, URLs, the
// environment and headers it sets and the files it reads, with variables
// left as ${NAME}, so that the reader sees which of their secrets go
// where (and no secret is printed).
func describeForTrust(w io.Writer, path string, data []byte, f *serverFlags) {
	opts := mcpconfig.Options{
		Getenv: func(k string) string { return "${" + k + "}" },
		Home:   "~",
		Format: mcpconfig.Format(f.configFormat),
		Prompt: func(in mcpconfig.Input) (string, error) { return "${input:" + in.ID + "}", nil },
	}
	file, err := mcpconfig.Parse(path, data, opts)
	if err != nil {
		fmt.Fprintf(w, "  (unreadable: %s)\n", terminalSafe(oneLine(err.Error())))
		return
	}
	for _, s := range file.Servers {
		var what []string
		if s.Transport == mcpconfig.Stdio {
			what = append(what, "runs "+strings.Join(append([]string{s.Command}, s.Args...), " "))
			if s.Cwd != "" {
				what = append(what, "in "+s.Cwd)
			}
			if s.InheritEnv {
				what = append(what, "with your whole environment")
			}
		} else {
			what = append(what, "connects to "+s.URL)
		}
		for _, k := range sortedKeys(s.Env) {
			what = append(what, "env "+k+"="+s.Env[k])
		}
		if s.EnvFile != "" {
			what = append(what, "reads "+s.EnvFile+" into its environment")
		}
		for _, k := range sortedKeys(s.Headers) {
			what = append(what, "header "+k+": "+s.Headers[k])
		}
		if s.Trusted {
			what = append(what, "its read-only tools run without --confirm")
		}
		fmt.Fprintf(w, "  %s: %s\n", terminalSafe(s.Name), terminalSafe(clip(strings.Join(what, "; "), 600)))
	}
}
