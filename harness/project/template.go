package project

import (
	"fmt"
	"sort"
	"strings"
)

// Service is what Template says about one service of the system.
type Service struct {
	Name  string
	Image string
}

// Template is the commented starting file `tandem init` writes for a
// system of these Compose files (relative to the project's folder) and
// services. Load reads it as it is.
func Template(compose []string, services []Service) string {
	sort.Slice(services, func(i, j int) bool { return services[i].Name < services[j].Name })
	var list []string
	for _, s := range services {
		line := "#   " + s.Name
		if s.Image != "" {
			line += " (" + s.Image + ")"
		}
		list = append(list, line)
	}
	example := "api"
	if len(services) > 0 {
		example = services[0].Name
	}
	var b strings.Builder
	fmt.Fprintf(&b, `# tandem.yaml: what `+"`tandem verify`"+` runs in this repository.
# Written by `+"`tandem init`"+`; see the README's "Use Tandem in your repository".
version: 1

system:
  # Compose files, merged in order as docker compose merges them.
  compose: [%s]
  # Profiles to enable: a service with profiles: starts only when one is enabled.
  profiles: []

contracts:
  # The contract store: a folder of this repository (commit it).
  store: contracts

# Each consumer runs a command that writes its pact files into $TANDEM_PACT_DIR,
# in any language. Its version defaults to its image tag when it is a service of
# the system, else the git commit; its branch to what CI or git says.
consumers: []
#  - name: web                      # the consumer name its pacts carry
#    command: npm test              # or: go test ./..., ./gradlew pactTest,
#    dir: web                       #     cp pacts/*.json "$TANDEM_PACT_DIR"

# The services whose pacts are verified; empty: every service of the system
# that a stored pact names as its provider. The system's services:
%s
providers: []

# Your own suites: a Ginkgo package of your module, or any command that writes
# JUnit XML.
suites: []
#  - name: journeys
#    ginkgo: ./suites/journeys
#  - name: smoke
#    command: ./scripts/smoke.sh
#    junit: out/smoke.xml

# Parallel runs (Diffy-style): the candidate image against the primary, on
# recorded traffic or on the requests of the stored pacts.
parallelRuns: []
#  - service: %s
#    primary: team/%s:1.0
#    candidate: team/%s:1.1
#    pacts: true                    # or: traffic: traffic/%s.jsonl
#    ignore: ["header:Date"]

# Canaries (Kayenta-style): the canary image against the baseline under
# identical load, judged by a canary config.
canaries: []
#  - service: %s
#    baseline: team/%s:1.0
#    canary: team/%s:1.1
#    load: {rate: 20, duration: 30s}
#    judge: canary.yaml             # Kayenta's format; empty: Tandem's default
#    marginal: fail                 # or warn: a Marginal verdict passes, shown as a warning

canIDeploy:
  # The environment can-i-deploy asks about at the end.
  environment: production
`, strings.Join(compose, ", "), strings.Join(list, "\n"),
		example, example, example, example, example, example, example)
	return b.String()
}
