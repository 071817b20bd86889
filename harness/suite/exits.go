package suite

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/tandem-harness/tandem/harness/env"
)

// failOnExit fails the running spec when a service of e exits that nothing
// asked to, with what env says of it (the service, its exit code and last log
// lines), and marks e failed so that TANDEM_KEEP=1 keeps it; it returns when
// tornDown is closed. Ginkgo records a failure from another goroutine against
// the node that is running, or, between nodes, the next one; the spec goes on
// to its end, but fails.
func failOnExit(e *env.Env, tornDown <-chan struct{}) {
	defer GinkgoRecover()
	select {
	case <-tornDown:
	case <-e.Exited():
		e.MarkFailed()
		Fail(e.Err().Error()) // names the run, the service, its exit code and log
	}
}
