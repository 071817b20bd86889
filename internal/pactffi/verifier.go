// Package pactffi calls the Pact FFI library (libpact_ffi) for what pact-go's
// public API does not expose: provider verification with a structured,
// per-interaction result.
//
// The library is loaded at run time (dlopen, through purego), on the first
// verification, from where Locate finds it: nothing links it, so Tandem's
// binary and the modules that import its packages build with CGO_ENABLED=0,
// and commands that verify no pacts never need it.
package pactffi

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

func init() {
	// libpact_ffi sends usage metrics unless told not to: Tandem talks only to
	// the machine's own services.
	if os.Getenv("PACT_DO_NOT_TRACK") == "" {
		os.Setenv("PACT_DO_NOT_TRACK", "true")
	}
}

// Version loads the library (see Locate) and returns its version.
func Version() (string, error) {
	lib, err := load()
	if err != nil {
		return "", err
	}
	return lib.version(), nil
}

// Request is one provider verification.
type Request struct {
	Provider        string
	ProviderVersion string
	// BaseURL is where the provider answers, e.g. http://127.0.0.1:32771.
	BaseURL string
	// MessagesURL is where the provider produces the messages of asynchronous
	// (message) pacts: the verifier POSTs {"description", "providerStates"} and
	// reads the message from the answer. Empty when the provider has none.
	MessagesURL string
	// StatesURL receives provider-state changes (setup and teardown) as JSON
	// bodies; empty when the provider has none.
	StatesURL string
	// PactFiles are the pacts to verify.
	PactFiles []string
	// Headers are added to every request sent to the provider.
	Headers map[string]string
	// RequestTimeoutMillis bounds each request; default 10000.
	RequestTimeoutMillis int
	// Quiet keeps the verifier from printing its report to stdout while it
	// runs; the report is in Outcome.Output either way.
	Quiet bool
}

// Outcome is the verifier's result: its JSON document and its plain-text output.
type Outcome struct {
	// Passed is true when every interaction verified.
	Passed bool
	// JSON is the verifier's structured result (see Result).
	JSON []byte
	// Output is what the verifier would print, without colours.
	Output string
}

// ErrFailedToRun means the verifier could not run at all (bad input, provider
// unreachable before any interaction), as opposed to a verification failure.
var ErrFailedToRun = errors.New("the Pact verifier could not run")

// The FFI verifier keeps global state; one verification at a time.
var mu sync.Mutex

// Verify runs the Pact FFI verifier.
func Verify(req Request) (Outcome, error) {
	u, err := url.Parse(req.BaseURL)
	if err != nil || u.Hostname() == "" {
		return Outcome{}, fmt.Errorf("provider base URL %q is not a URL like http://127.0.0.1:8080", req.BaseURL)
	}
	port := 80
	if p := u.Port(); p != "" {
		port, _ = strconv.Atoi(p)
	} else if u.Scheme == "https" {
		port = 443
	}
	lib, err := load()
	if err != nil {
		return Outcome{}, err
	}
	mu.Lock()
	defer mu.Unlock()

	h := lib.verifierNewForApplication("tandem", "dev")
	defer lib.verifierShutdown(h)
	lib.verifierSetProviderInfo(h, req.Provider, u.Scheme, u.Hostname(), uint16(port), u.Path)
	timeout := req.RequestTimeoutMillis
	if timeout <= 0 {
		timeout = 10000
	}
	lib.verifierSetVerificationOpts(h, 0, uint64(timeout))
	lib.verifierSetColouredOutput(h, 0)
	lib.verifierSetNoPactsIsError(h, 1)
	if req.MessagesURL != "" {
		mu, err := url.Parse(req.MessagesURL)
		if err != nil || mu.Port() == "" {
			return Outcome{}, fmt.Errorf("messages URL %q is not a URL like http://127.0.0.1:8080/_tandem/messages", req.MessagesURL)
		}
		mport, _ := strconv.Atoi(mu.Port())
		lib.verifierAddProviderTransport(h, "message", uint16(mport), mu.Path, mu.Scheme)
	}
	if req.StatesURL != "" {
		lib.verifierSetProviderState(h, req.StatesURL, 1, 1)
	}
	for k, v := range req.Headers {
		lib.verifierAddCustomHeader(h, k, v)
	}
	for _, f := range req.PactFiles {
		lib.verifierAddFileSource(h, f)
	}
	restore := func() {}
	if req.Quiet {
		restore = silenceStdout()
	}
	rc := lib.verifierExecute(h)
	restore()
	out := Outcome{Passed: rc == 0, JSON: []byte(lib.take(lib.verifierJSON(h))), Output: lib.take(lib.verifierOutput(h, 1))}
	switch rc {
	case 0, 1:
		return out, nil
	default:
		return out, fmt.Errorf("%w (code %d): %s", ErrFailedToRun, int(rc), out.Output)
	}
}

// silenceStdout points file descriptor 1 at /dev/null until the returned
// function restores it. The FFI writes its report there directly.
func silenceStdout() func() {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return func() {}
	}
	saved, err := unix.Dup(1)
	if err != nil {
		null.Close()
		return func() {}
	}
	if err := unix.Dup3(int(null.Fd()), 1, 0); err != nil {
		unix.Close(saved)
		null.Close()
		return func() {}
	}
	return func() {
		_ = unix.Dup3(saved, 1, 0)
		unix.Close(saved)
		null.Close()
	}
}
