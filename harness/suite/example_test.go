package suite_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/suite"
)

// A Ginkgo suite starts the system tandem verify hands it ($TANDEM_SYSTEM),
// else its own compose.yaml; DeferCleanup removes the environment after the
// spec, and a service that exits under a spec fails it. (Compiled, not run:
// the containers belong in a suite's setup nodes and need a Docker engine.)
func ExampleStartEnv() {
	var e *env.Env
	BeforeEach(func(ctx SpecContext) {
		e = suite.StartEnv(ctx, suite.System(ctx, "compose.yaml"))
	})
	It("lists the products", func(ctx SpecContext) {
		url, err := e.URL("catalog")
		Expect(err).NotTo(HaveOccurred())
		Expect(http.Get(url + "/products")).To(HaveHTTPStatus(http.StatusOK))
	})
}
