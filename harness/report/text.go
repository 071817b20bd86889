package report

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

func state(passed bool) string {
	if passed {
		return "pass"
	}
	return "fail"
}

func worse(a, b string) string {
	rank := map[string]int{"skip": 0, "pass": 1, "warn": 2, "fail": 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// clip shortens the first line of s to n runes and drops a final full stop,
// so that it fits inside a sentence.
func clip(s string, n int) string {
	s = strings.TrimSuffix(strings.TrimSpace(firstLine(s)), ".")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("… (%d earlier lines)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

func joinAnd(ss []string) string {
	switch len(ss) {
	case 0:
		return ""
	case 1:
		return ss[0]
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " and " + ss[len(ss)-1]
}

// count is "1 journey" or "3 journeys".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Location is where a failure happened, or "" when the report does not say
// (a JUnit test case that tandem verify read into a report).
func Location(l types.CodeLocation) string {
	if l.FileName == "" {
		return ""
	}
	return l.String()
}
