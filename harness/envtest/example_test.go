package envtest_test

import (
	"net/http"
	"testing"

	"github.com/tandem-harness/tandem/harness/envtest"
)

// A plain go test starts the system tandem verify hands it ($TANDEM_SYSTEM),
// else its own compose.yaml; the environment is removed when the test ends,
// and a service that exits under the test fails it. (Compiled, not run: the
// body is a test function and needs a Docker engine.)
func ExampleStart() {
	_ = func(t *testing.T) { // func TestCatalog(t *testing.T)
		e := envtest.Start(t, envtest.System(t, "compose.yaml"))
		url, err := e.URL("catalog")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(url + "/products")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /products: %s", resp.Status)
		}
	}
}
