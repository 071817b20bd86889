package verify

import (
	"os/exec"
	"slices"
	"testing"

	"github.com/tandem-harness/tandem/harness/system"
)

// The suites that verify runs load the system with the profiles it was given
// (--profile), through COMPOSE_PROFILES; without any, they inherit the
// variable as it is.
func TestSuitesGetTheProfiles(t *testing.T) {
	t.Setenv(system.ProfilesVariable, "from-the-shell")
	cmd := exec.Command("go", "version")
	setup(cmd, Config{Root: ".", Profiles: []string{"debug", "observe"}})
	if i := slices.Index(cmd.Env, system.ProfilesVariable+"=debug,observe"); i < 0 || i < slices.Index(cmd.Env, system.ProfilesVariable+"=from-the-shell") {
		t.Errorf("the suites' environment does not end with %s=debug,observe: %v", system.ProfilesVariable, cmd.Env)
	}
	cmd = exec.Command("go", "version")
	setup(cmd, Config{Root: "."})
	if slices.Contains(cmd.Env, system.ProfilesVariable+"=") || !slices.Contains(cmd.Env, system.ProfilesVariable+"=from-the-shell") {
		t.Errorf("without profiles the suites should inherit %s=from-the-shell: %v", system.ProfilesVariable, cmd.Env)
	}
}
