package diff

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A field path names one place in an exchange: "status", "error",
// "header.Content-Type", "body", "body.items[*].price", `body["a.b"]`.
// Array indices are collapsed to [*] so that the same field in every element
// counts as one field.

// Roots of field paths.
const (
	rootBody   = "body"
	rootHeader = "header"
	rootStatus = "status"
	rootError  = "error"
)

// seg is one step of a field path: an object key or any array element.
type seg struct {
	key   string
	index bool
}

var indexSeg = seg{index: true}

// appendPath renders segs (whose first element is the root) as a field path.
func appendPath(dst []byte, segs []seg) []byte {
	for i, s := range segs {
		switch {
		case i == 0:
			dst = append(dst, s.key...)
		case s.index:
			dst = append(dst, "[*]"...)
		case plainKey(s.key):
			dst = append(dst, '.')
			dst = append(dst, s.key...)
		default:
			dst = append(dst, '[')
			dst = appendQuoted(dst, s.key)
			dst = append(dst, ']')
		}
	}
	return dst
}

func renderPath(segs []seg) string { return string(appendPath(nil, segs)) }

// plainKey reports whether a key can be written after a dot without quoting.
func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		switch {
		case r == '.' || r == '[' || r == ']' || r == '"' || r == '*' || r == '\\':
			return false
		case unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError:
			return false
		}
	}
	return true
}

// appendQuoted appends s as a JSON string literal (without escaping HTML or
// non-ASCII characters, which are fine in reports).
func appendQuoted(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20 || c == 0x7f:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// gsegKind is what one step of a path glob matches.
type gsegKind uint8

const (
	gLiteral  gsegKind = iota // one key, exactly
	gWildcard                 // one key, with * standing for any run of characters
	gIndex                    // [*]: any array element
	gAny                      // **: any number of steps, including none
)

type gseg struct {
	kind gsegKind
	text string
	fold bool // compare case-insensitively (header names)
}

func (g gseg) matches(s seg) bool {
	switch g.kind {
	case gIndex:
		return s.index
	case gLiteral:
		if s.index {
			return false
		}
		if g.fold {
			return strings.EqualFold(g.text, s.key)
		}
		return g.text == s.key
	case gWildcard:
		if s.index {
			return false
		}
		if g.fold {
			return wildcardMatch(g.text, strings.ToLower(s.key))
		}
		return wildcardMatch(g.text, s.key)
	}
	return false
}

// glob is a parsed field-path pattern.
type glob []gseg

// match reports whether g matches segs exactly or, when prefix is set, whether
// it matches the path or one of its ancestors (so that ignoring body.meta
// ignores everything under it).
func (g glob) match(segs []seg, prefix bool) bool {
	for len(g) > 0 {
		if g[0].kind == gAny {
			for k := 0; k <= len(segs); k++ {
				if g[1:].match(segs[k:], prefix) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 || !g[0].matches(segs[0]) {
			return false
		}
		g, segs = g[1:], segs[1:]
	}
	return prefix || len(segs) == 0
}

// wildcardMatch matches s against a pattern in which * stands for any run of
// characters (and nothing else is special).
func wildcardMatch(pattern, s string) bool {
	star, mark := -1, 0
	p, i := 0, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

const globSyntax = `a path starts with body, status, header or error, then .key, ["quoted key"], [*] for any array element, * for any one key (or part of one: *_at) and ** for any number of steps`

// parseGlob parses a field-path pattern such as body.items[*].updated_at,
// body.*.id, body.**.etag, header.X-Request-ID or body["a.b"].
func parseGlob(s string) (glob, error) {
	if s == "" {
		return nil, fmt.Errorf("empty path; %s", globSyntax)
	}
	end := strings.IndexAny(s, ".[")
	if end < 0 {
		end = len(s)
	}
	root := s[:end]
	switch root {
	case rootBody, rootHeader, rootStatus, rootError:
	default:
		return nil, fmt.Errorf("path %q starts with %q; %s", s, root, globSyntax)
	}
	g := glob{{kind: gLiteral, text: root}}
	rest := s[end:]
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			key := rest[:end]
			rest = rest[end:]
			switch {
			case key == "":
				return nil, fmt.Errorf("path %q has an empty key after a dot; quote empty or unusual keys as [\"...\"]", s)
			case key == "**":
				g = append(g, gseg{kind: gAny})
			case strings.ContainsAny(key, `]"\`):
				return nil, fmt.Errorf("path %q: key %q needs quoting as [\"...\"]", s, key)
			case strings.Contains(key, "*"):
				g = append(g, gseg{kind: gWildcard, text: key})
			default:
				g = append(g, gseg{kind: gLiteral, text: key})
			}
		case '[':
			switch {
			case strings.HasPrefix(rest, "[*]"):
				g = append(g, gseg{kind: gIndex})
				rest = rest[3:]
			case strings.HasPrefix(rest, `["`):
				key, n, err := unquotePrefix(rest[1:])
				if err != nil || !strings.HasPrefix(rest[1+n:], "]") {
					return nil, fmt.Errorf("path %q: unterminated quoted key; write keys with dots or brackets as [\"a.b\"]", s)
				}
				g = append(g, gseg{kind: gLiteral, text: key})
				rest = rest[1+n+1:]
			default:
				close := strings.IndexByte(rest, ']')
				if close > 1 {
					if _, err := strconv.Atoi(rest[1:close]); err == nil {
						return nil, fmt.Errorf("path %q: array indices are collapsed in field paths; write [*] instead of %s", s, rest[:close+1])
					}
				}
				return nil, fmt.Errorf("path %q: expected [*] or [\"key\"] at %q", s, rest)
			}
		default:
			return nil, fmt.Errorf("path %q: expected . or [ at %q; %s", s, rest, globSyntax)
		}
	}
	if root == rootHeader {
		if len(g) > 2 {
			return nil, fmt.Errorf("path %q: a header path is header.NAME", s)
		}
		if len(g) == 2 {
			g[1] = headerGseg(g[1])
		}
	}
	return g, nil
}

// headerGseg makes a glob step match header names case-insensitively.
func headerGseg(g gseg) gseg {
	switch g.kind {
	case gLiteral:
		g.text = http.CanonicalHeaderKey(g.text)
		g.fold = true
	case gWildcard:
		g.text = strings.ToLower(g.text)
		g.fold = true
	}
	return g
}

// unquotePrefix reads a JSON string literal at the start of s and returns its
// value and length in bytes.
func unquotePrefix(s string) (string, int, error) {
	if !strings.HasPrefix(s, `"`) {
		return "", 0, fmt.Errorf("not a quoted string")
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			v, ok := unescapeJSON(s[1:i])
			if !ok {
				return "", 0, fmt.Errorf("invalid escape in %s", s[:i+1])
			}
			return v, i + 1, nil
		}
	}
	return "", 0, fmt.Errorf("unterminated string")
}
