package main

import (
	"flag"
	"fmt"
)

// mcprun run --temporal hands its arguments to mcprun-temporal run: every
// flag of a local run is either supported here or refused with why,
// never silently ignored. A durable run's tools, MCP servers and API
// client are its workers', so the flags that configure them belong to
// mcprun worker.

const (
	workerServers = "a durable run's tools are its workers': give the MCP servers to mcprun worker"
	workerAPI     = "a durable run's model turns are sent by its workers: give it to mcprun worker"
)

// localOnly are the flags of mcprun run that a durable run refuses, and why.
var localOnly = []struct {
	name, why string
	boolean   bool
}{
	{"stdio", workerServers, false},
	{"sse", workerServers, false},
	{"http", workerServers, false},
	{"config", workerServers, false},
	{"config-format", workerServers, false},
	{"input", workerServers, false},
	{"tool-timeout", "a tool call's bound is its worker's (mcprun worker --tool-timeout)", false},
	{"tool-pins", "tool pins are checked where the tools run: on the workers", false},
	{"shutdown-grace", "stdio servers run on the workers, which stop them", false},
	{"prefix-tools", workerServers, true},
	{"require-all-servers", workerServers, true},
	{"max-result-bytes", "a tool result's cap is its worker's (mcprun worker; a durable run keeps at most 256 KiB of a result)", false},
	{"prompt", "an MCP prompt comes from the run's servers, which are the workers': give its text as --instructions", false},
	{"server-url", workerAPI + " (mcprun worker --server-url)", false},
	{"allow-plain-http", workerAPI, true},
	{"allow-sampling", "servers' sampling requests reach the workers, which answer them (see mcprun worker --help)", true},
	{"confirm", "a durable run cannot ask on this terminal: the calls its workers hold for approval (mcprun worker --defer) wait, and mcprun approve ID answers them", true},
	{"defer", "a durable run waits for approvals by itself: the calls its workers hold for approval (mcprun worker --defer) wait, and mcprun approve ID answers them", true},
	{"v", "a durable run's requests and calls are its workers': their logs show them", true},
}

// refusedFlags records which refused flags were given.
type refusedFlags struct{ given []string }

// refuseLocalFlags defines mcprun run's flags that a durable run does not
// take, so that giving one is a clear error.
func refuseLocalFlags(fs *flag.FlagSet) *refusedFlags {
	r := &refusedFlags{}
	for _, l := range localOnly {
		fs.Var(&refusedFlag{r: r, name: l.name, boolean: l.boolean}, l.name, "not for durable runs: "+l.why)
	}
	return r
}

// usage prints fs's usage without the refused flags.
func (r *refusedFlags) usage(fs *flag.FlagSet, line string) func() {
	return func() {
		fmt.Fprintln(fs.Output(), line)
		shown := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
		shown.SetOutput(fs.Output())
		fs.VisitAll(func(fl *flag.Flag) {
			if _, refused := fl.Value.(*refusedFlag); !refused {
				shown.Var(fl.Value, fl.Name, fl.Usage)
			}
		})
		shown.PrintDefaults()
		fmt.Fprintln(fs.Output(), "  (mcprun run's other flags configure tools and the API client: a durable run's are its workers')")
	}
}

func (r *refusedFlags) err() error {
	if len(r.given) == 0 {
		return nil
	}
	why, _ := refusedWhy(r.given[0])
	return fmt.Errorf("--%s is not for durable runs: %s", r.given[0], why)
}

type refusedFlag struct {
	r       *refusedFlags
	name    string
	boolean bool
}

func (f *refusedFlag) String() string { return "" }

func (f *refusedFlag) Set(string) error {
	f.r.given = append(f.r.given, f.name)
	return nil
}

func (f *refusedFlag) IsBoolFlag() bool { return f.boolean }

// refusedWhy says why a durable run refuses flag name, if it does.
func refusedWhy(name string) (string, bool) {
	for _, l := range localOnly {
		if l.name == name {
			return l.why, true
		}
	}
	return "", false
}
