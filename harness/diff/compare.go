package diff

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Compare returns the differences between two responses to the same request:
// a is usually the primary's and b the candidate's. Differences come in a
// stable order: error, status, headers by name, then the body in document
// order. o may be nil; Compare uses what is valid in o (see Options.Validate).
func Compare(a, b Response, o *Options) []Difference {
	c, _ := compile(o)
	return c.compare(c.prepare(&a), c.prepare(&b)).diffs
}

type bodyClass uint8

const (
	bodyEmpty bodyClass = iota
	bodyJSON
	bodyText
	bodyBinary
)

// prepared is a response with its body classified and, if JSON, parsed, so
// that the primary's is parsed once for both of its comparisons.
type prepared struct {
	r     *Response
	class bodyClass
	text  string // the body, when it is text or JSON
	json  value
}

func (c *compiled) prepare(r *Response) *prepared {
	p := &prepared{r: r}
	switch {
	case r.Err != "":
	case len(r.Body) == 0:
		p.class = bodyEmpty
	case binaryMediaType(r.Header.Get("Content-Type")) || !utf8.Valid(r.Body):
		p.class = bodyBinary
	default:
		p.text = string(r.Body)
		p.class = bodyText
		s := strings.TrimPrefix(p.text, "\uFEFF")
		if mayBeJSON(s) {
			if v, ok := parseJSON(s, c.maxDepth); ok {
				p.class, p.json = bodyJSON, v
			}
		}
	}
	return p
}

// mayBeJSON rejects most text bodies (HTML, plain words) without parsing.
func mayBeJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', '[', '"', '-', 't', 'f', 'n':
			return true
		default:
			return '0' <= c && c <= '9'
		}
	}
	return false
}

func binaryMediaType(contentType string) bool {
	mt, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	mt = strings.TrimSpace(mt)
	for _, prefix := range []string{"image/", "audio/", "video/", "font/"} {
		if strings.HasPrefix(mt, prefix) && mt != "image/svg+xml" {
			return true
		}
	}
	switch mt {
	case "application/octet-stream", "application/pdf", "application/zip", "application/gzip",
		"application/x-protobuf", "application/protobuf", "application/grpc":
		return true
	}
	return false
}

// result is one comparison: the differences kept, and how many each ignore
// rule dropped.
type result struct {
	diffs   []Difference
	dropped []int
}

func (c *compiled) compare(a, b *prepared) result {
	s := newDiffSet(c)
	if a.r.Err != "" || b.r.Err != "" {
		if a.r.Err != b.r.Err {
			s.add([]seg{{key: rootError}}, ErrorChanged, "", "", false, func() (string, string) {
				return a.r.Err, b.r.Err
			})
		}
		return s.result()
	}
	if a.r.Status != b.r.Status {
		s.add([]seg{{key: rootStatus}}, StatusChanged, "", "", false, func() (string, string) {
			return strconv.Itoa(a.r.Status), strconv.Itoa(b.r.Status)
		})
	}
	c.compareHeaders(s, a.r.Header, b.r.Header)
	c.compareBodies(s, a, b)
	return s.result()
}

func (c *compiled) compareHeaders(s *diffSet, a, b http.Header) {
	names := c.headers
	if c.allHeaders {
		names = make([]string, 0, len(a)+len(b))
		for k := range a {
			names = append(names, http.CanonicalHeaderKey(k))
		}
		for k := range b {
			names = append(names, http.CanonicalHeaderKey(k))
		}
		slices.Sort(names)
		names = slices.Compact(names)
	}
	for _, name := range names {
		va, okA := headerValue(a, name)
		vb, okB := headerValue(b, name)
		segs := []seg{{key: rootHeader}, {key: name}}
		render := func() (string, string) { return renderHeader(va, okA), renderHeader(vb, okB) }
		switch {
		case !okA && !okB:
		case !okB:
			s.add(segs, Missing, "", "", false, render)
		case !okA:
			s.add(segs, Extra, "", "", false, render)
		case !headerEqual(name, va, vb):
			s.add(segs, ValueChanged, va, vb, true, render)
		}
	}
}

// headerValue returns a header's values joined by ", ", whatever the case of
// its key in h.
func headerValue(h http.Header, name string) (string, bool) {
	vs, ok := h[name]
	if !ok {
		for k, v := range h {
			if strings.EqualFold(k, name) {
				vs, ok = v, true
				break
			}
		}
	}
	if !ok {
		return "", false
	}
	return strings.Join(vs, ", "), true
}

func renderHeader(v string, ok bool) string {
	if !ok {
		return ""
	}
	return truncateRendered(appendQuoted(nil, clip(v, maxRendered)))
}

// headerEqual compares header values; media types are compared the way HTTP
// defines them (case-insensitive type and parameter names, charset value).
func headerEqual(name, a, b string) bool {
	if a == b {
		return true
	}
	if name != "Content-Type" {
		return false
	}
	ta, pa, errA := mime.ParseMediaType(a)
	tb, pb, errB := mime.ParseMediaType(b)
	if errA != nil || errB != nil || ta != tb || len(pa) != len(pb) {
		return false
	}
	for k, va := range pa {
		vb, ok := pb[k]
		if !ok || va != vb && !(k == "charset" && strings.EqualFold(va, vb)) {
			return false
		}
	}
	return true
}

func (c *compiled) compareBodies(s *diffSet, a, b *prepared) {
	root := []seg{{key: rootBody}}
	switch {
	case a.class == bodyJSON && b.class == bodyJSON:
		d := differ{c: c, s: s, segs: root}
		d.values(&a.json, &b.json)
	case bytes.Equal(a.r.Body, b.r.Body):
	case a.class == bodyText && b.class == bodyText:
		c.compareText(s, root, a.text, b.text)
	default:
		kind := BodyChanged
		if a.class != b.class && a.class != bodyEmpty && b.class != bodyEmpty {
			kind = TypeChanged
		}
		s.add(root, kind, "", "", false, func() (string, string) { return describeBody(a), describeBody(b) })
	}
}

// diffSet gathers the differences of one comparison, one per path and kind.
type diffSet struct {
	c       *compiled
	diffs   []Difference
	index   map[string]int // path NUL kind → index in diffs
	dropped []int          // per rule
	seen    map[string]struct{}
	more    int // differences past c.maxDiffs
	buf     []byte

	probe bool // only count differences (n), for pairing array elements
	n     int
}

func newDiffSet(c *compiled) *diffSet {
	return &diffSet{c: c, dropped: make([]int, len(c.rules))}
}

// add records a difference at segs unless a rule drops it. ra and rb are the
// raw values for pattern rules (when patterned); render returns A and B and
// runs only for differences that are kept.
func (s *diffSet) add(segs []seg, kind Kind, ra, rb string, patterned bool, render func() (string, string)) {
	if len(s.c.pathRules) > 0 {
		if r := s.c.ignoredPath(segs); r >= 0 {
			s.drop(r, segs, kind)
			return
		}
	}
	if patterned && len(s.c.valueRules) > 0 {
		if r := s.c.ignoredValues(ra, rb); r >= 0 {
			s.drop(r, segs, kind)
			return
		}
	}
	if s.probe {
		s.n++
		return
	}
	s.buf = appendPath(s.buf[:0], segs)
	n := len(s.buf)
	s.buf = append(s.buf, 0, byte(kind))
	if i, ok := s.index[string(s.buf)]; ok {
		s.diffs[i].Count++
		return
	}
	if len(s.diffs) >= s.c.maxDiffs {
		s.more++
		return
	}
	if s.index == nil {
		s.index = make(map[string]int)
	}
	s.index[string(s.buf)] = len(s.diffs)
	a, b := render()
	s.diffs = append(s.diffs, Difference{Path: string(s.buf[:n]), Kind: kind, A: a, B: b, Count: 1})
}

// drop counts a difference that rule r dropped, once per path and kind.
func (s *diffSet) drop(r int, segs []seg, kind Kind) {
	if s.probe {
		return
	}
	s.buf = append(appendPath(s.buf[:0], segs), 0, byte(kind))
	if _, ok := s.seen[string(s.buf)]; ok {
		return
	}
	if s.seen == nil {
		s.seen = make(map[string]struct{})
	}
	s.seen[string(s.buf)] = struct{}{}
	s.dropped[r]++
}

func (s *diffSet) result() result {
	if s.more > 0 {
		s.diffs = append(s.diffs, Difference{
			Path:  rootBody,
			Kind:  Truncated,
			A:     fmt.Sprintf("more than %d differences; %d more not listed", s.c.maxDiffs, s.more),
			Count: s.more,
		})
	}
	return result{diffs: s.diffs, dropped: s.dropped}
}
