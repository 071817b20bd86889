package results

import (
	"os/exec"
	"strings"
	"testing"
)

// results is a leaf: the pipeline, the suites and the report all import it,
// so it must not bring Ginkgo, Docker, the Pact FFI or an environment along.
func TestResultsImportsNoHarnessMachinery(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	forbidden := []string{
		"github.com/onsi/ginkgo", "github.com/onsi/gomega",
		"github.com/docker/docker", "github.com/moby/", "github.com/testcontainers/",
		"github.com/tandem-harness/tandem/harness/contract",
		"github.com/tandem-harness/tandem/harness/env",
		"github.com/tandem-harness/tandem/internal/docker",
		"github.com/tandem-harness/tandem/internal/pactffi",
	}
	var bad []string
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, strings.TrimSuffix(f, "/")+"/") {
				bad = append(bad, dep)
			}
		}
	}
	if len(bad) > 0 {
		t.Errorf("harness/results imports %s; keep it a leaf: move what needs them out, or mirror a small type as deploy.go does", strings.Join(bad, ", "))
	}
}
