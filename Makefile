# mcprun — the commands README names. `make test` is what CI runs (.ci/run).
SHELL := /bin/bash
GO ?= go
# Test peers (Node 22, MCP reference servers, conformance suite, staticcheck) live in .cache/.
TOOLS_ENV := .cache/tools.env
FUZZTIME ?= 10s

.PHONY: all build test unit fuzz lint conformance bench demo tools clean

all: build

build:
	$(GO) build ./...

$(TOOLS_ENV): scripts/install-tools.sh
	@mkdir -p .cache
	bash scripts/install-tools.sh > $(TOOLS_ENV).tmp && mv $(TOOLS_ENV).tmp $(TOOLS_ENV)

tools: $(TOOLS_ENV)

# Everything CI checks: lint, unit + integration tests under the race detector,
# a short run of every fuzz target, and the MCP conformance suite.
test: tools lint unit fuzz conformance

unit: tools
	source $(TOOLS_ENV) && export PATH="$$MCPRUN_NPM_BIN:$$PATH" MCPRUN_NODE MCPRUN_NODE_MODULES && \
	  $(GO) test -race -count=1 -timeout 20m ./...

lint: tools
	$(GO) vet ./...
	source $(TOOLS_ENV) && "$$MCPRUN_TOOLS_BIN/staticcheck" ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

# Each FuzzXxx target runs for $(FUZZTIME).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; done

conformance: tools
	source $(TOOLS_ENV) && export MCPRUN_NODE MCPRUN_NODE_MODULES MCPRUN_NPM_BIN && bash scripts/conformance.sh

# The clients side by side (bench/compare: mcprun, go-sdk, mcp-go, the TS SDK, a
# hand-written loop; each in its own process, interleaved rounds), then the library's
# own benchmarks with -benchmem. BENCHROUNDS/BENCHDUR trade time for steadier numbers.
BENCHROUNDS ?= 3
BENCHDUR ?= 1s
bench: tools
	source $(TOOLS_ENV) && export MCPRUN_NODE MCPRUN_NODE_MODULES && \
	  (cd bench && $(GO) run ./compare -rounds $(BENCHROUNDS) -dur $(BENCHDUR)) | tee .cache/bench.txt
	$(GO) test -run '^$$' -bench 'CallTool|TurnOverhead|StreamDeltas' -benchmem -benchtime 1s ./mcpclient ./run | tee -a .cache/bench.txt

# The reference weather example through the CLI: against the real API when
# MISTRAL_API_KEY is set, else against mistraltest (it says so first).
demo:
	@mkdir -p .cache/bin
	$(GO) build -o .cache/bin/mcprun ./cmd/mcprun
	$(GO) build -o .cache/bin/weather-server ./examples/weather/server
	.cache/bin/mcprun demo --stdio .cache/bin/weather-server

clean:
	rm -rf .cache
