# Gonnect: the README's two commands are `make run` and `make test`.
GO       ?= go
BIN      := bin
GOTEST_FLAGS ?= -race -count=1 -timeout 15m

.PHONY: run build test test-deps bench vet fmt clean

build:
	$(GO) build -o $(BIN)/gonnect ./cmd/gonnect

# run: a worker on :8083 with an embedded three-broker Kafka (development only).
run: build
	$(BIN)/gonnect dev --data-dir .gonnect-dev

# test-deps: what the tests need on a fresh machine (MariaDB for the CDC tests, helm).
test-deps:
	@bash scripts/test-deps.sh

test: test-deps
	$(GO) vet ./...
	$(GO) test $(GOTEST_FLAGS) ./...

# bench: the benchmark suite of shared/spec/benchmarks.md; prints ratios, asserts nothing.
bench: build
	@bash scripts/bench.sh

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf $(BIN) .gonnect-dev
