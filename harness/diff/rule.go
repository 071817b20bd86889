package diff

import (
	"fmt"
	"regexp"
	"strings"
)

// A Rule drops differences before they are counted. Rules are written as text
// so that they fit in flags and configuration files:
//
//	path:body.items[*].updated_at   a field path glob; ignores that field and everything under it
//	path:body.**.etag               ** stands for any number of steps, * for one key (or part of one)
//	header:Date                     a header, by name (case-insensitive; * allowed: header:X-Amzn-*)
//	pattern:uuid                    a difference whose two values are both UUIDs
//	pattern:timestamp               … both date-times (RFC 3339 / ISO 8601, or HTTP dates)
//	pattern:/^req-[0-9a-f]+$/       … both match the regular expression (unanchored unless anchored)
//
// Pattern rules look at the values of JSON scalars and headers; in a text
// body, the matches are masked in both versions before they are compared.
// Epoch milliseconds are deliberately not a timestamp: they are ordinary
// numbers in most APIs. Use a /regex/ for them.
type Rule struct {
	text string
	glob glob          // path and header rules
	pat  *valuePattern // pattern rules
}

type valuePattern struct {
	name  string              // what a masked match becomes in a text body: <uuid>
	match func(s string) bool // whole value
	find  *regexp.Regexp      // matches anywhere, for masking text bodies
}

const ruleForms = "accepted forms: path:GLOB (e.g. path:body.items[*].updated_at, path:body.*.id, path:body.**.etag), " +
	"header:NAME (e.g. header:Date, header:X-Amzn-*), pattern:uuid, pattern:timestamp, pattern:/REGEX/"

// ParseRule parses an ignore rule such as "path:body.items[*].updated_at",
// "header:Date", "pattern:uuid", "pattern:timestamp" or "pattern:/^req-/".
func ParseRule(s string) (Rule, error) {
	text := strings.TrimSpace(s)
	form, arg, ok := strings.Cut(text, ":")
	if !ok {
		return Rule{}, fmt.Errorf("ignore rule %q: no kind before a colon; %s", s, ruleForms)
	}
	r := Rule{text: text}
	switch form {
	case "path":
		g, err := parseGlob(arg)
		if err != nil {
			return Rule{}, fmt.Errorf("ignore rule %q: %w", s, err)
		}
		r.glob = g
	case "header":
		if arg == "" || !validHeaderPattern(arg) {
			return Rule{}, fmt.Errorf("ignore rule %q: %q is not a header name (letters, digits and !#$%%&'+-.^_`|~, with * as a wildcard); %s", s, arg, ruleForms)
		}
		g := gseg{kind: gLiteral, text: arg}
		if strings.Contains(arg, "*") {
			g.kind = gWildcard
		}
		r.glob = glob{{kind: gLiteral, text: rootHeader}, headerGseg(g)}
	case "pattern":
		p, err := parsePattern(arg)
		if err != nil {
			return Rule{}, fmt.Errorf("ignore rule %q: %w", s, err)
		}
		r.pat = p
	default:
		return Rule{}, fmt.Errorf("ignore rule %q: unknown kind %q; %s", s, form, ruleForms)
	}
	return r, nil
}

// MustParseRule is ParseRule for rules written in code; it panics on error.
func MustParseRule(s string) Rule {
	r, err := ParseRule(s)
	if err != nil {
		panic(err)
	}
	return r
}

// String returns the rule as it was written.
func (r Rule) String() string { return r.text }

// MarshalText writes the rule as it was written.
func (r Rule) MarshalText() ([]byte, error) { return []byte(r.text), nil }

// UnmarshalText parses a rule, so that rules load from JSON and YAML strings.
func (r *Rule) UnmarshalText(b []byte) error {
	parsed, err := ParseRule(string(b))
	if err != nil {
		return err
	}
	*r = parsed
	return nil
}

func (r Rule) valid() bool { return r.glob != nil || r.pat != nil }

func validHeaderPattern(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

var (
	uuidPattern = &valuePattern{
		name:  "<uuid>",
		match: isUUID,
		find:  regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`),
	}
	// ISO 8601 / RFC 3339 date-times (extended and basic), and HTTP dates
	// (RFC 9110: "Sun, 06 Nov 1994 08:49:37 GMT") as found in Date,
	// Last-Modified and Expires headers.
	timestampText = `\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?` +
		`|\d{8}T\d{6}(?:[.,]\d+)?(?:Z|[+-]\d{4})?` +
		`|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT`
	timestampWhole   = regexp.MustCompile(`^(?:` + timestampText + `)$`)
	timestampPattern = &valuePattern{
		name:  "<timestamp>",
		match: timestampWhole.MatchString,
		find:  regexp.MustCompile(`\b(?:` + timestampText + `)`),
	}
)

func parsePattern(arg string) (*valuePattern, error) {
	switch {
	case arg == "uuid":
		return uuidPattern, nil
	case arg == "timestamp":
		return timestampPattern, nil
	case len(arg) >= 2 && arg[0] == '/' && arg[len(arg)-1] == '/':
		expr := arg[1 : len(arg)-1]
		if expr == "" {
			return nil, fmt.Errorf("empty regular expression; write pattern:/REGEX/")
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, fmt.Errorf("invalid regular expression /%s/: %w", expr, err)
		}
		return &valuePattern{name: "<" + arg + ">", match: re.MatchString, find: re}, nil
	}
	return nil, fmt.Errorf("unknown pattern %q; use uuid, timestamp or /REGEX/ (regular expressions go between slashes)", arg)
}

// isUUID reports whether s is a UUID in its 8-4-4-4-12 hexadecimal form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !isHex(c) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
