# Tandem — contract and end-to-end test harness for microservice systems.
#
#   make verify   what CI runs: contracts + e2e against the reference shop → out/
#   make test     unit tests and the harness's own integration tests
#   make bench    benchmarks, with the figures they compare against
#   make setup    Docker engine, Pact FFI, images (idempotent; run by the above)

SHELL := /bin/bash
.DEFAULT_GOAL := help

LIB := $(CURDIR)/.tandem/lib
# cgo links the Pact FFI library that `make setup` fetched.
export CGO_LDFLAGS := -L$(LIB) -Wl,-rpath,$(LIB)
# Required by testcontainers on these machines (see README, "Machine settings").
export TESTCONTAINERS_HOST_OVERRIDE ?= 127.0.0.1
export TESTCONTAINERS_RYUK_DISABLED ?= true
# The Pact libraries send usage metrics unless told not to; nothing leaves this machine.
export PACT_DO_NOT_TRACK ?= true

GO ?= go
# Everything except the Ginkgo suites, which `make verify` runs.
UNIT_PKGS = $$($(GO) list ./... | grep -v '/suites/')

.PHONY: help setup build test verify bench down clean

help:
	@echo "make verify   run the contract and e2e suites against the reference shop (what CI runs)"
	@echo "make test     run unit tests and the harness's integration tests"
	@echo "make bench    run the benchmarks and print their figures"
	@echo "make build    build bin/tandem"
	@echo "make setup    prepare this machine: Docker engine, Pact FFI, images (idempotent)"
	@echo "make down     remove every container and network Tandem runs left behind"

setup:
	@bash scripts/setup.sh

build: setup
	$(GO) build -o bin/tandem ./cmd/tandem

test: setup
	TANDEM_PACT_DIR=$$(mktemp -d) $(GO) test -count=1 -timeout 15m $(UNIT_PKGS)

verify: build
	bin/tandem verify

bench: setup
	$(GO) test -run '^$$' -bench . -benchtime 3x -timeout 20m $(UNIT_PKGS)

down: build
	bin/tandem down

clean:
	rm -rf bin out
