// A team's Ginkgo suite in a module of its own: it imports Tandem's library
// and tests the system tandem verify hands it ($TANDEM_SYSTEM), else its own.
package api_test

import (
	"io"
	"net/http"
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/suite"
)

func TestAPI(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "API")
}

var _ = Describe("the api service", func() {
	var e *env.Env
	BeforeEach(func(ctx SpecContext) {
		sys := suite.System(ctx, "../compose.yaml")
		e = suite.StartEnv(ctx, sys, env.WithRunID(os.Getenv("TEAM_RUN_ID")))
	})

	It("says who it is", func(ctx SpecContext) {
		url, err := e.URL("api")
		Expect(err).NotTo(HaveOccurred())
		resp, err := http.Get(url + "/whoami")
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(body)).To(Equal("api"))
		GinkgoWriter.Println("TEAM: the api answered in run", e.RunID)
	})
})
