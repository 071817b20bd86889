package report

import "testing"

// The formats of the numbers the pages show keep the precision the data has.
func TestNumbersKeepTheirPrecision(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, want string
	}{
		// A Marginal score below the pass threshold of 95 must not read 95.
		{"a score just below a threshold", score(94.6), "94.6"},
		{"a score kept to two places", score(68.75), "68.75"},
		{"a whole score", score(100), "100"},
		{"a weight shared three ways", score(100.0 / 3), "33.33"},
		// A sequential look's nominal level must not read 100.
		{"the default level", level(98), "98"},
		{"a level from 1 − α", level((1 - 0.02) * 100), "98"},
		{"a late look's level", level(99.86), "99.86"},
		{"an early look's level", level((1 - 3.8e-8) * 100), "99.9999962"},
		// |R−N|/T to the four places the diff report keeps.
		{"a ratio just above the absolute threshold", formatPct(0.0325), "0.0325 %"},
		{"a ratio of two in seven", formatPct(28.5714), "28.5714 %"},
		{"the absolute threshold", formatPct(0.0003 * 100), "0.03 %"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}
