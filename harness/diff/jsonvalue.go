package diff

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A small JSON parser built for comparison rather than decoding: it keeps
// numbers as their literal text (compared exactly, see number.go), keeps
// object members in document order, shares one copy of the body for every
// string without escapes, and bounds nesting depth: anything nested deeper than
// the limit is validated without recursion and kept as raw text, so a body
// nested 10,000 levels deep is neither a stack overflow nor a parse failure.

type vkind uint8

const (
	kNull vkind = iota
	kFalse
	kTrue
	kNumber
	kString
	kArray
	kObject
	kDeep // nested deeper than the limit; str holds its raw text
)

// value is one parsed JSON value. A member of an object carries its key.
type value struct {
	kind vkind
	key  string
	str  string  // string value, number literal, or raw text of a kDeep value
	kids []value // array elements or object members
}

// scalarText is the value as text for pattern rules: a string's contents,
// a number's literal, true, false or null. ok is false for arrays, objects
// and values too deep to compare.
func (v *value) scalarText() (string, bool) {
	switch v.kind {
	case kNull:
		return "null", true
	case kFalse:
		return "false", true
	case kTrue:
		return "true", true
	case kNumber, kString:
		return v.str, true
	}
	return "", false
}

type parser struct {
	s        string
	i        int
	maxDepth int
	stack    []value // scratch space for the children of open containers
}

// parseJSON parses s as exactly one JSON value surrounded by optional white
// space. Containers nested deeper than maxDepth become kDeep values.
func parseJSON(s string, maxDepth int) (value, bool) {
	p := parser{s: s, maxDepth: maxDepth}
	p.ws()
	v, ok := p.value(0)
	if !ok {
		return value{}, false
	}
	p.ws()
	return v, p.i == len(p.s)
}

func (p *parser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (value, bool) {
	if p.i >= len(p.s) {
		return value{}, false
	}
	switch c := p.s[p.i]; c {
	case '{', '[':
		if depth >= p.maxDepth {
			start := p.i
			if !p.skipNested() {
				return value{}, false
			}
			return value{kind: kDeep, str: p.s[start:p.i]}, true
		}
		if c == '{' {
			return p.object(depth + 1)
		}
		return p.array(depth + 1)
	case '"':
		s, ok := p.string()
		return value{kind: kString, str: s}, ok
	case 't':
		return value{kind: kTrue}, p.literal("true")
	case 'f':
		return value{kind: kFalse}, p.literal("false")
	case 'n':
		return value{kind: kNull}, p.literal("null")
	default:
		start := p.i
		if !p.number() {
			return value{}, false
		}
		return value{kind: kNumber, str: p.s[start:p.i]}, true
	}
}

func (p *parser) literal(lit string) bool {
	if len(p.s)-p.i < len(lit) || p.s[p.i:p.i+len(lit)] != lit {
		return false
	}
	p.i += len(lit)
	return true
}

// children moves the values pushed since base into an exact-size slice.
func (p *parser) children(base int) []value {
	if len(p.stack) == base {
		return nil
	}
	kids := make([]value, len(p.stack)-base)
	copy(kids, p.stack[base:])
	clear(p.stack[base:])
	p.stack = p.stack[:base]
	return kids
}

func (p *parser) array(depth int) (value, bool) {
	p.i++ // [
	base := len(p.stack)
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return value{kind: kArray}, true
	}
	for {
		p.ws()
		v, ok := p.value(depth)
		if !ok {
			return value{}, false
		}
		p.stack = append(p.stack, v)
		p.ws()
		if p.i >= len(p.s) {
			return value{}, false
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return value{kind: kArray, kids: p.children(base)}, true
		default:
			return value{}, false
		}
	}
}

func (p *parser) object(depth int) (value, bool) {
	p.i++ // {
	base := len(p.stack)
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return value{kind: kObject}, true
	}
	for {
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return value{}, false
		}
		key, ok := p.string()
		if !ok {
			return value{}, false
		}
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return value{}, false
		}
		p.i++
		p.ws()
		v, ok := p.value(depth)
		if !ok {
			return value{}, false
		}
		v.key = key
		p.stack = append(p.stack, v)
		p.ws()
		if p.i >= len(p.s) {
			return value{}, false
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return value{kind: kObject, kids: p.children(base)}, true
		default:
			return value{}, false
		}
	}
}

// string reads a string literal at p.i and returns its value. Strings without
// escapes share the body's memory.
func (p *parser) string() (string, bool) {
	p.i++ // opening quote
	start := p.i
	escaped := false
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			raw := p.s[start:p.i]
			p.i++
			if !escaped {
				return raw, true
			}
			return unescapeJSON(raw)
		case c == '\\':
			escaped = true
			p.i += 2
		case c < 0x20:
			return "", false
		default:
			p.i++
		}
	}
	return "", false
}

// number reads a number literal: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *parser) number() bool {
	if p.i < len(p.s) && p.s[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.s) && p.s[p.i] == '0':
		p.i++
	case p.i < len(p.s) && p.s[p.i] >= '1' && p.s[p.i] <= '9':
		p.digits()
	default:
		return false
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			return false
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return false
		}
	}
	return true
}

func (p *parser) digits() int {
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	return p.i - start
}

// skipNested validates the object or array at p.i without recursion and moves
// past it.
func (p *parser) skipNested() bool {
	var open []byte // the containers we are inside, innermost last
	for {
		// A value is expected at p.i.
		p.ws()
		if p.i >= len(p.s) {
			return false
		}
		done := true // a complete value was read; look for , or a closer
		switch c := p.s[p.i]; c {
		case '{', '[':
			p.i++
			p.ws()
			if p.i < len(p.s) && p.s[p.i] == c+2 { // '}' == '{'+2, ']' == '['+2
				p.i++
				break
			}
			open = append(open, c)
			done = false
			if c == '{' && !p.skipKey() {
				return false
			}
		case '"':
			if _, ok := p.string(); !ok {
				return false
			}
		case 't':
			if !p.literal("true") {
				return false
			}
		case 'f':
			if !p.literal("false") {
				return false
			}
		case 'n':
			if !p.literal("null") {
				return false
			}
		default:
			if !p.number() {
				return false
			}
		}
		for done {
			if len(open) == 0 {
				return true
			}
			p.ws()
			if p.i >= len(p.s) {
				return false
			}
			top := open[len(open)-1]
			switch c := p.s[p.i]; {
			case c == ',':
				p.i++
				if top == '{' && !p.skipKey() {
					return false
				}
				done = false
			case c == top+2:
				p.i++
				open = open[:len(open)-1]
			default:
				return false
			}
		}
	}
}

// skipKey reads `"key" :` inside an object being skipped.
func (p *parser) skipKey() bool {
	p.ws()
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return false
	}
	if _, ok := p.string(); !ok {
		return false
	}
	p.ws()
	if p.i >= len(p.s) || p.s[p.i] != ':' {
		return false
	}
	p.i++
	return true
}

// unescapeJSON decodes the escapes of a JSON string's contents. Lone
// surrogates become U+FFFD, as encoding/json does.
func unescapeJSON(s string) (string, bool) {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 {
			return "", false
		}
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		if i >= len(s) {
			return "", false
		}
		switch s[i] {
		case '"', '\\', '/':
			b = append(b, s[i])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(s, i+1)
			if !ok {
				return "", false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok := rune(-1), false
				if i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
					r2, ok = hex4(s, i+3)
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", false
		}
	}
	return string(b), true
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(s[i:i+4], 16, 32)
	return rune(n), err == nil
}
