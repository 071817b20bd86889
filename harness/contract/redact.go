package contract

import (
	"regexp"
	"strings"

	"github.com/tandem-harness/tandem/harness/redact"
)

// Redact returns a copy of v without secrets in what the Pact verifier said:
// its output, each interaction's problem and its mismatches, which quote what
// the pact expected and what the provider answered. A mismatch at a secret
// field ($.user.password, an Authorization header) loses both values and the
// verifier's words, which quote them. Secret names are redact.Default()'s.
//
// Verify returns its verification redacted and Store.Record redacts what it
// stores, so no caller needs to, and none can forget to. Redacting twice
// changes nothing.
func Redact(v *Verification) *Verification {
	if v == nil {
		return nil
	}
	red := redact.Default()
	c := *v
	c.Output = verifierText(red, v.Output)
	c.Results = make([]Result, len(v.Results))
	for i, r := range v.Results {
		r.Problem = verifierText(red, r.Problem)
		r.Mismatches = make([]Mismatch, len(v.Results[i].Mismatches))
		for j, m := range v.Results[i].Mismatches {
			if red.Secret(lastField(m.Path)) {
				m.Expected, m.Actual, m.Text = redact.Mark, redact.Mark, "the values differ ("+redact.Mark+")"
			} else {
				m.Expected, m.Actual, m.Text = string(red.JSON([]byte(m.Expected))), string(red.JSON([]byte(m.Actual))), verifierText(red, m.Text)
			}
			r.Mismatches[j] = m
		}
		if v.Results[i].Mismatches == nil {
			r.Mismatches = nil
		}
		c.Results[i] = r
	}
	if v.Results == nil {
		c.Results = nil
	}
	return &c
}

// lastField is the field a mismatch path ends in: "password" for
// "$.user.password", "tokens" for "$.tokens[0]", "Authorization" for a header.
func lastField(path string) string {
	path = strings.TrimRight(path, "]0123456789*[")
	return path[strings.LastIndexAny(path, ".[")+1:]
}

var (
	// mismatchPathRE finds the path of a mismatch in the verifier's words:
	// "$.user.password -> Expected 'a' (String) to be equal to 'b' (String)".
	mismatchPathRE = regexp.MustCompile(`(\$\S*)\s+->\s+`)
	// quotedNameRE finds a quoted name: 'X-Api-Key', "Authorization".
	quotedNameRE = regexp.MustCompile(`'([A-Za-z_][A-Za-z0-9_.\-]*)'|"([A-Za-z_][A-Za-z0-9_.\-]*)"`)
	quotedRE     = regexp.MustCompile(`'[^']*'|"[^"]*"`)
)

// verifierText redacts the verifier's words line by line: a mismatch at a
// secret path loses what it says about the values, and after a quoted secret
// name (a header 'X-Api-Key' with value '…') every quoted value on the line
// becomes the mark; then the text is redacted as redact.Text does.
func verifierText(red *redact.Redactor, s string) string {
	if s == "" {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		if m := mismatchPathRE.FindStringSubmatchIndex(line); m != nil && red.Secret(lastField(line[m[2]:m[3]])) {
			lines[i] = line[:m[1]] + "the values differ (" + redact.Mark + ")"
			continue
		}
		for _, m := range quotedNameRE.FindAllStringSubmatchIndex(line, -1) {
			name := line[m[0]+1 : m[1]-1] // without its quotes
			if red.Secret(name) {
				lines[i] = line[:m[1]] + quotedRE.ReplaceAllStringFunc(line[m[1]:], func(q string) string {
					return q[:1] + redact.Mark + q[:1]
				})
				break
			}
		}
	}
	return red.Text(strings.Join(lines, "\n"))
}
