package contract

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/redact"
)

// quotingVerification is what the verifier says about a provider that answers
// with credentials where the pact expects others: every field quotes one.
func quotingVerification() *Verification {
	return &Verification{
		Provider: "catalog", ProviderVersion: "1.0",
		Output: "Verifying a pact between gateway and catalog\n  returns a response which has a matching body (FAILED)\n" +
			"    $.session -> Expected 'Bearer tk-expected' but received 'Bearer tk-actual'\n" +
			"    $.user.password -> Expected 'pw-expected' (String) to be equal to 'pw-actual' (String)\n" +
			"    includes headers\n        \"X-Api-Key\" with value \"k-expected\" (FAILED)\n" +
			"    1.2) includes header 'X-Api-Key' with value 'k-expected'\n" +
			"           Mismatch with header 'X-Api-Key': Expected 'k-expected' to be equal to 'k-actual'\n" +
			"    $.name -> Expected 'Espresso cup' (String) to be equal to 'Espresso' (String)\n",
		Results: []Result{{
			Consumer: "gateway", ConsumerVersion: "1.0", Description: "a request for product p-1",
			Problem: "provider state change failed: POST /_tandem/provider-states with Authorization: Bearer tk-state",
			Mismatches: []Mismatch{
				{Type: "BodyMismatch", Path: "$.user.password", Expected: "pw-expected", Actual: "pw-actual",
					Text: "Expected 'pw-expected' (String) to be equal to 'pw-actual' (String)"},
				{Type: "BodyMismatch", Path: "$.session", Expected: "Bearer tk-expected", Actual: "Bearer tk-actual",
					Text: "Expected 'Bearer tk-expected' (String) to be equal to 'Bearer tk-actual' (String)"},
				{Type: "BodyMismatch", Path: "$", Expected: `{"name":"Espresso cup","tokens":["tk-list"]}`, Actual: `{"name":"Espresso cup"}`,
					Text: "Actual map is missing the following keys: tokens"},
				{Type: "HeaderMismatch", Path: "Authorization", Expected: "Bearer tk-header", Actual: "Basic dXNlcjpwYXNz",
					Text: "Mismatch with header 'Authorization': Expected 'Bearer tk-header' to be equal to 'Basic dXNlcjpwYXNz'"},
			},
		}},
	}
}

var quotedSecrets = []string{"tk-expected", "tk-actual", "tk-state", "pw-expected", "pw-actual", "tk-list", "tk-header", "dXNlcjpwYXNz", "k-expected", "k-actual"}

// TestRecordStoresNoSecretTheVerifierQuoted gives Store.Record a verification
// that nobody redacted: no file of the store may hold what it quoted.
func TestRecordStoresNoSecretTheVerifierQuoted(t *testing.T) {
	s := newStore(t)
	mustPublish(t, s, "1.0", "main", "testdata/gateway-catalog.json")
	pacts, err := s.Select("catalog", []Selector{{Branch: "main"}}, time.Time{})
	if err != nil || len(pacts) != 1 {
		t.Fatalf("select: %v, %d pacts", err, len(pacts))
	}
	v := quotingVerification()
	if err := s.Record(v, "main", pacts); err != nil {
		t.Fatal(err)
	}
	records := 0
	err = filepath.WalkDir(s.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, secret := range quotedSecrets {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s holds %q:\n%s", path, secret, b)
			}
		}
		if strings.Contains(path, "verifications") && strings.HasSuffix(path, ".json") && !strings.Contains(path, "versions") {
			records++
			for _, want := range []string{"Bearer " + redact.Mark, "the values differ (" + redact.Mark + ")", "Espresso cup"} {
				if !strings.Contains(string(b), want) {
					t.Errorf("%s does not hold %q: was the mismatch recorded at all?\n%s", path, want, b)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if records != 1 {
		t.Errorf("%d verification records, want 1", records)
	}
	if !reflect.DeepEqual(v, quotingVerification()) {
		t.Error("Record changed the verification it was given")
	}
}

func TestRedactMasksWhatTheVerifierQuotedAndKeepsTheRest(t *testing.T) {
	v := quotingVerification()
	got := Redact(v)
	var b strings.Builder
	got.Print(&b)
	text := b.String() + got.Output + got.Results[0].Explain()
	for _, secret := range quotedSecrets {
		if strings.Contains(text, secret) {
			t.Errorf("the redacted verification holds %q:\n%s", secret, text)
		}
	}
	m := got.Results[0].Mismatches
	if m[0].Expected != redact.Mark || m[0].Actual != redact.Mark || m[0].Text != "the values differ ("+redact.Mark+")" {
		t.Errorf("a mismatch at a secret field keeps its values: %+v", m[0])
	}
	if m[2].Actual != `{"name":"Espresso cup"}` || m[2].Text != "Actual map is missing the following keys: tokens" {
		t.Errorf("an ordinary mismatch changed: %+v", m[2])
	}
	for _, want := range []string{
		"    $.user.password -> the values differ ([redacted])\n",
		"    1.2) includes header 'X-Api-Key' with value '[redacted]'\n",
		"    $.name -> Expected 'Espresso cup' (String) to be equal to 'Espresso' (String)\n",
		"Verifying a pact between gateway and catalog\n",
	} {
		if !strings.Contains(got.Output, want) {
			t.Errorf("the verifier's output does not hold %q:\n%s", want, got.Output)
		}
	}
	if !reflect.DeepEqual(Redact(got), got) {
		t.Errorf("redacting twice changed the verification:\n%+v\n%+v", Redact(got), got)
	}
	if !reflect.DeepEqual(v, quotingVerification()) {
		t.Error("Redact changed its argument")
	}
	if Redact(nil) != nil {
		t.Error("Redact(nil) != nil")
	}
}
