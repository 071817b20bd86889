package results

// DeployAnswer is can-i-deploy's answer for one service, as summary.json
// records it: yes, no or unknown, why, and the rows it was decided from.
//
// It mirrors contract.Answer, field for field, so that this package stays a
// leaf: harness/contract loads the Pact FFI and runs the verifier, which
// neither the report nor a suite reading results should drag in. The
// pipeline converts an answer with contract's rows converted one by one
// (DeployRow(row) compiles only while the fields agree); a test in the
// pipeline keeps the JSON names the same.
type DeployAnswer struct {
	Pacticipant string      `json:"pacticipant"`
	Version     string      `json:"version"`
	Environment string      `json:"environment"`
	Deployable  string      `json:"deployable"` // yes, no, unknown
	Reason      string      `json:"reason"`
	Rows        []DeployRow `json:"matrix"`
}

// DeployRow is one line of the verification matrix behind a can-i-deploy
// answer (contract.Row).
type DeployRow struct {
	Consumer        string `json:"consumer"`
	ConsumerVersion string `json:"consumerVersion"`
	Provider        string `json:"provider"`
	ProviderVersion string `json:"providerVersion,omitempty"`
	// Status is verified, failed, never verified, or provider not deployed.
	Status string `json:"status"`
	// Detail is the first problem of a failed verification.
	Detail string `json:"detail,omitempty"`
	// Together is true when the other side of the row is not what the
	// environment runs but a version released together with the pacticipant.
	Together bool `json:"releasedTogether,omitempty"`
	// Pending is true when the provider has never verified this pact's
	// content successfully.
	Pending bool `json:"pending,omitempty"`
}
