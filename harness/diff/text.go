package diff

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxRendered bounds a rendered value (Difference.A and B) in bytes.
const maxRendered = 200

// compareText compares two text bodies whole. Pattern rules mask their
// matches in both first, so that a page differing only in a request id or a
// date is the same page.
func (c *compiled) compareText(s *diffSet, root []seg, a, b string) {
	if len(c.valueRules) > 0 {
		ma, ra := c.mask(a)
		mb, rb := c.mask(b)
		if ma == mb {
			if ra < 0 {
				ra = rb
			}
			s.drop(ra, root, BodyChanged)
			return
		}
		a, b = ma, mb
	}
	s.add(root, BodyChanged, "", "", false, func() (string, string) { return textExcerpts(a, b) })
}

// mask replaces the matches of every pattern rule in text, and returns the
// index of the first rule that matched anything (or -1).
func (c *compiled) mask(text string) (string, int) {
	first := -1
	for _, i := range c.valueRules {
		p := c.rules[i].pat
		masked := p.find.ReplaceAllLiteralString(text, p.name)
		if masked != text && first < 0 {
			first = i
		}
		text = masked
	}
	return text, first
}

// textExcerpts shows where two texts first differ: the line, the column and
// a window of that line in each.
func textExcerpts(a, b string) (string, string) {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	for i > 0 && (i < len(a) && !utf8.RuneStart(a[i]) || i < len(b) && !utf8.RuneStart(b[i])) {
		i--
	}
	return excerptAt(a, i), excerptAt(b, i)
}

func excerptAt(s string, i int) string {
	lineStart := strings.LastIndexByte(s[:i], '\n') + 1
	line := strings.Count(s[:i], "\n") + 1
	col := utf8.RuneCountInString(s[lineStart:i]) + 1
	lineEnd := len(s)
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		lineEnd = i + j
	}
	from := max(lineStart, i-40)
	for from > lineStart && !utf8.RuneStart(s[from]) {
		from--
	}
	to := min(lineEnd, i+80)
	for to < lineEnd && !utf8.RuneStart(s[to]) {
		to++
	}
	var b []byte
	b = fmt.Appendf(b, "line %d, column %d: ", line, col)
	if i == len(s) {
		return string(append(b, "(end of body)"...))
	}
	if from > lineStart {
		b = append(b, "…"...)
	}
	b = appendQuoted(b, s[from:to])
	if to < lineEnd {
		b = append(b, "…"...)
	}
	return string(b)
}

// describeBody renders a whole body for a BodyChanged or TypeChanged
// difference. Binary bodies are never rendered, only measured and hashed.
func describeBody(p *prepared) string {
	switch p.class {
	case bodyJSON:
		return renderValue(&p.json)
	case bodyText:
		return "text: " + truncateRendered(appendQuoted(nil, clip(p.text, maxRendered)))
	case bodyBinary:
		return fmt.Sprintf("binary: %d bytes, sha256:%x", len(p.r.Body), sha256.Sum256(p.r.Body))
	}
	return ""
}

// renderValue renders a JSON value as compact JSON, truncated.
func renderValue(v *value) string {
	if v == nil {
		return ""
	}
	return truncateRendered(appendValue(make([]byte, 0, 32), v))
}

func appendValue(dst []byte, v *value) []byte {
	if len(dst) > maxRendered {
		return dst
	}
	switch v.kind {
	case kNull:
		return append(dst, "null"...)
	case kFalse:
		return append(dst, "false"...)
	case kTrue:
		return append(dst, "true"...)
	case kNumber, kDeep:
		return append(dst, clip(v.str, maxRendered+1)...)
	case kString:
		return appendQuoted(dst, clip(v.str, maxRendered+1))
	case kArray:
		dst = append(dst, '[')
		for i := range v.kids {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst = appendValue(dst, &v.kids[i]); len(dst) > maxRendered {
				return dst
			}
		}
		return append(dst, ']')
	case kObject:
		dst = append(dst, '{')
		for i := range v.kids {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendQuoted(dst, clip(v.kids[i].key, maxRendered+1))
			dst = append(dst, ':')
			if dst = appendValue(dst, &v.kids[i]); len(dst) > maxRendered {
				return dst
			}
		}
		return append(dst, '}')
	}
	return dst
}

// clip returns at most n bytes of s (possibly cutting a rune; truncateRendered
// cuts again on a rune boundary).
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// truncateRendered cuts a rendering to maxRendered bytes on a rune boundary
// and marks the cut with an ellipsis.
func truncateRendered(b []byte) string {
	if len(b) <= maxRendered {
		return string(b)
	}
	cut := maxRendered
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return string(b[:cut]) + "…"
}
