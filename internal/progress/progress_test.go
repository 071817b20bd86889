package progress_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/internal/progress"
)

func clock() func() time.Time {
	t := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	return func() time.Time { t = t.Add(500 * time.Millisecond); return t }
}

func TestPlainWritesTimestampedLinesWithoutControlCharacters(t *testing.T) {
	var out strings.Builder
	w := progress.Plain(&out, clock())
	w.Phase("suites")
	_, _ = w.Write([]byte("tandem: starting catalog (tandem.local/shop-catalog:1.0)\n\x1b[1mtandem: catalog ready\x1b[0m\nhalf a "))
	_, _ = w.Write([]byte("line\n"))
	w.Status("half a line") // the same status again is not printed again
	w.Status("starting catalog (tandem.local/shop-catalog:1.0)")
	w.Status("sent %d/%d requests", 10, 39)
	w.Done(true, "2 suites passed")
	want := `15:04:06 suites
15:04:06 suites: starting catalog (tandem.local/shop-catalog:1.0)
15:04:07 suites: catalog ready
15:04:07 suites: half a line
15:04:08 suites: starting catalog (tandem.local/shop-catalog:1.0)
15:04:08 suites: sent 10/39 requests
15:04:09 ok suites: 2 suites passed (3.5s)
`
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	for _, c := range out.String() {
		if c < ' ' && c != '\n' {
			t.Fatalf("plain output has control character %q", c)
		}
	}
}

// Parts of a phase that run side by side each say when they end; the
// phase goes on to its own end.
func TestPartsOfAPhaseEachSayTheirEnd(t *testing.T) {
	var out strings.Builder
	w := progress.Plain(&out, clock())
	w.Phase("contracts")
	w.Status("starting catalog")
	w.Finished(false, "contracts orders", "orders 1.1: 4 verified, 1 failed", 2500*time.Millisecond)
	w.Status("verifying catalog")
	w.Finished(true, "contracts catalog", "catalog 1.0: 11 verified, 0 failed", 3*time.Second)
	w.Done(false, "1 of 2 passed")
	want := `15:04:06 contracts
15:04:06 contracts: starting catalog
15:04:07 FAILED contracts orders: orders 1.1: 4 verified, 1 failed (2.5s)
15:04:07 contracts: verifying catalog
15:04:08 ok contracts catalog: catalog 1.0: 11 verified, 0 failed (3s)
15:04:09 FAILED contracts: 1 of 2 passed (3s)
`
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestPlainIsChosenWhenOutputIsNotATerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if progress.New(f).IsLive() {
		t.Error("a file is not a terminal")
	}
}

func TestFollowShowsLinesAppendedToAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.log")
	var out strings.Builder
	w := progress.Plain(&out, clock())
	w.Phase("suites")
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { w.Follow(path, 10*time.Millisecond, stop); close(done) }()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("e2e: starting gateway\ne2e: gateway ready\n")
	f.Close()
	close(stop)
	<-done
	if !strings.Contains(out.String(), "suites: e2e: starting gateway") || !strings.Contains(out.String(), "suites: e2e: gateway ready") {
		t.Errorf("followed lines missing:\n%s", out.String())
	}
}

func TestLiveRewritesOneLinePerPhaseAndKeepsItsResult(t *testing.T) {
	var out strings.Builder
	w := progress.Live(&out, 40, clock())
	w.Phase("suites")
	w.Status("starting catalog (tandem.local/shop-catalog:1.0) and much more text")
	w.Status("catalog ready")
	w.Done(false, "1 failed")
	w.Close()
	got := out.String()
	lines := strings.Split(got, "\r\x1b[K")
	if len(lines) < 4 {
		t.Fatalf("the line was not rewritten in place: %q", got)
	}
	for _, l := range lines {
		if n := len([]rune(strings.TrimSuffix(l, "\n"))); n > 40 {
			t.Errorf("a live line is %d columns, wider than the terminal: %q", n, l)
		}
	}
	if !strings.HasSuffix(got, "\r\x1b[KFAILED suites: 1 failed (2s)\n") {
		t.Errorf("the phase's result is not left on its own line: %q", got)
	}
}
