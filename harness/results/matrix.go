package results

import "time"

// ContractRow is one consumer–provider pair of the contract matrix
// (MatrixFile): how the provider's version in the system stands with the
// latest pact of the consumer's version.
type ContractRow struct {
	Consumer        string `json:"consumer"`
	ConsumerVersion string `json:"consumerVersion"`
	Provider        string `json:"provider"`
	ProviderVersion string `json:"providerVersion"`
	// Status is one of the Contract statuses below.
	Status       string    `json:"status"`
	Interactions int       `json:"interactions"`
	Failed       int       `json:"failed"`
	Problems     []string  `json:"problems,omitempty"`
	VerifiedAt   time.Time `json:"verifiedAt,omitzero"`
}

// Contract statuses in the matrix. Verified, failed and never verified are
// the words of contract's can-i-deploy rows (contract.Verified, ...), kept
// equal by a test of the pipeline (cmd/tandem/internal/verify).
const (
	ContractVerified = "verified"
	ContractFailed   = "failed"
	// ContractPending is failed, but the pact was never verified, so it
	// does not block its provider's verification.
	ContractPending       = "pending"
	ContractNeverVerified = "never verified"
)
