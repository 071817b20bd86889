// Package teamsuite is a team's own Ginkgo suite, as a tandem.yaml's suites
// declare it (cmd/tandem/project_test.go): tandem verify builds and runs it
// with the system it verified in $TANDEM_SYSTEM.
package teamsuite_test

import (
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestTeamSuite(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Team journeys")
}

var _ = Describe("the system tandem verify prepared", func() {
	It("is handed to the suite in TANDEM_SYSTEM", func() {
		Expect(os.Getenv("TANDEM_SYSTEM")).To(HaveSuffix("compose.yaml"))
	})
})
