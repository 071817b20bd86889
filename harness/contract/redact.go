package contract

import (
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
	c.Output = red.Text(v.Output)
	c.Results = make([]Result, len(v.Results))
	for i, r := range v.Results {
		r.Problem = red.Text(r.Problem)
		r.Mismatches = make([]Mismatch, len(v.Results[i].Mismatches))
		for j, m := range v.Results[i].Mismatches {
			if red.Secret(lastField(m.Path)) {
				m.Expected, m.Actual, m.Text = redact.Mark, redact.Mark, "the values differ ("+redact.Mark+")"
			} else {
				m.Expected, m.Actual, m.Text = string(red.JSON([]byte(m.Expected))), string(red.JSON([]byte(m.Actual))), red.Text(m.Text)
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
