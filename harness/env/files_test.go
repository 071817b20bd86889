package env_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/docker"
)

// A bind-mounted folder arrives whole, as docker compose's mount shows it:
// every file, the subfolder and its file, a symbolic link, each with its
// mode, at the target (even where the target's parents do not exist in the
// image). A bind-mounted executable file keeps its mode too. Before, the
// folder arrived empty at its target (testcontainers copied it beside the
// target, under the host folder's name) and every entry had mode 0644.
func TestBindMountedFolderArrivesWholeWithModes(t *testing.T) {
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed")
	tree := []struct {
		path    string
		mode    fs.FileMode
		content string // "" for a folder
	}{
		{"", 0o755 | fs.ModeDir, ""},
		{"01-schema.sql", 0o644, "create table t (id int);\n"},
		{"02-load.sh", 0o755, "#!/bin/sh\necho loaded\n"},
		{"private", 0o750 | fs.ModeDir, ""},
		{"private/key.txt", 0o600, "k3y\n"},
	}
	for _, f := range tree {
		p := filepath.Join(seed, f.path)
		var err error
		if f.mode.IsDir() {
			err = os.MkdirAll(p, 0o700)
		} else {
			err = os.WriteFile(p, []byte(f.content), 0o600)
		}
		if err == nil {
			err = os.Chmod(p, f.mode.Perm()) // whatever the umask
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("01-schema.sql", filepath.Join(seed, "schema.sql")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "run.sh"), []byte("#!/bin/sh\necho run\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	compose := strings.ReplaceAll(strings.ReplaceAll(`
name: seedtest
services:
	app:
		image: IMAGE
		environment: {NAME: app}
		volumes:
			- ./seed:/srv/data/seed
			- ./run.sh:/usr/local/bin/run.sh:ro
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 30s}
`, "IMAGE", testImage), "\t", "  ")
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	sys, err := system.Load(t.Context(), filepath.Join(dir, "compose.yaml"))
	if err != nil {
		t.Fatalf("load: %v", err)
	}

	e, err := start(t, sys)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	app := mustURL(t, e, "app")
	for _, f := range tree {
		if f.content == "" {
			continue
		}
		if got := get(t, app+"/file?path=/srv/data/seed/"+f.path); got != f.content {
			t.Errorf("/srv/data/seed/%s = %q, want %q", f.path, got, f.content)
		}
	}
	if got := get(t, app+"/file?path=/srv/data/seed/schema.sql"); got != tree[1].content {
		t.Errorf("the symbolic link schema.sql reads %q, want 01-schema.sql's %q", got, tree[1].content)
	}

	cli, err := docker.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	s, err := e.Service("app")
	if err != nil {
		t.Fatal(err)
	}
	mode := func(p string) fs.FileMode {
		t.Helper()
		res, err := cli.ContainerStatPath(t.Context(), s.Container.GetContainerID(), client.ContainerStatPathOptions{Path: p})
		if err != nil {
			t.Fatalf("stat %s in the container: %v", p, err)
		}
		return res.Stat.Mode
	}
	for _, f := range tree {
		p := "/srv/data/seed/" + f.path
		if got := mode(p); got.Perm() != f.mode.Perm() || got.IsDir() != f.mode.IsDir() {
			t.Errorf("%s has mode %v in the container, want %v", p, got, f.mode)
		}
	}
	if got := mode("/srv/data/seed/schema.sql"); got&fs.ModeSymlink == 0 {
		t.Errorf("schema.sql has mode %v in the container, want a symbolic link", got)
	}
	if got := mode("/usr/local/bin/run.sh"); got.Perm() != 0o755 {
		t.Errorf("run.sh has mode %v in the container, want -rwxr-xr-x", got)
	}
}

// The case of issue 17: PostgreSQL seeded from a folder
// (./seed:/docker-entrypoint-initdb.d). Its healthcheck queries the table the
// seed creates and fills (dividing by its row count, so an empty table fails
// too): the service becomes healthy only if the whole seed ran. Before, the
// folder arrived empty and the start timed out.
func TestPostgresRunsTheSeedFolder(t *testing.T) {
	sys := loadSystem(t, `
name: pgseed
services:
	db:
		image: tandem.local/postgres:15
		user: postgres
		environment: {POSTGRES_HOST_AUTH_METHOD: trust}
		volumes: ["./seed:/docker-entrypoint-initdb.d"]
		healthcheck:
			test: ["CMD", "psql", "-h", "/var/run/postgresql", "-d", "postgres", "-tAc", "select 1/count(*) from seeded"]
			interval: 1s
			retries: 60
		x-tandem:
			ready: {timeout: 60s}
`, map[string]string{
		"seed/10-schema.sql": "create table seeded (name text);\n",
		"seed/20-rows.sql":   "insert into seeded values ('from the seed folder');\n",
	})
	if _, err := start(t, sys); err != nil {
		t.Fatalf("start: %v", err)
	}
}
