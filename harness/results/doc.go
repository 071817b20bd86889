// Package results is the schema that tandem verify and the suites it runs
// share: the environment variables through which the pipeline hands a suite
// its system, contract store and output folder, and how a suite reads them.
// It is a leaf package (no Ginkgo, no Docker), so the pipeline, the suites and
// the report can all import it.
package results
