# The two set-up commands are `make demo` and `make test`; both install
# what they need (Debian's PostgreSQL server package) when it is missing.
export PATH := $(PATH):/usr/local/go/bin
GO ?= go
BIN := bin/handoff

.PHONY: all build demo test bench fuzz postgres screenshots clean

all: build

postgres:
	@sh scripts/ensure-postgres.sh

# The commit and build date go into `handoff version`.
LDFLAGS := -X main.commit=$(shell git rev-parse HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo +modified) \
	-X main.buildDate=$(shell date -u +%Y-%m-%dT%H:%M:%SZ)

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/handoff

# Builds, starts the embedded PostgreSQL, migrates, creates the demo
# scenario (idempotently), writes its API keys and the walk-through to
# demo.env (and names the file), and opens the workstation on the queue
# when run from a terminal (never in CI, where it would wait for keys).
demo: postgres build
	./$(BIN) demo
	@if [ -t 0 ] && [ -t 1 ]; then ./$(BIN) tui --tab queue --tour; else echo "Open the workstation with: ./$(BIN) tui --tab queue --tour"; fi

test: postgres
	@sh scripts/ensure-test-tools.sh
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 15m ./...

# Short fuzzing runs of every fuzz target.
fuzz: postgres
	$(GO) test ./domain -run '^$$' -fuzz FuzzParseShareToken -fuzztime 30s
	$(GO) test ./api -run '^$$' -fuzz FuzzDecodeImport -fuzztime 30s

# Load generator: mint and import against `handoff serve`, and pgbench
# running the bare statements of each, on the embedded cluster, with the
# audit sealing lag and the one-issuer-eight-partners comparison. The TUI,
# SSH and webhook benchmarks have their own commands in docs/BENCHMARKS.md.
bench: postgres build
	$(GO) run ./cmd/loadgen -bin ./$(BIN)

# Pictures of the main screens for the README, from the real program on
# the demo data (tmux, aha and wkhtmltoimage: installed from Debian's
# packages when missing). Not part of make test.
screenshots: postgres build
	@sh scripts/ensure-screenshot-tools.sh
	./$(BIN) demo
	sh scripts/screenshots.sh ./$(BIN)

clean:
	rm -rf bin
