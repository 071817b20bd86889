package traffic

import (
	"fmt"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
)

// FromStore returns the HTTP requests of the pacts stored in the contract
// store folder dir whose provider is provider, pact by pact in the store's
// order: what `tandem diff --pacts`, `tandem canary --pacts` and a
// tandem.yaml's parallel runs and canaries replay. No request is an error.
func FromStore(dir, provider string) ([]Request, error) {
	store, err := contract.Open(dir)
	if err != nil {
		return nil, err
	}
	pacts, err := store.Select(provider, nil, time.Time{})
	if err != nil {
		return nil, err
	}
	var reqs []Request
	for _, p := range pacts {
		pact, err := contract.ReadPact(p.Path)
		if err != nil {
			return nil, err
		}
		rs, err := FromPact(pact)
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, rs...)
	}
	if len(reqs) == 0 {
		return nil, fmt.Errorf("no HTTP requests in the pacts published for %s in %s; publish its consumers' pacts first, or give a traffic file", provider, dir)
	}
	return reqs, nil
}
