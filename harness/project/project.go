package project

import (
	"path/filepath"
)

// FileName is the project file's name at the root of a repository.
const FileName = "tandem.yaml"

// Project is a repository as its tandem.yaml describes it. Relative paths
// in it are relative to Dir.
type Project struct {
	// File is the project file's absolute path; Dir its folder.
	File string `yaml:"-"`
	Dir  string `yaml:"-"`

	// Version is the file format's version: 1.
	Version int `yaml:"version"`
	// System is the system under test.
	System System `yaml:"system"`
	// Contracts is where pacts and verification results are kept.
	Contracts Contracts `yaml:"contracts"`
	// Consumers write pacts: each runs a command that writes them into
	// $TANDEM_PACT_DIR.
	Consumers []Consumer `yaml:"consumers"`
	// Providers are the services whose pacts are verified; empty: every
	// service of the system that a stored pact names as its provider.
	Providers []string `yaml:"providers"`
	// Suites are the team's own suites.
	Suites []Suite `yaml:"suites"`
	// ParallelRuns compare a candidate image with the primary on the same
	// traffic (Diffy-style).
	ParallelRuns []ParallelRun `yaml:"parallelRuns"`
	// Canaries judge a canary image against a baseline under identical load
	// (Kayenta-style).
	Canaries []Canary `yaml:"canaries"`
	// CanIDeploy is the question asked at the end.
	CanIDeploy CanIDeploy `yaml:"canIDeploy"`

	// lines are where each field was set, by its path (consumers[0].command).
	lines map[string]int
}

// System is the system under test: Compose files, merged in order as
// docker compose merges them, and the profiles to enable.
type System struct {
	Compose  []string `yaml:"compose"`
	Profiles []string `yaml:"profiles"`
}

// Contracts says where the contract store is: a folder today. The field is
// named store so that a broker URL can take its place later.
type Contracts struct {
	Store string `yaml:"store"`
}

// Consumer is a pacticipant whose command writes pacts.
type Consumer struct {
	// Name is the pacticipant's name, as its pacts name their consumer.
	Name string `yaml:"name"`
	// Command runs in Dir (default: the project's folder) through sh -c and
	// writes the consumer's pact files into $TANDEM_PACT_DIR: `go test
	// ./...`, `npm test`, `./gradlew pactTest`, or copying files.
	Command string `yaml:"command"`
	Dir     string `yaml:"dir"`
	// Version is the version pacts are published under. Default: the image
	// tag when the consumer is a service of the system, else the git commit.
	Version string `yaml:"version"`
	// Branch is the branch pacts are published on. Default: as `tandem
	// contracts publish` decides it (CI variables, then git).
	Branch string `yaml:"branch"`
}

// Suite is one of the team's own suites: a Ginkgo package of their module,
// or any command that writes JUnit XML.
type Suite struct {
	Name string `yaml:"name"`
	// Ginkgo is a package path (./suites/journeys), run with ginkgo.
	Ginkgo string `yaml:"ginkgo"`
	// Command runs through sh -c in Dir and writes JUnit XML to JUnit.
	Command string `yaml:"command"`
	Dir     string `yaml:"dir"`
	JUnit   string `yaml:"junit"`
}

// ParallelRun compares the candidate image of a service with the primary
// (and a second copy of it, for noise) on recorded traffic or the pacts'
// requests.
type ParallelRun struct {
	Service   string `yaml:"service"`
	Primary   string `yaml:"primary"`
	Candidate string `yaml:"candidate"`
	// Traffic is a recorded traffic file; Pacts replays the requests of the
	// stored pacts whose provider is Service instead.
	Traffic string `yaml:"traffic"`
	Pacts   bool   `yaml:"pacts"`
	// Ignore are differences that are expected (Diffy's rules), as in
	// `tandem diff --ignore`.
	Ignore []string `yaml:"ignore"`
}

// Canary judges the canary image of a service against the baseline under
// identical load.
type Canary struct {
	Service  string     `yaml:"service"`
	Baseline string     `yaml:"baseline"`
	Canary   string     `yaml:"canary"`
	Load     CanaryLoad `yaml:"load"`
	// Judge is a canary config file (Kayenta's format); empty: the default.
	Judge string `yaml:"judge"`
	// Marginal is what a Marginal verdict does to the run: MarginalFail
	// (the default, as tandem canary exits 3 on it) or MarginalWarn (it
	// passes, and the report shows it as a warning for a person to read).
	// A verdict that would fail is confirmed by a second run first.
	Marginal string `yaml:"marginal"`
}

// What a canary's Marginal verdict does to the run.
const (
	MarginalFail = "fail"
	MarginalWarn = "warn"
)

// CanaryLoad is the load a canary run sends to both sides. Unset, they are
// `tandem canary`'s: canary.DefaultRate, canary.DefaultRequests per side
// without a Duration; Traffic (the request mix) defaults to the requests of
// the stored pacts whose provider is the service.
type CanaryLoad struct {
	Rate     int    `yaml:"rate"`
	Duration string `yaml:"duration"`
	Traffic  string `yaml:"traffic"`
}

// CanIDeploy names the environment can-i-deploy asks about.
type CanIDeploy struct {
	Environment string `yaml:"environment"`
}

// Path returns p relative to the project's folder, or p when it is absolute.
func (p *Project) Path(rel string) string {
	if rel == "" || filepath.IsAbs(rel) {
		return rel
	}
	return filepath.Join(p.Dir, rel)
}

// Line returns the line where the field at path (consumers[0].command) was
// set, or 0.
func (p *Project) Line(path string) int { return p.lines[path] }
