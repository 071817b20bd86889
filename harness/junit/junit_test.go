package junit

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestWriteJUnitMatchesGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junit.xml")
	err := Write(path, Suite{Name: "contracts: catalog 1.0", Time: 1500 * time.Millisecond, Cases: []Case{
		{Name: "gateway 1.0 → a request for all products", ClassName: "catalog", Time: 12 * time.Millisecond},
		{Name: "gateway 1.0 → a request for product p-1", ClassName: "catalog", Failure: "failed\n  - body $: missing <name> & more"},
		{Name: "web 2.0 → a request for reviews", ClassName: "catalog", Skipped: "pending: never verified"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	golden := "testdata/junit.golden.xml"
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(golden, got, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("JUnit XML differs from %s:\n%s", golden, got)
	}
}
