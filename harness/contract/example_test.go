package contract_test

import (
	"fmt"

	"github.com/tandem-harness/tandem/harness/contract"
)

// A pact names its consumer and provider, and each interaction by its
// description and the provider states it is given.
func ExampleReadPact() {
	p, err := contract.ReadPact("testdata/gateway-catalog.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s → %s, pact specification %s\n", p.Consumer, p.Provider, p.Spec)
	for _, in := range p.Interactions {
		fmt.Println("-", in.Name())
	}
	// Output:
	// gateway → catalog, pact specification 4.0
	// - a request for a product that does not exist (given product p-404 does not exist)
	// - a request for all products (given products exist)
	// - a request for product p-1 (given product p-1 has stock 5)
}
