package redact

import (
	"regexp"
	"strings"
)

var (
	// userinfoRE finds the password in scheme://user:password@host.
	userinfoRE = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.\-]*://[^\s/:@"']+:)([^\s/@"']+)@`)
	// headerRE finds a credential header and its value, up to the end of the
	// line or of a quoted value: "Authorization: Bearer …", "Cookie: a=1; b=2".
	headerRE = regexp.MustCompile(`(?i)\b((?:proxy-)?authorization|(?:set-)?cookie)(\\?["']?\s*:\s*)(\\"(?:[^"\\]|\\[^"])*\\"|"(?:[^"\\]|\\.)*"|'[^']*'|[^\r\n]+)`)
	// schemeRE finds the credentials of an HTTP authentication scheme.
	schemeRE = regexp.MustCompile(`(?i)\b(bearer|basic)(\s+)([A-Za-z0-9\-._~+/]+=*)`)
	// fieldRE finds name=value and name: value pairs, quoted or not, also
	// inside JSON embedded in text (escaped quotes included).
	fieldRE = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_.\-]*)(\\?["']?)(\s*[:=]\s*)(\\"(?:[^"\\]|\\[^"])*\\"|"(?:[^"\\]|\\.)*"|'[^']*'|[^\s&,;"'<>(){}\[\]]+)`)
)

// Text redacts free text such as a plain log line or an error message:
// passwords in URLs, credential headers, "Bearer …" and "Basic …"
// credentials, and the values of secret names written name=value or
// name: value (quoted or not; also inside JSON written into the text).
func (r *Redactor) Text(s string) string {
	if !mayHaveSecret(r, s) {
		return s
	}
	if strings.Contains(s, "://") {
		s = userinfoRE.ReplaceAllString(s, "${1}"+Mark+"@")
	}
	s = headerRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := headerRE.FindStringSubmatch(m)
		return sub[1] + sub[2] + markLike(sub[3])
	})
	s = schemeRE.ReplaceAllString(s, "${1}${2}"+Mark)
	return r.fieldsInText(s)
}

func (r *Redactor) fieldsInText(s string) string {
	if !strings.ContainsAny(s, ":=") {
		return s
	}
	matches := fieldRE.FindAllStringSubmatchIndex(s, -1)
	if matches == nil {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, m := range matches {
		b.WriteString(s[last:m[0]])
		last = m[1]
		name, quote, sep, value := s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]], s[m[8]:m[9]]
		if !r.Secret(name) || endOfPath(s[:m[0]], sep, value) {
			// The value may hold pairs of its own: url=http://h/?token=x.
			b.WriteString(name + quote + sep + r.fieldsInText(value))
			continue
		}
		if strings.Contains(value, Mark) || strings.EqualFold(value, "bearer") || strings.EqualFold(value, "basic") {
			b.WriteString(s[m[0]:m[1]])
			continue
		}
		b.WriteString(name + quote + sep + markLike(value))
	}
	b.WriteString(s[last:])
	return b.String()
}

// endOfPath reports whether a name written before sep and value is the last
// element of a file path rather than a field name: "db-password" in
// "open /run/secrets/db-password: no such file or directory", the way Go and
// the C library write an operation, its path and what went wrong. That is a
// name right after a path separator, followed by a colon and a bare value.
// Quoted values and name=value pairs stay secret wherever the name stands.
func endOfPath(before, sep, value string) bool {
	if before == "" || !strings.Contains(sep, ":") || strings.ContainsAny(value[:1], `"'\`) {
		return false
	}
	c := before[len(before)-1]
	return c == '/' || c == '\\'
}

// markLike is Mark quoted the way value is.
func markLike(value string) string {
	switch {
	case strings.HasPrefix(value, `\"`):
		return `\"` + Mark + `\"`
	case strings.HasPrefix(value, `"`):
		return `"` + Mark + `"`
	case strings.HasPrefix(value, `'`):
		return `'` + Mark + `'`
	}
	return Mark
}
