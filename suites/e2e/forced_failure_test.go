package e2e_test

import (
	"net/http"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// ForceFailEnv registers a journey that fails on purpose, through the gateway
// and the catalog. Only the harness's own tests set it, to check that the
// release report follows a failed journey's requests through the services'
// logs (cmd/tandem/internal/verify). Without it the journey does not exist.
const ForceFailEnv = "TANDEM_E2E_FORCE_FAIL"

var _ = func() bool {
	if os.Getenv(ForceFailEnv) == "" {
		return false
	}
	Describe("a journey forced to fail", Label("e2e", "forced-failure"), func() {
		It("reads a product and expects a name it does not have", func() {
			r := send(http.MethodGet, "/api/products/p-1", nil)
			Expect(r.Status).To(Equal(http.StatusOK), r.String())
			Expect(r.Body).To(HaveKeyWithValue("name", "a name no product has ("+ForceFailEnv+" is set)"), r.String())
		})
	})
	return true
}()
