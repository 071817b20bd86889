package system_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/system"
)

func TestLoadGood(t *testing.T) {
	sys, err := system.Load(context.Background(), "testdata/good/compose.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if sys.Name != "sample" {
		t.Errorf("Name = %q, want sample", sys.Name)
	}
	if got, want := strings.Join(sys.Order(), ","), "cache,db,api"; got != want {
		t.Errorf("Order = %s, want %s", got, want)
	}
	api, err := sys.Service("api")
	if err != nil {
		t.Fatal(err)
	}
	if api.Tandem.Port != 8080 || api.Tandem.Ready.HTTP != "/health" || api.Tandem.Ready.Port != 8080 {
		t.Errorf("api x-tandem = %+v", api.Tandem)
	}
	if got := api.Tandem.Ready.TimeoutOrDefault(); got != 20*time.Second {
		t.Errorf("ready timeout = %v, want 20s", got)
	}
	if api.Tandem.ProviderStates != "/_tandem/provider-states" {
		t.Errorf("provider-states = %q", api.Tandem.ProviderStates)
	}
	if api.DependsOn["db"] != system.ServiceHealthy || api.DependsOn["cache"] != system.ServiceStarted {
		t.Errorf("depends_on = %v", api.DependsOn)
	}
	if api.Environment["DB_URL"] != "postgres://u:p@db:5432/app" {
		t.Errorf("environment = %v", api.Environment)
	}
	if len(api.Aliases) != 1 || api.Aliases[0] != "api.internal" {
		t.Errorf("aliases = %v", api.Aliases)
	}
	db, _ := sys.Service("db")
	if db.Tandem.Ready.Kind() != "sql" || db.Tandem.Ready.Port != 5432 || len(db.Ports) != 1 || db.Ports[0] != 5432 {
		t.Errorf("db = %+v", db)
	}
	if !db.Tandem.Proxy || api.Tandem.Proxy {
		t.Errorf("proxy: db %v, api %v; want true, false", db.Tandem.Proxy, api.Tandem.Proxy)
	}
	if got := strings.Join(sys.Proxied(), ","); got != "db" {
		t.Errorf("Proxied = %s, want db", got)
	}
	if len(db.Files) != 1 || !filepath.IsAbs(db.Files[0].Source) || db.Files[0].Target != "/docker-entrypoint-initdb.d/10-seed.sql" {
		t.Errorf("db files = %+v", db.Files)
	}
	cache, _ := sys.Service("cache")
	if cache.Healthcheck == nil || cache.Healthcheck.Interval != 2*time.Second || cache.Healthcheck.Retries != 3 {
		t.Errorf("cache healthcheck = %+v", cache.Healthcheck)
	}
	if cache.Tandem.Ready.TimeoutOrDefault() != system.DefaultReadyTimeout {
		t.Errorf("default timeout = %v", cache.Tandem.Ready.TimeoutOrDefault())
	}
}

func TestLoadErrorsNameFileServiceAndField(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"unknown-field.yaml", []string{"unknown-field.yaml", "services.api", `unknown field "imgae"`}},
		{"unknown-dependency.yaml", []string{"unknown-dependency.yaml", `"api"`, `undefined service "databse"`}},
		{"cycle.yaml", []string{"cycle.yaml", "dependency cycle", "a -> b -> a"}},
		{"no-image.yaml", []string{"no-image.yaml", `"api"`, "neither an image nor a build context"}},
		{"bad-tandem.yaml", []string{"bad-tandem.yaml", `service "api"`, `x-tandem: unknown field "htp"`}},
		{"bad-ready-path.yaml", []string{`service "api"`, "x-tandem.ready.http", "leading slash"}},
		{"bad-timeout.yaml", []string{`service "api"`, "x-tandem.ready.timeout", `"soon"`}},
		{"external-volume.yaml", []string{"external-volume.yaml:7", "volumes.data.external: not supported by Tandem", `service "db"`, "remove external: true"}},
		{"syntax.yaml", []string{"syntax.yaml", "line 3"}},
		{"probe-without-port.yaml", []string{`service "api"`, "x-tandem.ready", "needs a port"}},
		{"missing.yaml", []string{"missing.yaml does not exist", "-f"}},
		{"bad-proxy.yaml", []string{"bad-proxy.yaml", `service "payments"`, `x-tandem: field "proxy": got string, want true or false`}},
		{"host-port-twice.yaml", []string{"host-port-twice.yaml", "host port 18080 is published twice", `admin ("18080:9090")`, `api ("18080:8080")`, "leave the host port out"}},
		{"host-port-range.yaml", []string{"host-port-range.yaml", `service "api"`, "ports[0]", "name one port"}},
		{"proxy-without-port.yaml", []string{"proxy-without-port.yaml", `service "worker"`, "x-tandem.proxy", "no port", "x-tandem.port"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, err := system.Load(context.Background(), filepath.Join("testdata", tc.file))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestSubsetKeepsDependencies(t *testing.T) {
	sys, err := system.Load(context.Background(), "testdata/good/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := sys.Subset("db")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sub.Names(), ","); got != "db" {
		t.Errorf("Subset(db) = %s", got)
	}
	sub, _ = sys.Subset("api")
	if got := strings.Join(sub.Names(), ","); got != "api,cache,db" {
		t.Errorf("Subset(api) = %s", got)
	}
	if _, err := sys.Subset("nope"); err == nil || !strings.Contains(err.Error(), "services are [api cache db]") {
		t.Errorf("Subset(nope) error = %v", err)
	}
}

func TestServiceVersionIsTheImageTag(t *testing.T) {
	for image, want := range map[string]string{
		"tandem.local/shop-catalog:1.0": "1.0",
		"localhost:5000/catalog":        "latest",
		"catalog":                       "latest",
		"registry:5000/a/b:2.1-rc1":     "2.1-rc1",
	} {
		if got := (&system.Service{Image: image}).Version(); got != want {
			t.Errorf("Version(%s) = %s, want %s", image, got, want)
		}
	}
}

func TestWithImageAndStandalone(t *testing.T) {
	sys, err := system.Load(context.Background(), "testdata/good/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := sys.WithImage("api", "tandem.local/api:2.0")
	if err != nil {
		t.Fatal(err)
	}
	if c.Services["api"].Image != "tandem.local/api:2.0" || sys.Services["api"].Image != "tandem.local/api:1.0" || c.Services["db"] != sys.Services["db"] {
		t.Errorf("WithImage changed the original or lost a service")
	}
	if _, err := sys.WithImage("nope", "x"); err == nil {
		t.Error("WithImage accepted an unknown service")
	}
	s := system.Standalone("catalog", "tandem.local/shop-catalog:1.1", 8080, "/health")
	if svc := s.Services["catalog"]; svc.Tandem.Port != 8080 || svc.Tandem.Ready.HTTP != "/health" || svc.Version() != "1.1" {
		t.Errorf("Standalone = %+v", svc)
	}
}

// Several files merge as `docker compose -f compose.yaml -f
// compose.override.yaml` merges them: the override changes a value, adds to a
// mapping, adds a service and a dependency, and deepens x-tandem.
func TestLoadMergesFilesInOrder(t *testing.T) {
	sys, err := system.Load(context.Background(), "testdata/merge/compose.yaml", "testdata/merge/compose.override.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if sys.Name != "merged" || len(sys.Files) != 2 || sys.File != sys.Files[0] ||
		!strings.HasSuffix(sys.Files[1], filepath.Join("merge", "compose.override.yaml")) || !filepath.IsAbs(sys.Files[1]) {
		t.Errorf("Name %q, File %s, Files %v; want merged, the first file, both files (absolute)", sys.Name, sys.File, sys.Files)
	}
	if got := strings.Join(sys.Names(), ","); got != "api,cache,db" {
		t.Errorf("services = %s, want api,cache,db (cache from the override)", got)
	}
	api, _ := sys.Service("api")
	if api.Image != "tandem.local/api:2.0" {
		t.Errorf("api image = %s, want the override's tandem.local/api:2.0", api.Image)
	}
	if api.Environment["LOG_LEVEL"] != "debug" || api.Environment["DB_URL"] != "postgres://u:p@db:5432/app" {
		t.Errorf("api environment = %v, want LOG_LEVEL from the override and DB_URL from the base", api.Environment)
	}
	if api.DependsOn["db"] != system.ServiceHealthy || api.DependsOn["cache"] != system.ServiceStarted {
		t.Errorf("api depends_on = %v, want db (base) and cache (override)", api.DependsOn)
	}
	if api.Tandem.Ready.HTTP != "/health" || api.Tandem.Ready.TimeoutOrDefault() != 5*time.Second || api.Tandem.Port != 8080 {
		t.Errorf("api x-tandem = %+v, want http /health and port 8080 (base), timeout 5s (override)", api.Tandem)
	}
	if got := strings.Join(sys.Order(), ","); got != "cache,db,api" {
		t.Errorf("Order = %s, want cache,db,api", got)
	}
	// The base alone is what it says.
	base, err := system.Load(context.Background(), "testdata/merge/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if base.Services["api"].Image != "tandem.local/api:1.0" || len(base.Services) != 2 || len(base.Files) != 1 {
		t.Errorf("the base alone: api image %s, %d services, files %v", base.Services["api"].Image, len(base.Services), base.Files)
	}
}

// Relative paths in every file start at the first file's folder, as in docker compose.
func TestLoadMergedRelativePathsStartAtTheFirstFile(t *testing.T) {
	sys, err := system.Load(context.Background(), "testdata/merge/compose.yaml", "testdata/merge/ci/volume.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want, _ := filepath.Abs("testdata/merge/seed.sql")
	if f := sys.Services["cache"].Files; len(f) != 1 || f[0].Source != want {
		t.Errorf("cache files = %+v, want %s", f, want)
	}
}

// An error in a merged system names the file and line that set the value at
// fault, whichever file that is.
func TestLoadMergeErrorsNameTheFileAndLine(t *testing.T) {
	tests := []struct {
		override string
		want     []string
	}{
		{"bad-field.yaml", []string{"testdata/merge/bad-field.yaml:5: services.api", `unknown field "imgae"`}},
		{"bad-tandem.yaml", []string{"testdata/merge/bad-tandem.yaml:7: service \"api\"", "x-tandem.ready.http", "leading slash"}},
		{"bad-syntax.yaml", []string{"testdata/merge/bad-syntax.yaml: not valid YAML", "line 3"}},
		{"bad-dependency.yaml", []string{"testdata/merge/bad-dependency.yaml:6: service \"api\"", `undefined service "databse"`}},
		{"nothing-here.yaml", []string{"testdata/merge/nothing-here.yaml does not exist", "-f"}},
	}
	for _, tc := range tests {
		t.Run(tc.override, func(t *testing.T) {
			_, err := system.Load(context.Background(), "testdata/merge/compose.yaml", "testdata/merge/"+tc.override)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "testdata/merge/compose.yaml") {
				t.Errorf("error %q names the base file, which is not at fault", err)
			}
		})
	}
	if _, err := system.Load(context.Background()); err == nil || !strings.Contains(err.Error(), "-f") {
		t.Errorf("Load of no file: %v, want an error that asks for -f", err)
	}
}

func TestSplitFilesReadsWhatJoinFilesWrites(t *testing.T) {
	files := []string{"/a/compose.yaml", "b/compose.override.yaml"}
	joined := system.JoinFiles(files)
	if joined != "/a/compose.yaml"+string(os.PathListSeparator)+"b/compose.override.yaml" {
		t.Errorf("JoinFiles = %q, want the files separated by %q as in COMPOSE_FILE", joined, os.PathListSeparator)
	}
	if got := system.SplitFiles(joined); !slices.Equal(got, files) {
		t.Errorf("SplitFiles(%q) = %q, want %q", joined, got, files)
	}
	if got := system.SplitFiles("compose.yaml" + string(os.PathListSeparator)); !slices.Equal(got, []string{"compose.yaml"}) {
		t.Errorf("SplitFiles drops empty entries: got %q", got)
	}
}
