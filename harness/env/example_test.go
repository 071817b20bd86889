package env_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
)

// Start runs a system's services, each ready by its x-tandem check, on a
// network of their own; Stop removes everything, and is deferred before the
// error is checked because Start returns a partial environment on error.
// (Compiled, not run: it needs a Docker engine and the shop's images. In a
// test, envtest.Start(t, sys) or, in a Ginkgo suite, suite.StartEnv(ctx, sys)
// do the same with the cleanup registered for you.)
func ExampleStart() {
	ctx := context.Background()
	sys, err := system.Load(ctx, "fixtures/shop/compose.yaml")
	if err != nil {
		log.Fatal(err)
	}
	e, err := env.Start(ctx, sys, env.WithServices("catalog"))
	defer e.Stop(context.WithoutCancel(ctx))
	if err != nil {
		log.Fatal(err)
	}
	url, err := e.URL("catalog") // http://127.0.0.1:PORT
	if err != nil {
		log.Fatal(err)
	}
	resp, err := http.Get(url + "/products")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(e.RunID, resp.Status)
}
