package results

// The files of an output folder, relative to it. tandem verify writes them
// all; the suites write their environment's; tandem report DIR reads them
// again.
const (
	// SummaryFile is the run's Summary.
	SummaryFile = "summary.json"
	// GinkgoFile is the suites' Ginkgo JSON report, redacted.
	GinkgoFile = "ginkgo.json"
	// JUnitFile is the suites' JUnit XML, merged.
	JUnitFile = "junit.xml"
	// MatrixFile is the contract matrix: a list of ContractRow.
	MatrixFile = "contracts/matrix.json"
	// ReportFile is the release report.
	ReportFile = "report.html"
	// MarkdownFile is the release report's summary in Markdown.
	MarkdownFile = "summary.md"
	// EnvironmentFile is a suite's Environment, under OUT/SUITE/.
	EnvironmentFile = "environment.json"
)
