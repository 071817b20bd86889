package system_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/system"
)

// tcp and exec readiness load with the port published and the command kept;
// mistakes in them are errors that name the field.
func TestLoadReadyTCPAndExec(t *testing.T) {
	load := func(t *testing.T, ready string) (*system.System, string, error) {
		t.Helper()
		dir := t.TempDir()
		path := filepath.Join(dir, "compose.yaml")
		yaml := "services:\n  db:\n    image: tandem.local/db:1\n    x-tandem: {ready: " + ready + "}\n"
		if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		sys, err := system.Load(context.Background(), path)
		return sys, path, err
	}
	t.Run("tcp", func(t *testing.T) {
		sys, _, err := load(t, "{tcp: 5432}")
		if err != nil {
			t.Fatal(err)
		}
		db := sys.Services["db"]
		if r := db.Tandem.Ready; r.Kind() != "tcp" || r.Port != 5432 || !slices.Contains(db.Ports, 5432) {
			t.Errorf("ready = %+v, ports %v; want tcp on 5432, published", r, db.Ports)
		}
	})
	t.Run("exec", func(t *testing.T) {
		sys, _, err := load(t, "{exec: [pg_isready, -U, app], timeout: 5s}")
		if err != nil {
			t.Fatal(err)
		}
		if r := sys.Services["db"].Tandem.Ready; r.Kind() != "exec" || strings.Join(r.Exec, " ") != "pg_isready -U app" {
			t.Errorf("ready = %+v; want exec pg_isready -U app", r)
		}
	})
	for _, tc := range []struct{ name, ready, want string }{
		{"two probes", "{tcp: 5432, exec: [/bin/true]}", "set only one of http, log, sql, tcp and exec"},
		{"tcp not a port", "{tcp: 70000}", "x-tandem.ready.tcp: 70000 is not a port"},
		{"tcp as text", "{tcp: db}", `"ready.tcp"`},
		{"tcp and port disagree", "{tcp: 5432, port: 8080}", "tcp: 5432 and port: 8080 disagree"},
		{"exec as a string", `{exec: "pg_isready -U app"}`, `"ready.exec": got string, want a list`},
		{"exec empty", "{exec: []}", "x-tandem.ready.exec: names no command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, path, err := load(t, tc.ready)
			if err == nil {
				t.Fatalf("ready %s loaded; want an error", tc.ready)
			}
			for _, w := range []string{path, `service "db"`, tc.want} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
