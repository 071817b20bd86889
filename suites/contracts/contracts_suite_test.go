package contracts_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The contract suite verifies every provider of the system under test against
// the latest pacts its consumers published on the main branch, one spec per
// interaction.
func TestContracts(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Contracts")
}
