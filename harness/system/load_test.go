package system_test

import (
	"context"
	"path/filepath"
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
		{"named-volume.yaml", []string{`service "db"`, "volumes[0]", "bind-mount"}},
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
