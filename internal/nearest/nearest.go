// Package nearest finds the known name closest to a mistyped one, for
// errors that say "did you mean …?" (unknown flags, unknown fields of
// tandem.yaml and of canary configs).
package nearest

import "strings"

// Name returns the name in names closest to s, ignoring case, when it is
// within two edits; else "".
func Name(s string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		if d := Distance(strings.ToLower(s), strings.ToLower(n)); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// Distance is the Levenshtein distance between a and b.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
