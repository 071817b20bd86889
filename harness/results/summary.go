package results

import "time"

// Summary is what a verification run did, as summary.json says it: written
// by tandem verify for CI, read again by the release report.
type Summary struct {
	Passed    bool      `json:"passed"`
	StartedAt time.Time `json:"startedAt"`
	Duration  Duration  `json:"duration"`
	Steps     []Step    `json:"steps"`
	// Compile is the time spent compiling, within the step it names.
	Compile  []CompileTime `json:"compile,omitempty"`
	Suites   []Suite       `json:"suites"`
	Failures []Failure     `json:"failures"`
	// PendingFailures names every pending pact that fails: Pact's pending
	// rule keeps it from failing its provider's verification, so it is said
	// here, not counted as a mere skipped spec.
	PendingFailures []string `json:"pendingFailures,omitempty"`
	// Deploy holds can-i-deploy's answers for the system's services.
	Deploy []DeployAnswer `json:"canIDeploy,omitempty"`
	// JUnit is the suites' JUnit XML (JUnitFile).
	JUnit string `json:"junit,omitempty"`
	// Report is the release report (ReportFile).
	Report string `json:"report,omitempty"`
}

// Step is one stage of the run.
type Step struct {
	Name     string   `json:"name"`
	Passed   bool     `json:"passed"`
	Duration Duration `json:"duration"`
	Detail   string   `json:"detail,omitempty"`
	Error    string   `json:"error,omitempty"`
	// Suite names the suite whose specs hold the step's results, and its
	// failures: contracts, parallelrun, canary, or * for the project's
	// suites. Empty: the step's own error is its failure.
	Suite string `json:"suite,omitempty"`
}

// CompileTime is how long one compilation took, within the step named Step.
type CompileTime struct {
	Name     string   `json:"name"`
	Step     string   `json:"step"`
	Duration Duration `json:"duration"`
}

// Suite is one Ginkgo suite's outcome.
type Suite struct {
	Name     string   `json:"name"`
	Path     string   `json:"path"`
	Passed   bool     `json:"passed"`
	Specs    int      `json:"specs"`
	Failed   int      `json:"failed"`
	Skipped  int      `json:"skipped"`
	Duration Duration `json:"duration"`
}

// Failure is one failed spec, with the failure message as the suite wrote it.
type Failure struct {
	Suite    string `json:"suite"`
	Spec     string `json:"spec"`
	Message  string `json:"message"`
	Location string `json:"location"`
}
