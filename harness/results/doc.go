// Package results is the schema of a verification run's output folder, and
// of the hand-off between tandem verify and the suites it runs.
//
// The output folder: its file names (files.go), summary.json (Summary,
// written by the pipeline, read by the release report), each suite's
// environment.json (Environment) and contracts/matrix.json (ContractRow).
// The hand-off: the environment variables through which the pipeline gives a
// suite its system, contract store and output folder, and how a suite reads
// them (env.go).
//
// It is a leaf package (no Ginkgo, no Docker, no Pact FFI), so the pipeline,
// the suites and the report can all import it; where a type of a heavier
// package is part of a file, it is mirrored here (DeployAnswer).
package results
