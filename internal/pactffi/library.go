package pactffi

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// handle is an opaque VerifierHandle* owned by the library.
type handle uintptr

// library holds the Pact FFI functions Tandem calls, bound at run time.
type library struct {
	path string

	version                      func() string
	verifierNewForApplication    func(name, version string) handle
	verifierShutdown             func(h handle)
	verifierSetProviderInfo      func(h handle, name, scheme, host string, port uint16, path string)
	verifierAddProviderTransport func(h handle, protocol string, port uint16, path, scheme string)
	verifierSetProviderState     func(h handle, url string, teardown, body uint8)
	verifierSetVerificationOpts  func(h handle, disableSSLVerification uint8, requestTimeout uint64) int32
	verifierSetColouredOutput    func(h handle, coloured uint8) int32
	verifierSetNoPactsIsError    func(h handle, isError uint8) int32
	verifierAddCustomHeader      func(h handle, name, value string)
	verifierAddFileSource        func(h handle, file string)
	verifierExecute              func(h handle) int32
	verifierOutput               func(h handle, stripANSI uint8) *byte
	verifierJSON                 func(h handle) *byte
	stringDelete                 func(s *byte)
}

var (
	loadOnce sync.Once
	loaded   *library
	loadErr  error
)

// load finds and opens the library on first use; later calls return the
// same result.
func load() (*library, error) {
	loadOnce.Do(func() {
		path, err := Locate()
		if err != nil {
			loadErr = err
			return
		}
		loaded, loadErr = open(path)
	})
	return loaded, loadErr
}

// open loads the library at path and binds its functions.
func open(path string) (*library, error) {
	// Its symbols stay local: a process may hold another copy (pact-go's).
	h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("load the Pact FFI library %s: %w; it must be libpact_ffi 0.5.x for this platform (to get one: %s)", path, err, howToGet())
	}
	lib := &library{path: path}
	for _, f := range []struct {
		fptr any
		name string
	}{
		{&lib.version, "pactffi_version"},
		{&lib.verifierNewForApplication, "pactffi_verifier_new_for_application"},
		{&lib.verifierShutdown, "pactffi_verifier_shutdown"},
		{&lib.verifierSetProviderInfo, "pactffi_verifier_set_provider_info"},
		{&lib.verifierAddProviderTransport, "pactffi_verifier_add_provider_transport"},
		{&lib.verifierSetProviderState, "pactffi_verifier_set_provider_state"},
		{&lib.verifierSetVerificationOpts, "pactffi_verifier_set_verification_options"},
		{&lib.verifierSetColouredOutput, "pactffi_verifier_set_coloured_output"},
		{&lib.verifierSetNoPactsIsError, "pactffi_verifier_set_no_pacts_is_error"},
		{&lib.verifierAddCustomHeader, "pactffi_verifier_add_custom_header"},
		{&lib.verifierAddFileSource, "pactffi_verifier_add_file_source"},
		{&lib.verifierExecute, "pactffi_verifier_execute"},
		{&lib.verifierOutput, "pactffi_verifier_output"},
		{&lib.verifierJSON, "pactffi_verifier_json"},
		{&lib.stringDelete, "pactffi_string_delete"},
	} {
		sym, err := purego.Dlsym(h, f.name)
		if err != nil {
			_ = purego.Dlclose(h)
			return nil, fmt.Errorf("load the Pact FFI library %s: it has no function %s, so it is not libpact_ffi 0.5.x (to get one: %s)", path, f.name, howToGet())
		}
		purego.RegisterFunc(f.fptr, sym)
	}
	return lib, nil
}

// take copies and frees a string the library allocated.
func (l *library) take(p *byte) string {
	if p == nil {
		return ""
	}
	s := cString(p)
	l.stringDelete(p)
	return s
}

// cString copies the NUL-terminated string at p.
func cString(p *byte) string {
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}
