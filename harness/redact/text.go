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
	return fieldRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := fieldRE.FindStringSubmatch(m)
		name, quote, sep, value := sub[1], sub[2], sub[3], sub[4]
		if !r.Secret(name) {
			// The value may hold pairs of its own: url=http://h/?token=x.
			return name + quote + sep + r.fieldsInText(value)
		}
		if strings.Contains(value, Mark) || strings.EqualFold(value, "bearer") || strings.EqualFold(value, "basic") {
			return m
		}
		return name + quote + sep + markLike(value)
	})
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
