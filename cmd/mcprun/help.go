package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
)

// commandExamples are shown under a command's flags by `mcprun help COMMAND`
// and `mcprun COMMAND --help`, keyed by the flag set's name. Those naming
// ./examples/weather/server run as written from the repository root (with
// MISTRAL_API_KEY exported where the API is used).
var commandExamples = map[string]string{
	"run": `mcprun run --stdio "go run ./examples/weather/server" "What is the weather in Paris?"
  echo "A long prompt" | mcprun run --json -
  mcprun run --temporal 127.0.0.1:7233 [--detach] "Weather in Paris?"   # durable: handed to mcprun-temporal run (its --help lists the flags)`,
	"chat":  `mcprun chat --stdio "go run ./examples/weather/server"`,
	"demo":  `mcprun demo          # no MISTRAL_API_KEY: against mistraltest, a scripted model`,
	"tools": `mcprun tools --stdio "go run ./examples/weather/server"`,
	"resources": `mcprun resources --config mcprun.json
  mcprun resources --config mcprun.json docs file:///guide.md`,
	"prompts": `mcprun prompts --config mcprun.json
  mcprun prompts --config mcprun.json docs review language=go
  mcprun run --config mcprun.json --prompt docs/review "Review main.go"`,
	"call": `go build -o weather-server ./examples/weather/server
  mcprun call --stdio ./weather-server weather-server get_weather '{"location":"Paris"}'`,
	"approve": `mcprun run --defer --stdio "go run ./examples/weather/server" "Weather in Paris?"   # prints the ID
  mcprun approve --stdio "go run ./examples/weather/server" ID`,
	"agents create": `mcprun agents create --name "weather teller" --instructions "Tell the weather."`,
	"agents list":   `mcprun agents list`,
	"auth login":    `mcprun auth login https://mcp.example.com/mcp`,
	"auth status":   `mcprun auth status`,
	"auth logout":   `mcprun auth logout https://mcp.example.com/mcp`,
	"config check":  `mcprun config check .vscode/mcp.json`,
	"trust":         `mcprun trust ./mcprun.json`,
	"pins list":     `mcprun pins list --config mcprun.json`,
	"pins accept": `mcprun run --tool-pins strict --config mcprun.json "Find the release notes"   # docs/search refused: changed
  mcprun pins accept --config mcprun.json docs search   # shows what changed, asks, pins it`,
	"mock-server": `mcprun mock-server --addr 127.0.0.1:8089 &
  MISTRAL_API_KEY=any MISTRAL_SERVER_URL=http://127.0.0.1:8089 mcprun run "hello"`,
}

// subcommands are the commands that take one, for `mcprun help agents`.
var subcommands = map[string][]string{
	"agents": {"create", "list"},
	"auth":   {"login", "status", "logout"},
	"config": {"check"},
	"pins":   {"list", "accept"},
}

// newFlagSet returns a flag set that returns its errors instead of exiting.
// Its usage is the synopsis, the flags and the command's example.
func (a *app) newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: mcprun %s\n", synopsis)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprint(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
		if ex, ok := commandExamples[name]; ok {
			fmt.Fprintf(w, "\nExample:\n  %s\n", ex)
		}
	}
	return fs
}

// parse parses a command's flags. Asked for (-h, --help), the usage goes to
// stdout and the command ends successfully; after a wrong flag it goes to
// stderr and the command fails with errUsage.
func (a *app) parse(fs *flag.FlagSet, args []string) error {
	var buf bytes.Buffer
	out := fs.Output()
	fs.SetOutput(&buf)
	err := fs.Parse(args)
	fs.SetOutput(out)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		a.stdout.Write(buf.Bytes())
		return err
	}
	out.Write(buf.Bytes())
	return errUsage
}

func isHelpFlag(s string) bool {
	switch s {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// helpCmd is `mcprun help [COMMAND [SUBCOMMAND]]`: the command's usage,
// flags and example on stdout, as `mcprun COMMAND --help` prints them.
func (a *app) helpCmd(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(a.stdout, usage)
		return 0
	}
	cmd := args[0]
	if !knownCommand(cmd) {
		fmt.Fprintf(a.stderr, "mcprun help: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if subs, ok := subcommands[cmd]; ok && len(args) == 1 {
		code := 0
		for i, sub := range subs {
			if i > 0 {
				fmt.Fprintln(a.stdout)
			}
			if c := a.main(ctx, []string{cmd, sub, "--help"}); c != 0 {
				code = c
			}
		}
		return code
	}
	return a.main(ctx, append(append([]string(nil), args...), "--help"))
}

// commands are the commands `mcprun help` knows; TestHelpKnowsEveryCommand
// keeps the list and the usage text in step.
var commands = strings.Fields("run chat demo tools call resources prompts config trust pins agents approve auth mock-server worker attach cancel")

func knownCommand(cmd string) bool { return slices.Contains(commands, cmd) }

// groupHelp is `mcprun agents --help` and the like: the help of each
// subcommand.
func (a *app) groupHelp(ctx context.Context, cmd string) error {
	if a.helpCmd(ctx, []string{cmd}) != 0 {
		return errUsage
	}
	return nil
}
