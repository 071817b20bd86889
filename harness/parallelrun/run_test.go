package parallelrun_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/harness/traffic"
	"github.com/tandem-harness/tandem/internal/imagetest"
)

// run replays the shop's recorded catalog traffic with the three images.
func run(t *testing.T, primary, candidate string) *parallelrun.Outcome {
	t.Helper()
	sys, err := system.Load(context.Background(), "../../fixtures/shop/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := traffic.Load("../../fixtures/shop/traffic/catalog.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	o, err := parallelrun.Run(t.Context(), parallelrun.Config{
		Setup:      parallelrun.Setup{System: sys, Service: "catalog", OutDir: t.TempDir(), Images: [3]string{primary, "", candidate}},
		Requests:   reqs,
		Thresholds: diff.DefaultThresholds(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func reported(o *parallelrun.Outcome) []string {
	var out []string
	for _, e := range o.Report.Endpoints {
		for _, f := range e.Fields {
			if f.Reported {
				out = append(out, e.Endpoint+" "+f.Path)
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestSameImageThreeTimesReportsNothing(t *testing.T) {
	o := run(t, "tandem.local/shop-catalog:1.0", "tandem.local/shop-catalog:1.0")
	if got := reported(o); len(got) != 0 {
		t.Errorf("A/A reported %v", got)
	}
	noise := 0
	for _, e := range o.Report.Endpoints {
		noise += len(e.Fields)
	}
	if noise == 0 {
		t.Error("no noise was seen at all: the test traffic lost its timestamps and shuffles")
	}
}

func TestSeededChangesAreReportedWithTheirExactPaths(t *testing.T) {
	candidate := imagetest.BuildShopService(t, "catalog", "test-seeded-changes",
		// a renamed field
		imagetest.Edit{File: "fixtures/shop/catalog/product.go", Old: `json:"name"`, New: `json:"title"`},
		// a changed value
		imagetest.Edit{File: "fixtures/shop/catalog/view.go", Old: `Links: map[string]string{"self": "/products/" + p.ID}}`,
			New: `Links: map[string]string{"self": "/products/" + p.ID}}; v.Currency = "USD"`},
		// a changed status
		imagetest.Edit{File: "fixtures/shop/catalog/handlers.go", Old: `httpx.WriteError(w, http.StatusNotFound, fmt.Sprintf("product %s not found", id))`,
			New: `httpx.WriteError(w, http.StatusGone, fmt.Sprintf("product %s not found", id))`})
	o := run(t, "tandem.local/shop-catalog:1.0", candidate)
	got := strings.Join(reported(o), "\n")
	for _, want := range []string{
		"GET /products/{id} body.name",
		"GET /products/{id} body.title",
		"GET /products/{id} body.currency",
		"GET /products/{id} status",
		"GET /products body.products[*].currency",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("not reported: %s\nreported:\n%s", want, got)
		}
	}
	for _, e := range o.Report.Endpoints {
		for _, f := range e.Fields {
			if f.Path == "body.served_at" && f.Reported {
				t.Error("a timestamp was reported as a difference")
			}
		}
	}
}

func TestACandidateThatCrashesMidRunIsReportedAndTheRunGoesOn(t *testing.T) {
	candidate := imagetest.BuildShopService(t, "catalog", "test-crash",
		imagetest.Edit{File: "fixtures/shop/catalog/handlers.go", Old: `	id := r.PathValue("id")
	p, err := h.inv.Product(r.Context(), id)`, New: `	id := r.PathValue("id")
	if id == "p-6" {
		os.Exit(3)
	}
	p, err := h.inv.Product(r.Context(), id)`},
		imagetest.Edit{File: "fixtures/shop/catalog/handlers.go", Old: `import (`, New: "import (\n\t\"os\""})
	o := run(t, "tandem.local/shop-catalog:1.0", candidate)
	s := o.Summary
	if s.Sent != s.Requests || s.Lost[parallelrun.Primary] != 0 || s.Lost[parallelrun.Candidate] == 0 {
		t.Fatalf("summary = %+v", s)
	}
	lines := strings.Join(s.Describe(), "\n")
	for _, want := range []string{"the candidate lost", "its container exited with code 3"} {
		if !strings.Contains(lines, want) {
			t.Errorf("Describe() lacks %q:\n%s", want, lines)
		}
	}
	if !strings.Contains(strings.Join(reported(o), "\n"), "error") {
		t.Errorf("the lost answers were not reported as differences: %v", reported(o))
	}
}
