# mcprun — the commands README names. `make test` is what CI runs (.ci/run).
SHELL := /bin/bash
GO ?= go
# Test peers (Node 22, MCP reference servers, conformance suite, staticcheck) live in .cache/.
TOOLS_ENV := .cache/tools.env
# A count, not a duration: with a duration Go 1.26's fuzz coordinator can report a
# spurious "context deadline exceeded" when the deadline races a busy worker
# (golang/go#75804, fixed only in Go 1.27). 100000 inputs take 1-12 s per target here.
FUZZTIME ?= 100000x
# make mutate: gremlins, pinned, and the kill rate it must reach (percent of the
# non-equivalent mutants the tests cover; scripts/mutate.sh says which).
GREMLINS_VERSION := v0.6.0
GREMLINS := .cache/bin/gremlins-$(GREMLINS_VERSION)
MUTATE_TARGET ?= 90

.PHONY: all build test unit fuzz lint conformance bench demo tools clean tempserver temporal-dev temporal-test temporal-lint temporal-bench mutate

all: build

build:
	$(GO) build ./...

$(TOOLS_ENV): scripts/install-tools.sh
	@mkdir -p .cache
	bash scripts/install-tools.sh > $(TOOLS_ENV).tmp && mv $(TOOLS_ENV).tmp $(TOOLS_ENV)

tools: $(TOOLS_ENV)

# Everything CI checks: lint, unit + integration tests under the race detector,
# a short run of every fuzz target, and the MCP conformance suite.
test: tools lint unit fuzz conformance temporal-lint temporal-test

# The packages whose tests start stdio servers run a second time with every
# stdio client on the go-sdk's CommandTransport (mcpclient.WithSDKStdio)
# instead of mcprun's own (internal/stdioswitch).
SDKSTDIO_PKGS := ./mcpclient ./run ./cmd/mcprun

unit: tools
	source $(TOOLS_ENV) && export PATH="$$MCPRUN_NPM_BIN:$$PATH" MCPRUN_NODE MCPRUN_NODE_MODULES && \
	  $(GO) test -race -count=1 -timeout 20m ./... && \
	  MCPRUN_TEST_SDKSTDIO=1 $(GO) test -race -count=1 -timeout 20m $(SDKSTDIO_PKGS)

lint: tools
	bash scripts/no-binaries.sh
	$(GO) vet ./...
	source $(TOOLS_ENV) && "$$MCPRUN_TOOLS_BIN/staticcheck" ./...
	# bench/ (a module of its own: mcp-go is a dependency there only) is vetted too.
	cd bench && $(GO) vet ./...
	source $(TOOLS_ENV) && cd bench && "$$MCPRUN_TOOLS_BIN/staticcheck" ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

# Durable runs (temporal/, a nested module: Temporal never enters the root
# module's graph) and the embedded dev server (internal/tempserver, its own
# module: the server's graph clashes with the SDK's). The server binary is
# built once into .cache/bin (a cold build takes ~10 minutes and ~2.6 GB on 2
# cores) and reused; its tests start it themselves on loopback.
TEMPSERVER := .cache/bin/tempserver
TEMPORAL_DEV_ADDR ?= 127.0.0.1:7233
TEMPORAL_DEV_NAMESPACE ?= default

$(TEMPSERVER): internal/tempserver/main.go internal/tempserver/go.mod internal/tempserver/go.sum
	@mkdir -p .cache/bin
	cd internal/tempserver && $(GO) build -o ../../$(TEMPSERVER) .

tempserver: $(TEMPSERVER)

# A dev server for users without a cluster: prints ADDRESS NAMESPACE; Ctrl-C stops it.
temporal-dev: $(TEMPSERVER)
	$(TEMPSERVER) -addr $(TEMPORAL_DEV_ADDR) -namespace $(TEMPORAL_DEV_NAMESPACE)

temporal-lint: tools
	cd temporal && $(GO) vet ./...
	cd internal/tempserver && $(GO) vet ./...
	source $(TOOLS_ENV) && cd temporal && "$$MCPRUN_TOOLS_BIN/staticcheck" ./...

temporal-test: $(TEMPSERVER)
	cd temporal && MCPRUN_TEMPSERVER=$(abspath $(TEMPSERVER)) $(GO) test -race -count=1 -timeout 20m ./...

# Durable against in-process runs on the same scripted model, and the
# recovery time after a worker is killed.
temporal-bench: $(TEMPSERVER)
	cd temporal && MCPRUN_TEMPSERVER=$(abspath $(TEMPSERVER)) $(GO) test -run '^$$' -bench 'Durable' -benchtime 20x ./cmd/mcprun-temporal | tee -a ../.cache/bench.txt
	cd temporal && MCPRUN_TEMPSERVER=$(abspath $(TEMPSERVER)) $(GO) test -run '^$$' -bench 'Recovery' -benchtime 3x ./cmd/mcprun-temporal | tee -a ../.cache/bench.txt

# Each FuzzXxx target runs for $(FUZZTIME) (inputs when it ends in x, else a duration).
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
	  (cd bench && $(GO) mod tidy && $(GO) run ./compare -rounds $(BENCHROUNDS) -dur $(BENCHDUR)) | tee .cache/bench.txt
	$(GO) test -run '^$$' -bench 'CallTool|TurnOverhead|StreamDeltas' -benchmem -benchtime 1s ./mcpclient ./run | tee -a .cache/bench.txt
	$(GO) test -run '^$$' -bench 'ParallelCalls|ConcurrentRuns|ConnectConcurrent' -benchtime 3x ./mcpclient ./run | tee -a .cache/bench.txt
	$(GO) test -run '^$$' -bench 'ConnectList' -benchmem -benchtime 5x ./mcpclient | tee -a .cache/bench.txt
	$(MAKE) temporal-bench

# A short mutation run (about 40 minutes on a busy 2-core machine) over the run loop, the mistral
# client's retries and the OAuth flow: not part of `make test`, for CI's time.
mutate: tools $(GREMLINS)
	source $(TOOLS_ENV) && export PATH="$$MCPRUN_NPM_BIN:$$PATH" MCPRUN_NODE MCPRUN_NODE_MODULES && \
	  GREMLINS=$(CURDIR)/$(GREMLINS) MUTATE_TARGET=$(MUTATE_TARGET) bash scripts/mutate.sh

$(GREMLINS):
	@mkdir -p .cache/bin
	GOBIN=$(CURDIR)/.cache/gremlins $(GO) install github.com/go-gremlins/gremlins/cmd/gremlins@$(GREMLINS_VERSION)
	mv .cache/gremlins/gremlins $@

# The reference weather example through the CLI: against the real API when
# MISTRAL_API_KEY is set, else against mistraltest (it says so first).
demo:
	@mkdir -p .cache/bin
	$(GO) build -o .cache/bin/mcprun ./cmd/mcprun
	$(GO) build -o .cache/bin/weather-server ./examples/weather/server
	.cache/bin/mcprun demo --stdio .cache/bin/weather-server

clean:
	rm -rf .cache
