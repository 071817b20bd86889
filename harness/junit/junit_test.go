package junit

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
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

// TestWriteRedactsEveryNameAndMessage gives Write text that nobody redacted:
// the file may not hold a secret, and still says what failed.
func TestWriteRedactsEveryNameAndMessage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junit.xml")
	err := Write(path, Suite{Name: "contracts: catalog api_key=k-suite", Cases: []Case{
		{Name: "gateway 1.0 → a login with password=pw-name", ClassName: "catalog token=tk-class",
			Failure: "gateway 1.0 → a login failed\n  - body $.session: Expected 'Bearer tk-failure' (expected Bearer tk-failure, got x)\n" +
				`  - body $: {"user":"bob","password":"pw-failure"}`},
		{Name: "web 2.0 → a request", ClassName: "catalog", Skipped: "pending: Authorization: Basic dXNlcjpwYXNz\nopen /run/secrets/db-password: no such file or directory"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, secret := range []string{"k-suite", "pw-name", "tk-class", "tk-failure", "pw-failure", "dXNlcjpwYXNz"} {
		if strings.Contains(got, secret) {
			t.Errorf("the JUnit file holds %q:\n%s", secret, got)
		}
	}
	for _, want := range []string{"a login with password=[redacted]", "Expected &#39;Bearer [redacted]&#39;", "&#34;password&#34;:&#34;[redacted]&#34;",
		"open /run/secrets/db-password: no such file or directory", `message="gateway 1.0 → a login failed"`} {
		if !strings.Contains(got, want) {
			t.Errorf("the JUnit file does not hold %q:\n%s", want, got)
		}
	}
}
