// Package project reads tandem.yaml, the file at the root of a team's
// repository that says what `tandem verify` runs there: the system (Compose
// files and profiles), the contract store, the consumers that write pacts
// (in any language), the providers to verify, the team's own suites,
// parallel runs and canaries, and the environment can-i-deploy asks about.
//
// Load reports every mistake at once, each naming the file, the line and
// the field, and saying what to do, as Compose errors do.
package project
