package contract_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/imagetest"
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
	store, err := contract.Open(t.TempDir())
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
	r, ok := resultFor(t, v, "a request for product p-1")
	if !ok || r.Passed {
		t.Fatalf("a request for product p-1: %+v", r)
	}
	for _, want := range []string{"a request for product p-1", "body $: Actual map is missing the following keys: name", `"title"`} {
		if !strings.Contains(r.Explain(), want) {
			t.Errorf("Explain() does not contain %q:\n%s", want, r.Explain())
		}
	}
	list, _ := resultFor(t, v, "a request for all products")
	if !strings.Contains(list.Explain(), "body $.products[*]: Actual map is missing the following keys: name") {
		t.Errorf("list failure:\n%s", list.Explain())
	}
	notFound, _ := resultFor(t, v, "a request for a product that does not exist")
	if !notFound.Passed {
		t.Errorf("an interaction the rename does not touch failed: %s", notFound.Explain())
	}
}

// buildRenamedCatalog builds the catalog with product.name sent as "title".
func buildRenamedCatalog(t *testing.T) string {
	return imagetest.BuildShopService(t, "catalog", "test-renamed-field",
		imagetest.Edit{File: "fixtures/shop/catalog/product.go", Old: `json:"name"`, New: `json:"title"`})
}

// resultFor is the result of the gateway 1.0 interaction with this (unique)
// description.
func resultFor(t *testing.T, v *contract.Verification, description string) (contract.Result, bool) {
	t.Helper()
	for _, r := range v.Results {
		if r.Consumer == "gateway" && r.Description == description {
			return r, true
		}
	}
	return contract.Result{}, false
}
