// Package redact removes secrets from what Tandem writes: credential headers,
// JSON fields, query parameters and free text such as log lines.
//
// A name is secret when, lower-cased and stripped of everything but letters
// and digits, it contains one of the redactor's field names: "access_token",
// "apiKey", "X-Api-Key" and "client_secret" all are with the defaults. Values
// of secret names become [redacted]; so do the values of the Authorization,
// Proxy-Authorization, Cookie and Set-Cookie headers, and the credentials after
// "Bearer" or "Basic" anywhere in text.
//
//	r := redact.Default() // the defaults plus $TANDEM_REDACT_FIELDS
//	h := r.Header(req.Header)
//	body := r.JSON(body)
//	line := r.Line(line)
package redact

import (
	"bytes"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Mark replaces every secret value.
const Mark = "[redacted]"

// EnvFields names the environment variable with extra secret field names,
// comma-separated: TANDEM_REDACT_FIELDS=ssn,pin.
const EnvFields = "TANDEM_REDACT_FIELDS"

// DefaultFields are the secret field names of every redactor unless
// WithoutDefaults is given. Each matches any name that contains it once both
// are normalised (see Redactor.Secret).
var DefaultFields = []string{
	"password", "passwd", "passphrase", "secret", "token", "api_key",
	"private_key", "credential", "authorization", "cookie",
}

// credentialHeaders are redacted whatever the field names.
var credentialHeaders = []string{"authorization", "proxyauthorization", "cookie", "setcookie"}

// Redactor redacts secrets. It is safe for concurrent use.
type Redactor struct {
	fields     []string // normalised
	fieldBytes [][]byte
	// probes are the first letters of every field and credential header
	// name: text without any of them holds no name=value secret.
	probes []string
	first  [256]bool
}

// Option configures New.
type Option func(*config)

type config struct {
	fields   []string
	defaults bool
}

// WithFields adds secret field names.
func WithFields(names ...string) Option {
	return func(c *config) { c.fields = append(c.fields, names...) }
}

// WithoutDefaults drops DefaultFields: only the names given with WithFields
// (and the credential headers) are secret.
func WithoutDefaults() Option { return func(c *config) { c.defaults = false } }

// New returns a redactor for DefaultFields plus the names given with options.
// It does not read the environment; Default does.
func New(opts ...Option) *Redactor {
	c := config{defaults: true}
	for _, o := range opts {
		o(&c)
	}
	var names []string
	if c.defaults {
		names = append(names, DefaultFields...)
	}
	names = append(names, c.fields...)
	seen := map[string]bool{}
	r := &Redactor{}
	for _, n := range names {
		n = normalize(n)
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		r.fields = append(r.fields, n)
	}
	sort.Strings(r.fields)
	for _, f := range r.fields {
		r.fieldBytes = append(r.fieldBytes, []byte(f))
	}
	for _, n := range append(append([]string(nil), r.fields...), credentialHeaders...) {
		p := n[:min(3, len(n))]
		if !slices.Contains(r.probes, p) {
			r.probes = append(r.probes, p)
			r.first[p[0]] = true
		}
	}
	return r
}

var (
	defaultMu  sync.Mutex
	defaultFor string
	defaultR   *Redactor
)

// Default is the redactor Tandem uses: DefaultFields plus the names in
// $TANDEM_REDACT_FIELDS.
func Default() *Redactor {
	env := os.Getenv(EnvFields)
	defaultMu.Lock()
	defer defaultMu.Unlock()
	if defaultR == nil || env != defaultFor {
		defaultR = New(WithFields(SplitFields(env)...))
		defaultFor = env
	}
	return defaultR
}

// SplitFields splits a comma- or space-separated list of field names, as
// TANDEM_REDACT_FIELDS and the --redact flags take them.
func SplitFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
}

// Fields returns the normalised secret field names.
func (r *Redactor) Fields() []string { return append([]string(nil), r.fields...) }

// Secret reports whether a field, parameter or header name is secret: whether,
// lower-cased and without anything but letters and digits, it contains one of
// the redactor's field names. "X-Api-Key", "apiKey" and "api_key" all contain
// "apikey".
func (r *Redactor) Secret(name string) bool { return secret(r, name) }

func secret[T ~string | ~[]byte](r *Redactor, name T) bool {
	var buf [64]byte
	n := buf[:0]
	for i := 0; i < len(name); i++ {
		c := lower(name[i])
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			n = append(n, c)
		}
	}
	if len(n) == 0 {
		return false
	}
	for _, f := range r.fieldBytes {
		if bytes.Contains(n, f) {
			return true
		}
	}
	for _, h := range credentialHeaders {
		if string(n) == h {
			return true
		}
	}
	return false
}

func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		}
	}
	return b.String()
}

// mayHaveSecret is a cheap test that text could hold something Text would
// redact: a credential scheme, a password in a URL, or a separator and the
// start of a secret name.
func mayHaveSecret[T ~string | ~[]byte](r *Redactor, s T) bool {
	if containsFold(s, "bearer") || containsFold(s, "basic") {
		return true
	}
	colon, equals, at := false, false, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ':':
			colon = true
		case '=':
			equals = true
		case '@':
			at = true
		}
	}
	if !colon && !equals {
		return false
	}
	if colon && at {
		return true // scheme://user:password@host
	}
	return hasProbe(r, s)
}

// hasProbe reports whether s contains, in any case, the start of a secret name.
func hasProbe[T ~string | ~[]byte](r *Redactor, s T) bool {
	for i := 0; i < len(s); i++ {
		c := lower(s[i])
		if !r.first[c] {
			continue
		}
	probes:
		for _, p := range r.probes {
			if p[0] != c || i+len(p) > len(s) {
				continue
			}
			for j := 1; j < len(p); j++ {
				if lower(s[i+j]) != p[j] {
					continue probes
				}
			}
			return true
		}
	}
	return false
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// containsFold reports whether s contains lower (ASCII, lower case) in any case.
func containsFold[T ~string | ~[]byte](s T, lower string) bool {
	n := len(lower)
outer:
	for i := 0; i+n <= len(s); i++ {
		for j := 0; j < n; j++ {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				continue outer
			}
		}
		return true
	}
	return false
}
