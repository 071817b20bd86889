package system

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// LoadOption configures LoadWith.
type LoadOption func(*loadOptions)

type loadOptions struct {
	profiles    []string
	profilesSet bool
}

// WithProfiles enables the services of these Compose profiles, beside the
// services that have none, as `docker compose --profile NAME` does; "*"
// enables every profile. A profile that no service has is an error (a
// misspelt name would otherwise start less than asked for).
//
// Without it, the profiles come from COMPOSE_PROFILES (comma-separated, from
// the environment or the .env file beside the first Compose file), as with
// docker compose.
func WithProfiles(names ...string) LoadOption {
	return func(o *loadOptions) {
		o.profiles = append(o.profiles, names...)
		o.profilesSet = true
	}
}

// ProfilesVariable is the environment variable that names the enabled
// profiles when WithProfiles is not given, as for docker compose. Tandem
// sets it for the suites it runs so that they load the same services.
const ProfilesVariable = "COMPOSE_PROFILES"

// activeProfiles are the profiles to enable: those of WithProfiles, else
// those of COMPOSE_PROFILES. With WithProfiles, a profile that no service
// has is an error.
func activeProfiles(src *sources, o loadOptions, project *types.Project) ([]string, error) {
	if !o.profilesSet {
		var active []string
		for _, p := range strings.Split(project.Environment[ProfilesVariable], ",") {
			if p = strings.TrimSpace(p); p != "" {
				active = append(active, p)
			}
		}
		return active, nil
	}
	known := map[string]bool{}
	for _, sc := range project.Services {
		for _, p := range sc.Profiles {
			known[p] = true
		}
	}
	for _, p := range o.profiles {
		if p != "*" && !known[p] {
			if len(known) == 0 {
				return nil, fmt.Errorf("%s: profile %q: no service has profiles; leave out --profile", src, p)
			}
			return nil, fmt.Errorf("%s: profile %q: no service has it; the profiles are %s", src, p, strings.Join(quoted(slices.Sorted(maps.Keys(known))), ", "))
		}
	}
	return o.profiles, nil
}

// disabledDependency refuses a dependency of an enabled service on a service
// whose profiles are not enabled, naming both, as docker compose refuses it.
func disabledDependency(service, dep string, profiles []string) error {
	return fmt.Errorf("depends_on.%s: service %q depends on service %q, which starts only with profile %s, and that is not enabled; enable it (--profile %s, or COMPOSE_PROFILES=%s), or give %q the same profiles, or make the dependency optional (required: false)",
		dep, service, dep, strings.Join(quoted(profiles), " or "), profiles[0], profiles[0], service)
}
