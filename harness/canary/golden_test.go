package canary

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestScorecardGolden pins the scorecard of the shop with one slow endpoint,
// as the report package will receive it. Numbers are rounded to six
// significant digits so that the file does not depend on the last bits of
// floating point.
func TestScorecardGolden(t *testing.T) {
	sc := Judge(nil, shop(2, 500, "GET /products/{id}", true))
	data, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(roundNumbers(tree), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "scorecard.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run go test -run TestScorecardGolden -update to create it", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("scorecard differs from %s; if the change is intended, run go test -run TestScorecardGolden -update\ngot:\n%s", path, got)
	}
}

func roundNumbers(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = roundNumbers(e)
		}
	case []any:
		for i, e := range v {
			v[i] = roundNumbers(e)
		}
	case float64:
		if v == 0 {
			return v
		}
		scale := math.Pow(10, 5-math.Floor(math.Log10(math.Abs(v))))
		return math.Round(v*scale) / scale
	}
	return v
}
