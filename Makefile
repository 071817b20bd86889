# Tandem — contract and end-to-end test harness for microservice systems.
#
#   make verify   what CI runs: contracts + e2e against the reference shop → out/
#   make test     unit tests and the harness's own integration tests
#   make bench    benchmarks, with the figures they compare against
#   make timings  where the last make verify's and make test's time went (from out/)
#   make setup    Docker engine, Pact FFI, images (idempotent; run by the above)
#   make install  install tandem as $(PREFIX)/bin/tandem (PREFIX=/usr/local)

SHELL := /bin/bash
.DEFAULT_GOAL := help

LIB := $(CURDIR)/.tandem/lib
# Tandem loads the Pact FFI library at run time and finds the copy `make setup`
# fetched by itself (internal/pactffi, Locate). The shop's consumer pact tests
# use pact-go, which links it with cgo: for them, cgo's flags.
export CGO_LDFLAGS := -L$(LIB) -Wl,-rpath,$(LIB)
# Required by testcontainers on these machines (see README, "Machine settings").
# The reaper is not set here: internal/docker.Configure turns testcontainers'
# Ryuk on when `make setup` built Tandem's reaper image, and leaves it off otherwise.
export TESTCONTAINERS_HOST_OVERRIDE ?= 127.0.0.1
# The Pact libraries send usage metrics unless told not to; nothing leaves this machine.
export PACT_DO_NOT_TRACK ?= true

GO ?= go
# Where `make install` puts bin/tandem.
PREFIX ?= /usr/local
# Everything except the Ginkgo suites, which `make verify` runs, and QUIET_PKGS.
UNIT_PKGS = $$($(GO) list ./... | grep -v '/suites/' | grep -v '/harness/canary$$')
# The canary's own tests judge latency and CPU of two copies of one service,
# and cmd/tandem's two-verifications-at-once test runs two canary suites. On a
# two-CPU machine beside the other packages one copy can be starved for
# seconds and differ for real, so each of these runs after the rest, alone.
QUIET_PKGS = ./harness/canary
TWO_AT_ONCE = ^TestLeakTwoFullVerificationsAtOnce
# cmd/tandem's leak tests kill and interrupt whole runs of tandem (verify
# among them) and time how soon everything is gone: they run on their own,
# after the rest, each package run within its own go test -timeout.
LEAK_TESTS = ^TestLeak

.PHONY: help setup build install test verify bench timings down clean

help:
	@echo "make verify   run the contract and e2e suites against the reference shop (what CI runs)"
	@echo "make test     run unit tests and the harness's integration tests"
	@echo "make bench    run the benchmarks and print their figures"
	@echo "make timings  print where the last make verify's time went (steps, compiling, suites, each service's start) and make test's (runs, packages, tests)"
	@echo "make build    build bin/tandem"
	@echo "make install  install tandem as \$$PREFIX/bin/tandem (PREFIX=$(PREFIX)); needs only Go"
	@echo "make setup    prepare this machine: Docker engine, Pact FFI, images (idempotent)"
	@echo "make down     remove what dead Tandem runs left behind (bin/tandem down --all: everything)"

setup:
	@bash scripts/setup.sh

build: setup
	CGO_ENABLED=0 $(GO) build -o bin/tandem ./cmd/tandem

# Needs only Go: no setup, no C compiler. The binary has no cgo and needs
# nothing from this clone; it loads the Pact FFI library when a command
# verifies pacts (README, "Install Tandem").
install:
	mkdir -p "$(DESTDIR)$(PREFIX)/bin"
	CGO_ENABLED=0 $(GO) build -trimpath -o "$(DESTDIR)$(PREFIX)/bin/tandem.partial" ./cmd/tandem
	mv -f "$(DESTDIR)$(PREFIX)/bin/tandem.partial" "$(DESTDIR)$(PREFIX)/bin/tandem"
	@echo "installed $(DESTDIR)$(PREFIX)/bin/tandem"

# Timeouts nest so that the innermost one fires first and cleanup still runs:
# a test's own deadline < ginkgo's --timeout=15m (what `tandem verify` passes;
# ginkgo runs suite binaries with go test's timeout off) < go test's -timeout
# here (20m, per package) < your CI job's limit (give it 30m or more).
# Each go test run's times go to out/timings/test-N-NAME.json (go test -json,
# printed as go test prints without it); `make timings` prints them.
TIMES = set -o pipefail; mkdir -p out/timings; $(GO) build -o bin/testtimes ./internal/testtimes &&
test: setup
	$(TIMES) TANDEM_PACT_DIR=$$(mktemp -d) $(GO) test -json -count=1 -timeout 20m -skip '$(LEAK_TESTS)' $(UNIT_PKGS) | bin/testtimes -o out/timings/test-1-packages.json
	$(TIMES) TANDEM_PACT_DIR=$$(mktemp -d) $(GO) test -json -count=1 -timeout 20m -run '$(LEAK_TESTS)' -skip '$(TWO_AT_ONCE)' ./cmd/tandem | bin/testtimes -o out/timings/test-2-leaks.json
	$(TIMES) TANDEM_PACT_DIR=$$(mktemp -d) $(GO) test -json -count=1 -timeout 20m $(QUIET_PKGS) | bin/testtimes -o out/timings/test-3-canary.json
	$(TIMES) TANDEM_PACT_DIR=$$(mktemp -d) $(GO) test -json -count=1 -timeout 20m -run '$(TWO_AT_ONCE)' ./cmd/tandem | bin/testtimes -o out/timings/test-4-two-at-once.json

verify: build
	bin/tandem verify

# Every benchmark of the repository, each with the -benchtime its doc comment
# asks for (internal/benchreport keeps the table); writes out/bench.md with
# each figure, its unit and what it compares against, and out/bench.txt.
bench: setup
	$(GO) run ./internal/benchreport -out out/bench.md

# Reads out/ only: no setup, no Docker (bin/tandem report --timings OUT).
timings:
	CGO_ENABLED=0 $(GO) build -o bin/tandem ./cmd/tandem
	@if [ -f out/summary.json ]; then bin/tandem report --timings out; else echo "no make verify results in out/"; fi
	@if ls out/timings/test-*.json >/dev/null 2>&1; then echo; echo "make test:"; $(GO) run ./internal/testtimes -print out/timings/test-*.json; else echo "no make test times in out/timings/"; fi

down: build
	bin/tandem down

clean:
	rm -rf bin out
