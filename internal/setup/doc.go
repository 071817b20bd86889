// Package setup prepares a machine to run Tandem for any project, from the
// installed tandem binary alone (`tandem setup`): a Docker engine that
// answers, the Pact FFI library in Tandem's data folder, and Tandem's own
// images — the reaper and toxiproxy — built from the tandem executable
// itself, so that no Go toolchain and no registry is needed.
//
// Every step is idempotent and prints one line. The steps that change the
// engine run under a lock held on the engine itself (a container with a
// fixed name), so that setups from two clones or two projects at once take
// turns instead of colliding.
package setup
