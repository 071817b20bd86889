package contract

import (
	"strings"
	"testing"
)

func TestVerifierPartsKeepDescriptionsUnique(t *testing.T) {
	p, err := ReadPact("testdata/login-same-description.json")
	if err != nil {
		t.Fatal(err)
	}
	parts := verifierParts(p)
	if len(parts) != 3 {
		t.Fatalf("%d parts, want 3 (the description repeats three times)", len(parts))
	}
	total := 0
	for i, part := range parts {
		seen := map[string]bool{}
		for _, in := range part {
			if seen[in.Description] {
				t.Errorf("part %d holds %q twice", i, in.Description)
			}
			seen[in.Description] = true
		}
		total += len(part)
		b, err := p.Subset(indices(part))
		if err != nil {
			t.Fatal(err)
		}
		sub, err := ParsePact(b)
		if err != nil {
			t.Fatalf("part %d is not a pact: %v", i, err)
		}
		if len(sub.Interactions) != len(part) || sub.Consumer != "frontend" || sub.Spec != "3.0.0" {
			t.Errorf("part %d: %d interactions, consumer %q, spec %q", i, len(sub.Interactions), sub.Consumer, sub.Spec)
		}
		for j, in := range sub.Interactions {
			if in.Name() != part[j].Name() {
				t.Errorf("part %d interaction %d is %q, want %q", i, j, in.Name(), part[j].Name())
			}
		}
	}
	if total != len(p.Interactions) {
		t.Errorf("the parts hold %d interactions, the pact %d", total, len(p.Interactions))
	}
	one, err := ReadPact("testdata/gateway-catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(verifierParts(one)); n != 1 {
		t.Errorf("a pact without repeated descriptions is verified in %d parts, want 1", n)
	}
}

func indices(part []Interaction) []int {
	var out []int
	for _, in := range part {
		out = append(out, in.Index)
	}
	return out
}

// An interaction the verifier did not report is a failure, never a pass.
func TestUnreportedInteractionFails(t *testing.T) {
	part := []Interaction{{Description: "a", Index: 0}, {Description: "b", Index: 1}}
	doc := []byte(`{"errors":[],"interactionResults":[{"description":"a","duration":"1ms","result":"OK"}],"result":true}`)
	results, err := parseResults(doc, part, Entry{Consumer: "c", Version: Version{Version: "1"}})
	if err != nil {
		t.Fatal(err)
	}
	if !results[0].Passed {
		t.Errorf("the reported interaction failed: %s", results[0].Explain())
	}
	if results[1].Passed || !strings.Contains(results[1].Explain(), "did not report") {
		t.Errorf("the unreported interaction: %s", results[1].Explain())
	}
	v := &Verification{Results: results}
	if v.Passed() {
		t.Error("a verification with an unreported interaction passed")
	}
}

// A verifier error goes to the interaction whose description ends its name
// longest: "a request" does not take the errors of "an admin - a request".
func TestErrorOwnerPrefersTheLongestDescription(t *testing.T) {
	part := []Interaction{{Description: "a request"}, {Description: "an admin - a request"}}
	if got := errorOwner("Verifying a pact between c and p - an admin - a request", part); got != 1 {
		t.Errorf("owner = %d, want 1", got)
	}
	if got := errorOwner("Verifying a pact between c and p Given x - a request", part); got != 0 {
		t.Errorf("owner = %d, want 0", got)
	}
	if got := errorOwner("Verifying a pact between c and p - something else", part); got != -1 {
		t.Errorf("owner = %d, want -1", got)
	}
}

func TestDistinctNumbersRepeats(t *testing.T) {
	got := Distinct([]string{"a", "b", "a", "a"})
	want := []string{"a", "b", "a #2", "a #3"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Distinct = %q, want %q", got, want)
			break
		}
	}
}
