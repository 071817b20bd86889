package diff

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Router names the endpoint a request belongs to, such as
// "GET /products/{id}", so that requests to different products count as one
// endpoint. Templates are net/http.ServeMux patterns ("GET /products/{id}",
// "/orders/{id}/items/{item}", "/static/" for a subtree) and are matched the
// way ServeMux matches them, the most specific first. A request that no
// template matches gets a guess: path segments that look like identifiers
// become {id}.
type Router struct {
	mux *http.ServeMux
	// IsID decides which path segments are identifiers when guessing; nil
	// means LooksLikeID. Set it before the Router is first used.
	IsID func(segment string) bool
}

// route is the handler registered for a template; it carries the template's
// host and path, to which the request's method is prefixed.
type route string

func (route) ServeHTTP(http.ResponseWriter, *http.Request) {}

// NewRouter returns a router that matches templates first and guesses for
// the rest. A template without a method applies to every method.
func NewRouter(templates ...string) (*Router, error) {
	r := &Router{}
	for _, t := range templates {
		if r.mux == nil {
			r.mux = http.NewServeMux()
		}
		if err := register(r.mux, t); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func register(mux *http.ServeMux, template string) (err error) {
	path := template
	if method, rest, ok := strings.Cut(template, " "); ok && !strings.Contains(method, "/") {
		path = strings.TrimLeft(rest, " \t")
	}
	if !strings.HasPrefix(path, "/") {
		return fmt.Errorf("route template %q: the path must start with /; write templates like \"GET /products/{id}\" or \"/orders/{id}/items\"", template)
	}
	defer func() {
		if p := recover(); p != nil {
			msg := registeredAt.ReplaceAllString(fmt.Sprint(p), "")
			err = fmt.Errorf("route template %q: %s", template, msg)
		}
	}()
	mux.Handle(template, route(path))
	return nil
}

// registeredAt is the source location that ServeMux's panics mention, which
// is ours and of no use to whoever wrote the template.
var registeredAt = regexp.MustCompile(` \(registered at [^)]*\)`)

// Route returns the endpoint of a request: its method and the matching
// template's path, or the path with identifiers replaced by {id}.
func (r *Router) Route(method, path string) string {
	method = strings.ToUpper(method)
	if method == "" {
		method = http.MethodGet
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		path = "/"
	}
	if r != nil && r.mux != nil {
		u := &url.URL{Path: path}
		if strings.IndexByte(path, '%') >= 0 {
			if p, err := url.PathUnescape(path); err == nil {
				u.Path, u.RawPath = p, path
			}
		}
		h, _ := r.mux.Handler(&http.Request{Method: method, URL: u, Host: "", Header: http.Header{}})
		if t, ok := h.(route); ok {
			return method + " " + string(t)
		}
	}
	isID := LooksLikeID
	if r != nil && r.IsID != nil {
		isID = r.IsID
	}
	var b strings.Builder
	b.Grow(len(method) + 1 + len(path))
	b.WriteString(method)
	b.WriteByte(' ')
	for i, s := range strings.Split(path, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		if s != "" && isID(s) {
			s = "{id}"
		}
		b.WriteString(s)
	}
	return b.String()
}

// LooksLikeID reports whether a path segment looks like an identifier rather
// than a name: a number (42), a UUID, a hexadecimal id of 8 or more digits
// with at least one decimal digit (5f3a9c1d, Mongo ObjectIDs), a short prefix
// with a dash or underscore and an id (p-123, o-8f3a, ord_7Hq2x9, o-UUID), or an
// opaque token of 16 or more letters and digits mixed (ULIDs, KSUIDs).
// Words (products, top-sellers, v2) are not identifiers.
func LooksLikeID(s string) bool {
	if s == "" {
		return false
	}
	if allDigits(s) || isUUID(s) {
		return true
	}
	if len(s) >= 8 && hexWithDigit(s) {
		return true
	}
	if i := strings.IndexAny(s, "-_"); i >= 1 && i <= 8 && allLetters(s[:i]) {
		id := s[i+1:]
		if allDigits(id) || isUUID(id) || hexWithDigit(id) || len(id) >= 6 && alnumMixed(id) {
			return true
		}
	}
	return len(s) >= 16 && alnumMixed(s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

func hexWithDigit(s string) bool {
	digit := false
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
		digit = digit || s[i] <= '9'
	}
	return digit
}

// alnumMixed: only letters and digits, with at least one of each.
func alnumMixed(s string) bool {
	letter, digit := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digit = true
		case 'a' <= c|0x20 && c|0x20 <= 'z':
			letter = true
		default:
			return false
		}
	}
	return letter && digit
}
