package nearest

import "testing"

func TestName(t *testing.T) {
	names := []string{"consumers", "providers", "suites"}
	for _, c := range []struct{ in, want string }{
		{"consumer", "consumers"}, {"Suits", "suites"}, {"providrs", "providers"}, {"canaries", ""},
	} {
		if got := Name(c.in, names); got != c.want {
			t.Errorf("Name(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if d := Distance("kitten", "sitting"); d != 3 {
		t.Errorf("Distance(kitten, sitting) = %d, want 3", d)
	}
}
