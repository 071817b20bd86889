package redact

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Header returns a copy of h in which the values of credential headers
// (Authorization, Proxy-Authorization, Cookie, Set-Cookie) and of secret
// names (X-Api-Key, X-Auth-Token) are Mark, and other values are redacted as
// Text does. A nil or empty header stays nil.
func (r *Redactor) Header(h http.Header) http.Header {
	if len(h) == 0 {
		return nil
	}
	c := make(http.Header, len(h))
	for k, vs := range h {
		if r.Secret(k) {
			c[k] = []string{Mark}
			continue
		}
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = r.Text(v)
		}
		c[k] = out
	}
	return c
}

// Query redacts a raw query string (without "?"): the values of secret
// parameters become Mark; everything else is kept byte for byte.
func (r *Redactor) Query(raw string) string {
	if raw == "" {
		return raw
	}
	parts := strings.Split(raw, "&")
	changed := false
	for i, p := range parts {
		k, _, hasValue := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if hasValue && r.Secret(name) {
			parts[i] = k + "=" + Mark
			changed = true
		}
	}
	if !changed {
		return raw
	}
	return strings.Join(parts, "&")
}

// URL redacts a URL: the password of its user information and its secret
// query parameters.
func (r *Redactor) URL(s string) string {
	s = userinfoRE.ReplaceAllString(s, "${1}"+Mark+"@")
	base, rest, ok := strings.Cut(s, "?")
	if !ok {
		return s
	}
	query, fragment, hasFragment := strings.Cut(rest, "#")
	s = base + "?" + r.Query(query)
	if hasFragment {
		s += "#" + fragment
	}
	return s
}

// Body redacts a message body by its content type: JSON (or what parses as
// JSON) by field, forms by parameter, other text as Text does. Binary bodies
// are returned as they are.
func (r *Redactor) Body(b []byte, contentType string) []byte {
	if len(b) == 0 {
		return b
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case mt == "application/x-www-form-urlencoded":
		return []byte(r.Query(string(b)))
	case strings.HasSuffix(mt, "json") || json.Valid(b):
		return r.JSON(b)
	case utf8.Valid(b):
		return []byte(r.Text(string(b)))
	}
	return b
}

// Line redacts one log line: a JSON object by field (as JSON does), any other
// line as Text does. The line's end and surrounding white space are kept.
func (r *Redactor) Line(b []byte) []byte {
	t := bytes.TrimSpace(b)
	if len(t) > 1 && (t[0] == '{' || t[0] == '[') && json.Valid(t) {
		var out bytes.Buffer
		out.Grow(len(b))
		_ = r.CopyJSON(&out, bytes.NewReader(b))
		return out.Bytes()
	}
	if !mayHaveSecret(r, b) {
		return b
	}
	return []byte(r.Text(string(b)))
}
