package parallelrun_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The parallel-run suite gates the catalog's candidate release: replayed on
// recorded traffic next to the released version, it may differ only in what
// its release notes announce.
func TestParallelRun(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "ParallelRun")
}
