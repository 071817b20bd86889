package env_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/env"
)

// tcp readiness waits until the port accepts connections inside the
// environment's network: the service writes /tcp-open just before it
// listens, 3 s after it starts (its HTTP port answers at once), so a start
// that returned earlier would find no marker. exec readiness waits until the
// command exits 0: envtest check /exec-ready succeeds once the service wrote
// the marker, 3 s after it starts.
func TestReadyByTCPAndExec(t *testing.T) {
	sys := loadSystem(t, `
services:
	db:
		image: IMAGE
		environment: {NAME: db, TCP_PORT: "9090", TCP_AFTER: 3s}
		x-tandem: {port: 8080, ready: {tcp: 9090}}
	worker:
		image: IMAGE
		environment: {NAME: worker, MARK: /exec-ready, MARK_AFTER: 3s}
		x-tandem: {port: 8080, ready: {exec: [/envtest, check, /exec-ready]}}
`, nil)
	e, err := start(t, sys)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	if got := get(t, mustURL(t, e, "db")+"/file?path=/tcp-open"); got != "open" {
		t.Errorf("db: /tcp-open = %q; ready was reported before the port opened", got)
	}
	if got := get(t, mustURL(t, e, "worker")+"/file?path=/exec-ready"); got != "marked" {
		t.Errorf("worker: /exec-ready = %q; ready was reported before the command succeeded", got)
	}
}

// A service that never becomes ready fails the start with an error that
// names the probe: the TCP address, or the command and its last answer.
func TestNeverReadyByTCPOrExecNamesTheProbe(t *testing.T) {
	tests := []struct {
		name, service string
		want          []string
	}{
		{"tcp", `
	db:
		image: IMAGE
		environment: {NAME: db, TCP_PORT: "9090", TCP_AFTER: never}
		x-tandem: {port: 8080, ready: {tcp: 9090, timeout: 3s}}`,
			[]string{"db did not become ready within 3s", "probed TCP connect to ", ":9090", "connection refused"}},
		{"exec", `
	db:
		image: IMAGE
		environment: {NAME: db}
		x-tandem: {port: 8080, ready: {exec: [/envtest, check, /never], timeout: 3s}}`,
			[]string{"db did not become ready within 3s", `probed exec ["/envtest" "check" "/never"] in db's container`, "exit code 1: not ready: stat /never"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := start(t, loadSystem(t, "services:"+tc.service+"\n", nil))
			var nr *env.NotReadyError
			if !errors.As(err, &nr) {
				t.Fatalf("start error = %v; want a NotReadyError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
}
