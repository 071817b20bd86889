package contract_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/docker"
)

// verifyCatalog starts the shop's catalog (image overridden when not empty)
// with provider states on, and verifies the gateway's pact against it.
func verifyCatalog(t *testing.T, image string) *contract.Verification {
	t.Helper()
	sys, err := system.Load(t.Context(), "../../fixtures/shop/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if image != "" {
		catalog := *sys.Services["catalog"]
		catalog.Image = image
		sys.Services["catalog"] = &catalog
	}
	store, err := contract.Open(filepath.Join(t.TempDir(), "contracts"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Publish("gateway", "1.0", contract.PublishOptions{Branch: "main"}, "testdata/gateway-catalog.json"); err != nil {
		t.Fatal(err)
	}
	pacts, err := store.Select("catalog", nil, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range pacts {
		pacts[i].Pending = false // as if catalog had verified this pact before
	}
	e, err := env.Start(t.Context(), sys, env.WithServices("catalog"), env.WithOutputDir(t.TempDir()),
		env.WithEnv("catalog", map[string]string{"PROVIDER_STATES": "true"}))
	t.Cleanup(func() {
		if err := e.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	url, err := e.URL("catalog")
	if err != nil {
		t.Fatal(err)
	}
	v, err := contract.Verify(t.Context(), contract.VerifyRequest{
		Provider: "catalog", ProviderVersion: "test", BaseURL: url,
		StatesURL: url + "/_tandem/provider-states", Pacts: pacts,
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCatalogHonoursTheGatewayPact(t *testing.T) {
	v := verifyCatalog(t, "")
	if len(v.Results) != 3 {
		t.Fatalf("%d results, want one per interaction (3)", len(v.Results))
	}
	for _, r := range v.Results {
		if !r.Passed {
			t.Errorf("%s", r.Explain())
		}
	}
}

// A catalog that renames a field its consumer reads breaks the contract, and
// the failure names the interaction and the field.
func TestRenamedFieldFailsNamingInteractionAndField(t *testing.T) {
	image := buildRenamedCatalog(t)
	v := verifyCatalog(t, image)
	if v.Passed() {
		t.Fatal("verification passed against a catalog that renamed name to title")
	}
	r, ok := v.Result("gateway", "a request for product p-1")
	if !ok || r.Passed {
		t.Fatalf("a request for product p-1: %+v", r)
	}
	for _, want := range []string{"a request for product p-1", "body $: Actual map is missing the following keys: name", `"title"`} {
		if !strings.Contains(r.Explain(), want) {
			t.Errorf("Explain() does not contain %q:\n%s", want, r.Explain())
		}
	}
	list, _ := v.Result("gateway", "a request for all products")
	if !strings.Contains(list.Explain(), "body $.products[*]: Actual map is missing the following keys: name") {
		t.Errorf("list failure:\n%s", list.Explain())
	}
	notFound, _ := v.Result("gateway", "a request for a product that does not exist")
	if !notFound.Passed {
		t.Errorf("an interaction the rename does not touch failed: %s", notFound.Explain())
	}
}

// buildRenamedCatalog builds the catalog with product.name sent as "title",
// using go build -overlay so the source tree is not touched.
func buildRenamedCatalog(t *testing.T) string {
	t.Helper()
	const src = "../../fixtures/shop/catalog/product.go"
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `json:"name"`) {
		t.Fatalf("%s no longer has a json:\"name\" tag; update this test", src)
	}
	dir := t.TempDir()
	renamed := filepath.Join(dir, "product.go")
	if err := os.WriteFile(renamed, []byte(strings.Replace(string(b), `json:"name"`, `json:"title"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(src)
	overlay, _ := json.Marshal(map[string]any{"Replace": map[string]string{abs: renamed}})
	if err := os.WriteFile(filepath.Join(dir, "overlay.json"), overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	ctxDir := filepath.Join(dir, "image")
	build := exec.Command("go", "build", "-trimpath", "-overlay", filepath.Join(dir, "overlay.json"), "-o", filepath.Join(ctxDir, "service"), "../../fixtures/shop/catalog")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the renamed catalog: %v\n%s", err, out)
	}
	df := "FROM scratch\nCOPY service /service\nEXPOSE 8080\nENTRYPOINT [\"/service\"]\n"
	if err := os.WriteFile(filepath.Join(ctxDir, "Dockerfile"), []byte(df), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const image = "tandem.local/shop-catalog:test-renamed-field"
	if _, err := p.BuildImage(t.Context(), &testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		Context: ctxDir, Repo: "tandem.local/shop-catalog", Tag: "test-renamed-field", KeepImage: true,
	}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cli, err := docker.Client(context.Background())
		if err != nil {
			return
		}
		defer cli.Close()
		_, _ = cli.ImageRemove(context.Background(), image, client.ImageRemoveOptions{Force: true})
	})
	return image
}
