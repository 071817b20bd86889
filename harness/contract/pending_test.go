package contract

import (
	"testing"
	"time"
)

// TestPendingRulePerProviderBranch checks the Pact Broker's rule
// (pact_broker's PactVersion#pending_for_provider_branch?) on the store,
// including records from `tandem contracts verify`, which have no branch.
func TestPendingRulePerProviderBranch(t *testing.T) {
	s := newStore(t)
	at := func(minute int) time.Time { return time.Date(2026, 1, 1, 0, minute, 0, 0, time.UTC) }
	save := func(version, branch string, minute int, sha string, ok bool) {
		t.Helper()
		s.Now = func() time.Time { return at(minute) }
		if branch != "" {
			if _, err := s.SaveVersion("api", version, branch); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SaveVerification(VerificationRecord{Provider: "api", ProviderVersion: version, ProviderBranch: branch,
			Consumer: "web", ConsumerVersion: "1-" + sha, PactSHA: sha, Success: ok, VerifiedAt: at(minute)}); err != nil {
			t.Fatal(err)
		}
	}
	save("0.9", "", 1, "legacy", true)     // tandem contracts verify, before any branch
	save("1.0", "main", 2, "onmain", true) // main begins at minute 2
	save("2.0", "feat", 5, "onfeat", true) // feat begins at minute 5
	save("2.1", "feat", 6, "failed", false)

	tests := []struct {
		branch, sha string
		pending     bool
	}{
		{"main", "onmain", false}, // verified on the branch
		{"main", "legacy", false}, // verified elsewhere before main began
		{"feat", "onmain", false}, // verified on main before feat began
		{"main", "onfeat", true},  // verified on feat only, after main began
		{"feat", "failed", true},  // failures do not count
		{"new", "onfeat", false},  // a branch with no version yet inherits every success
		{"", "onfeat", false},     // without a branch: any success counts
		{"", "never", true},       // never verified
		{"feat", "never", true},
	}
	for _, tc := range tests {
		rule, err := s.PendingRule("api", tc.branch)
		if err != nil {
			t.Fatal(err)
		}
		if got := rule(tc.sha); got != tc.pending {
			t.Errorf("content %s for branch %q: pending %v, want %v", tc.sha, tc.branch, got, tc.pending)
		}
	}
}
