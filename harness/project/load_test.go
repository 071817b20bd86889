package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadFillsTheDefaults(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "docker-compose.yml", "services: {api: {image: team/api:1.0}}\n")
	p, err := Load(write(t, dir, FileName, "consumers:\n  - name: web\n    command: npm test\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 1 || strings.Join(p.System.Compose, ",") != "docker-compose.yml" || p.Contracts.Store != "contracts" || p.CanIDeploy.Environment != "production" {
		t.Errorf("defaults = version %d, compose %v, store %q, environment %q", p.Version, p.System.Compose, p.Contracts.Store, p.CanIDeploy.Environment)
	}
	if p.Dir != dir || p.Path("contracts") != filepath.Join(dir, "contracts") {
		t.Errorf("Dir = %s, Path(contracts) = %s", p.Dir, p.Path("contracts"))
	}
	if len(p.Canaries) != 0 {
		t.Errorf("canaries = %+v, want none", p.Canaries)
	}
	if p.Line("consumers[0].command") != 3 {
		t.Errorf("Line(consumers[0].command) = %d, want 3", p.Line("consumers[0].command"))
	}
}

// TestMistakesNameFileLineAndField: every mistake is reported at once, each
// with the file, the line and the field, and what to do.
func TestMistakesNameFileLineAndField(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "compose.yaml", "services: {api: {image: team/api:1.0}}\n")
	cases := []struct {
		name, text string
		want       []string
	}{
		{"shapes", `version: 1
system:
  compose: compose.yaml
consumer:
  - name: web
providers: [api]
canaries:
  - service: api
    load: {rate: fast}
`, []string{
			"tandem.yaml:3: system.compose: want a list, got \"compose.yaml\"; write [compose.yaml]",
			"tandem.yaml:4: consumer: unknown field; did you mean consumers?",
			"tandem.yaml:9: canaries[0].load.rate: \"fast\" is not a whole number",
		}},
		{"meaning", `version: 2
contracts: {store: "https://broker.example"}
consumers:
  - name: web
  - name: web
    command: npm test
suites:
  - name: smoke
    command: ./smoke.sh
  - name: journeys
    ginkgo: ./suites/journeys
parallelRuns:
  - service: api
    primary: team/api:1.0
    candidate: team/api:1.1
canaries:
  - service: api
    baseline: team/api:1.0
    canary: team/api:1.1
    load: {duration: soon}
    marginal: maybe
`, []string{
			"tandem.yaml:1: version: 2 is not a version this tandem reads",
			"tandem.yaml:21: canaries[0].marginal: \"maybe\" is not a choice; write fail (a Marginal verdict fails the run) or warn",
			"tandem.yaml:2: contracts.store: a Pact Broker URL is not supported here yet",
			"tandem.yaml:4: consumers[0].command: required: a command that writes the consumer's pact files into $TANDEM_PACT_DIR",
			"tandem.yaml:5: consumers[1].name: \"web\" is also consumers[0]",
			"tandem.yaml:9: suites[0].junit: required with command",
			"tandem.yaml:11: suites[1].ginkgo: the Ginkgo package ./suites/journeys does not exist",
			"tandem.yaml:13: parallelRuns[0].traffic: name a recorded traffic file, or set pacts: true",
			"tandem.yaml:20: canaries[0].load.duration: \"soon\" is not a duration",
		}},
		{"syntax", "system: [\n", []string{"tandem.yaml: ", "fix the YAML syntax"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wd, _ := os.Getwd()
			if err := os.Chdir(dir); err != nil {
				t.Fatal(err)
			}
			defer os.Chdir(wd)
			write(t, dir, FileName, c.text)
			_, err := Load(FileName)
			if err == nil {
				t.Fatal("loaded")
			}
			for _, want := range c.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error lacks %q:\n%v", want, err)
				}
			}
			if got, want := strings.Count(err.Error(), "\n")+1, len(c.want); c.name != "syntax" && got != want {
				t.Errorf("%d problems reported, want %d:\n%v", got, want, err)
			}
		})
	}
}

func TestCheckServicesNamesTheLine(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "compose.yaml", "services: {api: {image: team/api:1.0}}\n")
	p, err := Load(write(t, dir, FileName, "providers:\n  - api\n  - apu\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = p.CheckServices([]string{"api", "db"})
	if err == nil || !strings.Contains(err.Error(), ":3: providers[1]: the system has no service \"apu\"; its services are api, db") {
		t.Errorf("CheckServices = %v", err)
	}
}

func TestTemplateLoads(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "compose.yaml", "services: {api: {image: team/api:1.0}}\n")
	text := Template([]string{"compose.yaml"}, []Service{{Name: "api", Image: "team/api:1.0"}, {Name: "db"}})
	p, err := Load(write(t, dir, FileName, text))
	if err != nil {
		t.Fatalf("the template does not load: %v\n%s", err, text)
	}
	if len(p.Consumers)+len(p.Suites)+len(p.ParallelRuns)+len(p.Canaries)+len(p.Providers) != 0 || p.System.Compose[0] != "compose.yaml" {
		t.Errorf("the template declares more than the system: %+v", p)
	}
	if !strings.Contains(text, "#   api (team/api:1.0)\n#   db\n") {
		t.Errorf("the template does not list the services:\n%s", text)
	}
}
