package envtest_test

import (
	"testing"

	"github.com/tandem-harness/tandem/internal/imagetest"
)

// buildServiceImage builds harness/env's envtest service into a local image
// (shared with harness/env's tests) and returns its name. It fails the test
// without a Docker engine: no silent skip.
func buildServiceImage(t *testing.T) string {
	t.Helper()
	image, err := imagetest.Envtest(t.TempDir())
	if err != nil {
		t.Fatalf("these tests need a Docker engine and the envtest image: %v", err)
	}
	return image
}
