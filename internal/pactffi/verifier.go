// Package pactffi is the cgo glue to the Pact FFI library (libpact_ffi) that
// pact-go's public API does not expose: provider verification with a
// structured, per-interaction result.
//
// The library is the one pact-go links against; `make setup` puts it in
// .tandem/lib and the Makefile passes its folder in CGO_LDFLAGS.
package pactffi

/*
#cgo LDFLAGS: -L${SRCDIR}/../../.tandem/lib -Wl,-rpath,${SRCDIR}/../../.tandem/lib -lpact_ffi
#include <stdlib.h>

typedef struct VerifierHandle VerifierHandle;
const char *pactffi_version(void);
VerifierHandle *pactffi_verifier_new_for_application(const char *name, const char *version);
void pactffi_verifier_shutdown(VerifierHandle *handle);
void pactffi_verifier_set_provider_info(VerifierHandle *handle, const char *name, const char *scheme, const char *host, unsigned short port, const char *path);
void pactffi_verifier_add_provider_transport(VerifierHandle *handle, const char *protocol, unsigned short port, const char *path, const char *scheme);
void pactffi_verifier_set_provider_state(VerifierHandle *handle, const char *url, unsigned char teardown, unsigned char body);
int pactffi_verifier_set_verification_options(VerifierHandle *handle, unsigned char disable_ssl_verification, unsigned long request_timeout);
int pactffi_verifier_set_coloured_output(VerifierHandle *handle, unsigned char coloured_output);
int pactffi_verifier_set_no_pacts_is_error(VerifierHandle *handle, unsigned char is_error);
void pactffi_verifier_add_custom_header(VerifierHandle *handle, const char *header_name, const char *header_value);
void pactffi_verifier_add_file_source(VerifierHandle *handle, const char *file);
int pactffi_verifier_execute(VerifierHandle *handle);
const char *pactffi_verifier_output(const VerifierHandle *handle, unsigned char strip_ansi);
const char *pactffi_verifier_json(const VerifierHandle *handle);
void pactffi_string_delete(char *string);
*/
import "C"

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

func init() {
	// libpact_ffi sends usage metrics unless told not to: Tandem talks only to
	// the machine's own services.
	if os.Getenv("PACT_DO_NOT_TRACK") == "" {
		os.Setenv("PACT_DO_NOT_TRACK", "true")
	}
}

// Version returns the version of the loaded libpact_ffi.
func Version() string { return C.GoString(C.pactffi_version()) }

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
	mu.Lock()
	defer mu.Unlock()

	cs := newCStrings()
	defer cs.free()
	h := C.pactffi_verifier_new_for_application(cs.s("tandem"), cs.s("dev"))
	defer C.pactffi_verifier_shutdown(h)
	C.pactffi_verifier_set_provider_info(h, cs.s(req.Provider), cs.s(u.Scheme), cs.s(u.Hostname()), C.ushort(port), cs.s(u.Path))
	timeout := req.RequestTimeoutMillis
	if timeout <= 0 {
		timeout = 10000
	}
	C.pactffi_verifier_set_verification_options(h, 0, C.ulong(timeout))
	C.pactffi_verifier_set_coloured_output(h, 0)
	C.pactffi_verifier_set_no_pacts_is_error(h, 1)
	if req.MessagesURL != "" {
		mu, err := url.Parse(req.MessagesURL)
		if err != nil || mu.Port() == "" {
			return Outcome{}, fmt.Errorf("messages URL %q is not a URL like http://127.0.0.1:8080/_tandem/messages", req.MessagesURL)
		}
		mport, _ := strconv.Atoi(mu.Port())
		C.pactffi_verifier_add_provider_transport(h, cs.s("message"), C.ushort(mport), cs.s(mu.Path), cs.s(mu.Scheme))
	}
	if req.StatesURL != "" {
		C.pactffi_verifier_set_provider_state(h, cs.s(req.StatesURL), 1, 1)
	}
	for k, v := range req.Headers {
		C.pactffi_verifier_add_custom_header(h, cs.s(k), cs.s(v))
	}
	for _, f := range req.PactFiles {
		C.pactffi_verifier_add_file_source(h, cs.s(f))
	}
	restore := func() {}
	if req.Quiet {
		restore = silenceStdout()
	}
	rc := C.pactffi_verifier_execute(h)
	restore()
	out := Outcome{Passed: rc == 0, JSON: []byte(take(C.pactffi_verifier_json(h))), Output: take(C.pactffi_verifier_output(h, 1))}
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

// take copies and frees a string the FFI allocated.
func take(p *C.char) string {
	if p == nil {
		return ""
	}
	s := C.GoString(p)
	C.pactffi_string_delete(p)
	return s
}

type cStrings []*C.char

func newCStrings() *cStrings { return &cStrings{} }

func (c *cStrings) s(v string) *C.char {
	p := C.CString(v)
	*c = append(*c, p)
	return p
}

func (c *cStrings) free() {
	for _, p := range *c {
		C.free(unsafe.Pointer(p))
	}
}
