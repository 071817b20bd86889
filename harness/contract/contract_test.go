package contract

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParsePactRejectsBadFiles(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"truncated.json", "invalid JSON"},
		{"spec1.json", "pact specification 1.0.0 is not supported"},
		{"no-interactions.json", "interactions: the pact has none"},
		{"no-consumer.json", "consumer.name is missing"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, err := ReadPact(filepath.Join("testdata", tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ReadPact error = %v, want it to contain %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.file) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestParsePactReadsInteractions(t *testing.T) {
	p, err := ReadPact("testdata/gateway-catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	if p.Consumer != "gateway" || p.Provider != "catalog" || !strings.HasPrefix(p.Spec, "4") {
		t.Errorf("pact = %s → %s spec %s", p.Consumer, p.Provider, p.Spec)
	}
	if len(p.Interactions) != 3 {
		t.Fatalf("%d interactions, want 3", len(p.Interactions))
	}
	var states []string
	for _, in := range p.Interactions {
		states = append(states, in.ProviderStates...)
	}
	if !strings.Contains(strings.Join(states, "|"), "product p-1 has stock 5") {
		t.Errorf("provider states = %v", states)
	}
}

func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "contracts"))
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	return s
}

// mustRead returns a stored file's content, failing the test when it cannot
// be read or is empty: two unreadable files would compare equal, and the
// comparison would prove nothing.
func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read the stored file: %v", err)
	}
	if len(b) == 0 {
		t.Fatalf("the stored file %s is empty", path)
	}
	return string(b)
}

func TestPublishIsImmutablePerConsumerVersion(t *testing.T) {
	s := newStore(t)
	res, err := s.Publish("gateway", "1.0", PublishOptions{Branch: "main"}, "testdata/gateway-catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Outcome != "stored" || res[0].Provider != "catalog" {
		t.Errorf("first publish = %+v", res[0])
	}
	// Same content, written by a newer Pact library: a no-op.
	res, err = s.Publish("gateway", "1.0", PublishOptions{}, "testdata/gateway-catalog-newer-lib.json")
	if err != nil || res[0].Outcome != "unchanged" {
		t.Errorf("republish identical = %+v, %v", res, err)
	}
	// Different content for the same version: refused, and nothing changes.
	before := mustRead(t, res[0].Path)
	_, err = s.Publish("gateway", "1.0", PublishOptions{}, "testdata/gateway-catalog-changed.json")
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("conflicting publish error = %v", err)
	}
	if after := mustRead(t, res[0].Path); after != before {
		t.Error("a refused publish changed the stored pact")
	}
	// --force replaces it.
	res, err = s.Publish("gateway", "1.0", PublishOptions{Force: true}, "testdata/gateway-catalog-changed.json")
	if err != nil || res[0].Outcome != "replaced" {
		t.Errorf("forced publish = %+v, %v", res, err)
	}
}

func TestPublishWritesNothingWhenOneFileIsBad(t *testing.T) {
	s := newStore(t)
	_, err := s.Publish("gateway", "1.0", PublishOptions{}, "testdata/gateway-catalog.json", "testdata/truncated.json")
	if err == nil {
		t.Fatal("publish succeeded with a bad file")
	}
	entries, _ := s.List()
	if len(entries) != 0 {
		t.Errorf("store holds %d entries after a failed publish", len(entries))
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "versions")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed publish wrote version data: %v", err)
	}
}

func TestPublishChecksNames(t *testing.T) {
	s := newStore(t)
	if _, err := s.Publish("orders", "1.0", PublishOptions{}, "testdata/gateway-catalog.json"); err == nil || !strings.Contains(err.Error(), `the pact's consumer is "gateway"`) {
		t.Errorf("wrong consumer error = %v", err)
	}
	if _, err := s.Publish("gateway", "../1.0", PublishOptions{}, "testdata/gateway-catalog.json"); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("unsafe version error = %v", err)
	}
}

func TestParseResultsExplainsEachInteraction(t *testing.T) {
	doc, err := os.ReadFile("testdata/ffi-result-mismatch.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ReadPact("testdata/gateway-catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	results, err := parseResults(doc, p.Interactions, Entry{Consumer: "gateway", Provider: "catalog", Version: Version{Version: "1.0"}})
	if err != nil {
		t.Fatal(err)
	}
	v := &Verification{Results: results}
	if v.Passed() {
		t.Error("verification passed with mismatches")
	}
	ok, _ := resultByDescription(t, v, "a request for a product that does not exist")
	if !ok.Passed {
		t.Errorf("unaffected interaction failed: %s", ok.Explain())
	}
	bad, _ := resultByDescription(t, v, "a request for product p-1")
	want := "gateway 1.0 → a request for product p-1 (given product p-1 has stock 5) failed\n  - body $: Actual map is missing the following keys: name"
	if !strings.HasPrefix(bad.Explain(), want) {
		t.Errorf("Explain() =\n%s\nwant prefix\n%s", bad.Explain(), want)
	}
	state, _ := resultByDescription(t, v, "a request for all products")
	if state.Passed || !strings.Contains(state.Explain(), "setup state change handlers has failed") {
		t.Errorf("state failure = %s", state.Explain())
	}
}

func TestCollapseMergesArrayIndices(t *testing.T) {
	in := []Mismatch{
		{Type: "BodyMismatch", Path: "$.products[1]", Text: "missing name"},
		{Type: "BodyMismatch", Path: "$.products[0]", Text: "missing name"},
		{Type: "BodyMismatch", Path: "$.count", Text: "expected 1"},
	}
	got := collapse(in)
	if len(got) != 2 || got[0].Path != "$.count" || got[1].Path != "$.products[*]" || got[1].Text != "missing name (in 2 items)" {
		t.Errorf("collapse = %+v", got)
	}
}

// resultByDescription is the result of the gateway 1.0 interaction described
// so; the description must be unique in the pact.
func resultByDescription(t *testing.T, v *Verification, description string) (Result, bool) {
	t.Helper()
	var found []Result
	for _, r := range v.Results {
		if r.Consumer == "gateway" && r.Description == description {
			found = append(found, r)
		}
	}
	if len(found) > 1 {
		t.Fatalf("%d results described %q", len(found), description)
	}
	if len(found) == 0 {
		return Result{}, false
	}
	return found[0], true
}
