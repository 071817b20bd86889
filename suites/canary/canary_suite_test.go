package canary_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The canary suite gates the catalog's candidate release under load: it must
// not be worse than the released version in latency, errors or resources.
func TestCanary(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Canary")
}
