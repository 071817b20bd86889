package results

import (
	"os"
	"path/filepath"

	"github.com/tandem-harness/tandem/harness/system"
)

// The environment variables tandem verify sets for the tools it runs. They
// are named here only; the pipeline writes them and the suites read them.
const (
	// EnvSystem is the system under test: one Compose file or several,
	// joined as system.JoinFiles writes them (as COMPOSE_FILE).
	EnvSystem = "TANDEM_SYSTEM"
	// EnvContracts is the contract store folder.
	EnvContracts = "TANDEM_CONTRACTS"
	// EnvOut is the output folder of the run; environments write their logs
	// under OUT/runs.
	EnvOut = "TANDEM_OUT"
	// EnvProgress is a file the suites append progress lines to, which
	// tandem verify shows live.
	EnvProgress = "TANDEM_PROGRESS"
	// EnvPactDir is where consumer pact tests write their pacts.
	EnvPactDir = "TANDEM_PACT_DIR"
)

// SystemFiles are the Compose files of the system under test, absolute, in
// order: those of $TANDEM_SYSTEM when it is set, else defaults (a suite's own
// choice when it runs outside tandem verify).
func SystemFiles(defaults ...string) []string {
	files := system.SplitFiles(os.Getenv(EnvSystem))
	if len(files) == 0 {
		files = defaults
	}
	out := make([]string, 0, len(files))
	for _, f := range files {
		out = append(out, absolute(f))
	}
	return out
}

// ContractsDir is the contract store: $TANDEM_CONTRACTS, else def; absolute.
func ContractsDir(def string) string { return fromEnv(EnvContracts, def) }

// OutDir is the output folder: $TANDEM_OUT, else def; absolute. Empty when
// both are.
func OutDir(def string) string { return fromEnv(EnvOut, def) }

// RunsDir is where an environment of a suite writes its logs: OUT/runs when
// $TANDEM_OUT is set, else "" (the environment's own default, out/runs).
func RunsDir() string {
	if out := OutDir(""); out != "" {
		return filepath.Join(out, "runs")
	}
	return ""
}

func fromEnv(name, def string) string {
	v := os.Getenv(name)
	if v == "" {
		v = def
	}
	if v == "" {
		return ""
	}
	return absolute(v)
}

func absolute(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}
