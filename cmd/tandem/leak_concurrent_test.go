package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Two processes start the same system at once: each gets its own run id,
// network and ports, and each passes its health checks.
func TestLeakTwoProcessesStartTheSameSystemWithoutColliding(t *testing.T) {
	bin := buildTandem(t)
	out := t.TempDir() // one output folder: runs are folders of their own
	type run struct {
		up             *child
		id, network    string
		catalog, dbURL string
	}
	runs := make([]*run, 2)
	for i := range runs {
		// No --run-id: each chooses its own, as two users' commands would.
		runs[i] = &run{up: startChild(t, "tandem up", nil, nil, bin, "up", "-f", leakShopFile, "--service", "catalog", "--out", out)}
	}
	header := regexp.MustCompile(`^environment (\S+) \(system shop, network (\S+)\)`)
	for _, r := range runs {
		lines := r.up.waitLine(t, "up in ", 120*time.Second)
		for _, l := range lines {
			if m := header.FindStringSubmatch(l); m != nil {
				r.id, r.network = m[1], m[2]
			}
		}
		r.catalog, r.dbURL = printedEndpoint(lines, "catalog"), printedEndpoint(lines, "catalog-db")
		if r.id == "" || r.catalog == "" || r.dbURL == "" {
			t.Fatalf("tandem up did not print its run, network and endpoints:\n%s", strings.Join(lines, "\n"))
		}
		t.Cleanup(func() { sweepRuns(t, r.id) })
	}
	a, b := runs[0], runs[1]
	if a.id == b.id || a.network == b.network || a.catalog == b.catalog || a.dbURL == b.dbURL {
		t.Errorf("the runs collide:\n  %s %s %s %s\n  %s %s %s %s", a.id, a.network, a.catalog, a.dbURL, b.id, b.network, b.catalog, b.dbURL)
	}
	for _, r := range runs {
		resp, err := http.Get(r.catalog + "/health")
		if err != nil {
			t.Fatalf("run %s: %v", r.id, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("run %s: GET /health = %d %s", r.id, resp.StatusCode, body)
		}
	}
	for _, r := range runs {
		sent := r.up.signal(t, syscall.SIGINT)
		r.up.waitExit(t, 10*time.Second)
		goneWithin(t, r.id, sent, 10*time.Second)
	}
}
