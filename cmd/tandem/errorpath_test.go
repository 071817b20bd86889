package main

import (
	"strings"
	"testing"
)

// One error path: a command returns its error, and main alone says it, once,
// as "tandem CMD: cause", and exits with the command's code. These mistakes
// are refused before anything starts (no engine needed).
func TestCommandsReturnTheirErrorsAndMainSaysThem(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		line string
	}{
		{"diff with an argument", []string{"diff", "extra"}, 2,
			`tandem diff: unexpected argument "extra"; see tandem diff --help`},
		{"diff without traffic", []string{"diff", "--primary", "a", "--candidate", "b"}, 2,
			"tandem diff: give exactly one traffic source: --traffic FILE, --pacts or --listen ADDR"},
		{"diff without images", []string{"diff", "--pacts"}, 2,
			"tandem diff: --primary and --candidate are required"},
		{"canary with an argument", []string{"canary", "extra"}, 2,
			`tandem canary: unexpected argument "extra"; see tandem canary --help`},
		{"canary without images", []string{"canary"}, 2,
			"tandem canary: --baseline and --canary are required"},
		{"canary with a bad request", []string{"canary", "--baseline", "a", "--canary", "b", "--request", "products"}, 2,
			`tandem canary: --request "products": write it as METHOD /path, e.g. "GET /products/p-1"`},
		{"a mistyped flag", []string{"up", "--servcie", "catalog"}, 2,
			"tandem up: there is no flag --servcie (did you mean --service?); see tandem up --help"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cmd command
			for _, c := range commands() {
				if c.name == tc.args[0] {
					cmd = c
				}
			}
			var stdout, stderr strings.Builder
			if err := cmd.run(t.Context(), tc.args[1:], &stdout, &stderr); err == nil {
				t.Fatalf("tandem %s returned no error", strings.Join(tc.args, " "))
			}
			if stderr.Len() > 0 {
				t.Errorf("tandem %s printed its error itself instead of returning it to main:\n%s", tc.args[0], stderr.String())
			}
			code, _, got := tandem(t, tc.args...)
			if code != tc.code || got != tc.line+"\n" {
				t.Errorf("tandem %s: exit %d, stderr:\n%s\nwant exit %d and the one line\n%s", strings.Join(tc.args, " "), code, got, tc.code, tc.line)
			}
		})
	}
}
