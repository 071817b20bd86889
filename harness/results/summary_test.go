package results

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// testdata/summary.json is what tandem verify writes, every field set (the
// pipeline's TestSummaryJSONIsTheResultsSchema checks that it writes exactly
// this file). Read into the one Summary and written again, it comes back
// byte for byte: no field is lost, none renamed, none reordered.
func TestSummaryRoundTrips(t *testing.T) {
	want, err := os.ReadFile("testdata/summary.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(want))
	dec.DisallowUnknownFields()
	var s Summary
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("read summary.json into Summary: %v", err)
	}
	got, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if got = append(got, '\n'); !bytes.Equal(got, want) {
		t.Errorf("summary.json read and written again differs:\n--- got\n%s\n--- want\n%s", got, want)
	}
	if len(s.Deploy) != 1 || len(s.Deploy[0].Rows) != 2 || !s.Deploy[0].Rows[1].Pending || len(s.Compile) != 1 || len(s.PendingFailures) != 1 {
		t.Errorf("the fixture no longer sets every field: %+v", s)
	}
}
