package system_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/system"
)

// loadFiles writes compose.yaml (tabs become two spaces) and the other files
// into a new folder and loads it with opts.
func loadFiles(t *testing.T, compose string, files map[string]string, opts ...system.LoadOption) (*system.System, string, error) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(compose, "\t", "  ")), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sys, err := system.LoadWith(context.Background(), []string{path}, opts...)
	return sys, path, err
}

// Named and anonymous volumes, declared labels and tmpfs-typed volumes load;
// before, every volume that was not a bind mount was refused.
func TestLoadReadsNamedAndAnonymousVolumes(t *testing.T) {
	sys, _, err := loadFiles(t, `
services:
	db:
		image: tandem.local/postgres:15
		volumes:
			- data:/var/lib/postgresql/data
			- /var/cache/db
			- type: volume
				source: shared
				target: /shared
				read_only: true
				volume: {nocopy: true}
			- type: tmpfs
				target: /scratch
				tmpfs: {size: 1048576}
	reader:
		image: tandem.local/postgres:15
		volumes: ["shared:/shared"]
volumes:
	data:
		labels: {team: payments}
	shared: {}
	unused:
		external: true
`, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	db, _ := sys.Service("db")
	want := []system.Mount{
		{Volume: "data", Target: "/var/lib/postgresql/data"},
		{Target: "/var/cache/db"},
		{Volume: "shared", Target: "/shared", ReadOnly: true, NoCopy: true},
	}
	if len(db.Mounts) != len(want) {
		t.Fatalf("db mounts = %+v, want %+v", db.Mounts, want)
	}
	for i, w := range want {
		if g := db.Mounts[i]; g.Volume != w.Volume || g.Target != w.Target || g.ReadOnly != w.ReadOnly || g.NoCopy != w.NoCopy {
			t.Errorf("db mount %d = %+v, want %+v", i, g, w)
		}
	}
	if got := strings.Join(db.Container.Tmpfs, ","); got != "/scratch:size=1048576" {
		t.Errorf("db tmpfs = %q, want /scratch:size=1048576", got)
	}
	if len(sys.Volumes) != 2 || sys.Volumes["data"].Labels["team"] != "payments" {
		t.Errorf("Volumes = %+v, want data (team=payments) and shared, and not the unused external one", sys.Volumes)
	}
	sub, _ := sys.Subset("reader")
	if _, ok := sub.Volumes["shared"]; !ok {
		t.Errorf("Subset dropped the declared volumes: %+v", sub.Volumes)
	}
}

// What Tandem can't honour about volumes is refused by name, with the file
// and line, the field, the service and what to do instead.
func TestLoadRefusesVolumesItCannotHonour(t *testing.T) {
	tests := []struct {
		name     string
		volume   string // the service's volumes entry
		declared string // under volumes.data
		want     []string
	}{
		{"external", "data:/x", "external: true", []string{"compose.yaml:9", "volumes.data.external: not supported by Tandem", `service "app"`, "never touches data outside it"}},
		{"driver", "data:/x", "driver: nfs", []string{"compose.yaml:9", "volumes.data.driver: not supported by Tandem", "local driver"}},
		{"driver_opts", "data:/x", "driver_opts: {type: none, o: bind, device: /srv}", []string{"volumes.data.driver_opts: not supported by Tandem", "bind mount"}},
		{"a label of Tandem's", "data:/x", "labels: {dev.tandem.run: x}", []string{"volumes.data.labels.dev.tandem.run", "Tandem's own"}},
		{"subpath", "{type: volume, source: data, target: /x, volume: {subpath: sub}}", "{}", []string{"compose.yaml:5", `service "app"`, "volumes[0].volume.subpath: not supported by Tandem"}},
		{"image mount", "{type: image, source: tandem.local/data:1, target: /x}", "{}", []string{`service "app"`, "volumes[0]: image mounts are not supported by Tandem", "named volume"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			declared := "\tdata: " + tc.declared + "\n"
			if !strings.HasPrefix(tc.declared, "{") {
				declared = "\tdata:\n\t\t" + tc.declared + "\n"
			}
			_, path, err := loadFiles(t, "services:\n\tapp:\n\t\timage: tandem.local/app:1\n\t\tvolumes:\n\t\t\t- "+tc.volume+"\n\t\t\t- ./seed:/seed\nvolumes:\n"+declared, map[string]string{"seed": "x"})
			if err == nil {
				t.Fatal("Load accepted it, want it refused by name")
			}
			for _, w := range tc.want {
				w = strings.ReplaceAll(w, "compose.yaml", path)
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
