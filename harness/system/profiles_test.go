package system_test

import (
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/system"
)

const profiled = `
services:
	api:
		image: tandem.local/api:1
		depends_on:
			metrics: {condition: service_started, required: false}
	debug:
		image: tandem.local/debug:1
		profiles: [debug]
	metrics:
		image: tandem.local/metrics:1
		profiles: [observe, debug]
	admin:
		image: tandem.local/admin:1
		profiles: [admin]
		depends_on: [debug]
`

// A service with profiles starts only when one of its profiles is enabled,
// by WithProfiles or else by COMPOSE_PROFILES, as with docker compose;
// before, a file with profiles was refused.
func TestLoadEnablesServicesByProfile(t *testing.T) {
	tests := []struct {
		name     string
		env      string // COMPOSE_PROFILES
		profiles []string
		want     string
		apiDeps  string
	}{
		{"none", "", nil, "api", ""},
		{"one", "", []string{"observe"}, "api,metrics", "metrics"},
		{"two", "", []string{"debug", "admin"}, "admin,api,debug,metrics", "metrics"},
		{"every", "", []string{"*"}, "admin,api,debug,metrics", "metrics"},
		{"COMPOSE_PROFILES", "observe, debug", nil, "api,debug,metrics", "metrics"},
		{"WithProfiles over COMPOSE_PROFILES", "debug", []string{"observe"}, "api,metrics", "metrics"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(system.ProfilesVariable, tc.env)
			var opts []system.LoadOption
			if tc.profiles != nil {
				opts = append(opts, system.WithProfiles(tc.profiles...))
			}
			sys, _, err := loadFiles(t, profiled, nil, opts...)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got := strings.Join(sys.Names(), ","); got != tc.want {
				t.Errorf("services = %s, want %s", got, tc.want)
			}
			api, _ := sys.Service("api")
			var deps []string
			for d := range api.DependsOn {
				deps = append(deps, d)
			}
			// The optional dependency on a service that is not enabled is dropped.
			if got := strings.Join(deps, ","); got != tc.apiDeps {
				t.Errorf("api depends on %q, want %q", got, tc.apiDeps)
			}
		})
	}
}

// An enabled service that needs one whose profiles are not enabled is
// refused, naming both and how to enable it; a profile no service has is
// refused with the ones that exist.
func TestLoadRefusesProfilesThatCannotWork(t *testing.T) {
	t.Setenv(system.ProfilesVariable, "")
	_, path, err := loadFiles(t, profiled, nil, system.WithProfiles("admin"))
	for _, w := range []string{path + ":16", `service "admin"`, "depends_on.debug", `depends on service "debug"`, `profile "debug"`, "--profile debug"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not contain %q", err, w)
		}
	}
	_, _, err = loadFiles(t, profiled, nil, system.WithProfiles("obsreve"))
	for _, w := range []string{`profile "obsreve": no service has it`, `"admin", "debug", "observe"`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not contain %q", err, w)
		}
	}
}
