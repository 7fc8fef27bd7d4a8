# The two set-up commands are `make demo` and `make test`; both install
# what they need (Debian's PostgreSQL server package) when it is missing.
export PATH := $(PATH):/usr/local/go/bin
GO ?= go
BIN := bin/handoff

.PHONY: all build demo test bench fuzz postgres clean

all: build

postgres:
	@sh scripts/ensure-postgres.sh

build:
	$(GO) build -o $(BIN) ./cmd/handoff

# Builds, starts the embedded PostgreSQL, migrates, creates the demo
# scenario (idempotently) and prints what it made.
demo: postgres build
	./$(BIN) demo

test: postgres
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 15m ./...

# Short fuzzing runs of every fuzz target.
fuzz: postgres
	$(GO) test ./domain -run '^$$' -fuzz FuzzParseShareToken -fuzztime 30s
	$(GO) test ./api -run '^$$' -fuzz FuzzDecodeImport -fuzztime 30s

bench: postgres build
	$(GO) run ./cmd/loadgen -bin ./$(BIN)

clean:
	rm -rf bin
