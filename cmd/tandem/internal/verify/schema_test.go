package verify

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/results"
)

// sharedSummary is summary.json as the pipeline writes it, every field set;
// harness/results reads the same file back (TestSummaryRoundTrips there).
const sharedSummary = "../../../../harness/results/testdata/summary.json"

// What the pipeline writes is the one schema's file, byte for byte: the
// golden was written before the schema moved to harness/results, so keys,
// their order and their values are what they always were.
func TestSummaryJSONIsTheResultsSchema(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	sum := &Summary{results.Summary{Passed: false, StartedAt: t0, Duration: Duration(192 * time.Second),
		Steps: []Step{
			{Name: "consumer pacts", Passed: true, Duration: Duration(12300 * time.Millisecond), Detail: "1 pact(s): gateway-catalog"},
			{Name: "suites", Passed: false, Duration: Duration(178 * time.Second), Detail: "1 suite(s), 3 spec(s), 1 failed", Error: "1 suite(s), 3 spec(s), 1 failed"},
			{Name: "can-i-deploy", Passed: false, Duration: Duration(time.Millisecond), Detail: "to production: catalog 1.1 no"},
		},
		Compile: []results.CompileTime{{Name: "suite binaries", Step: "suites", Duration: Duration(48 * time.Second)}},
		Suites:  []Suite{{Name: "Contracts", Path: "/repo/suites/contracts", Passed: false, Specs: 3, Failed: 1, Skipped: 1, Duration: Duration(3 * time.Second)}},
		Failures: []Failure{{Suite: "Contracts", Spec: "provider catalog honours gateway 1.0: a request for product p-1",
			Message: "gateway 1.0 → a request for product p-1 failed\n  - body $: missing name", Location: "providers_test.go:72"}},
		JUnit:  "out/junit.xml",
		Report: "out/report.html",
	}}
	sum.noteDeploy(&contract.Answer{Pacticipant: "catalog", Version: "1.1", Environment: "production", Deployable: "no", Reason: "mobile 2.0's pact is pending and fails",
		Rows: []contract.Row{
			{Consumer: "gateway", ConsumerVersion: "1.0", Provider: "catalog", ProviderVersion: "1.1", Status: contract.Verified},
			{Consumer: "mobile", ConsumerVersion: "2.0", Provider: "catalog", ProviderVersion: "1.1", Status: contract.Failed, Detail: "body $: missing sku", Together: true, Pending: true},
		}})
	sum.notePending([]results.ContractRow{{Consumer: "mobile", ConsumerVersion: "2.0", Provider: "catalog", ProviderVersion: "1.1",
		Status: results.ContractPending, Interactions: 2, Failed: 1, Problems: []string{"a request for product p-1: body $: missing sku"}}})

	path := filepath.Join(t.TempDir(), results.SummaryFile)
	if err := sum.write(path); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(sharedSummary)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("summary.json as verify writes it differs from %s:\n--- got\n%s\n--- want\n%s", sharedSummary, got, want)
	}
}

// results mirrors contract's can-i-deploy answer so as not to import
// contract (and the Pact FFI with it). The conversion in noteDeploy only
// compiles while the fields agree; this keeps their JSON names and the
// matrix's status words the same too.
func TestResultsMirrorsContractsAnswer(t *testing.T) {
	for _, pair := range [][2]reflect.Type{
		{reflect.TypeFor[contract.Answer](), reflect.TypeFor[results.DeployAnswer]()},
		{reflect.TypeFor[contract.Row](), reflect.TypeFor[results.DeployRow]()},
	} {
		c, r := pair[0], pair[1]
		if c.NumField() != r.NumField() {
			t.Errorf("%s has %d fields, %s %d: mirror every field", c, c.NumField(), r, r.NumField())
			continue
		}
		for i := range c.NumField() {
			cf, rf := c.Field(i), r.Field(i)
			if cf.Name != rf.Name || cf.Tag.Get("json") != rf.Tag.Get("json") {
				t.Errorf("field %d: %s.%s `json:%q`, but %s.%s `json:%q`", i, c, cf.Name, cf.Tag.Get("json"), r, rf.Name, rf.Tag.Get("json"))
			}
		}
	}
	for _, st := range []struct{ matrix, contract string }{
		{results.ContractVerified, contract.Verified},
		{results.ContractFailed, contract.Failed},
		{results.ContractNeverVerified, contract.NeverVerified},
	} {
		if st.matrix != st.contract {
			t.Errorf("the matrix says %q where contract says %q", st.matrix, st.contract)
		}
	}
}
