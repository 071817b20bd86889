package project

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tandem-harness/tandem/internal/nearest"
)

// ComposeFileNames are the names docker compose looks for when no file is
// named, in its order.
var ComposeFileNames = []string{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}

// Load reads the project file at path, fills the defaults and validates it.
// Every problem is reported, each as FILE:LINE: FIELD: what is wrong; what to do.
func Load(path string) (*Project, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(abs)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such file; write one with `tandem init` (it reads your Compose file)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("read the project file: %w", err)
	}
	return parse(abs, path, data)
}

// Find returns the project file of dir, or "" when it has none.
func Find(dir string) string {
	p := filepath.Join(dir, FileName)
	if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
		return p
	}
	return ""
}

func parse(abs, shown string, data []byte) (*Project, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s; fix the YAML syntax", shown, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: the file is empty; write one with `tandem init`", shown)
	}
	c := &checker{file: shown, lines: map[string]int{}}
	c.walk(doc.Content[0], reflect.TypeFor[Project](), "", doc.Content[0].Line)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	p := &Project{File: abs, Dir: filepath.Dir(abs), lines: c.lines}
	if err := doc.Content[0].Decode(p); err != nil {
		return nil, fmt.Errorf("%s: %s", shown, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	p.File, p.Dir, p.lines = abs, filepath.Dir(abs), c.lines
	c.validate(p)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	return p, nil
}

// checker collects the problems of one file.
type checker struct {
	file  string
	lines map[string]int
	errs  []error
}

func (c *checker) errorf(line int, field, format string, args ...any) {
	where := c.file
	if line > 0 {
		where = fmt.Sprintf("%s:%d", c.file, line)
	}
	if field != "" {
		where += ": " + field
	}
	c.errs = append(c.errs, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...)))
}

// walk checks that every key of n is a field of t (by its yaml tag) and
// that each value has the field's shape, and records each field's line.
func (c *checker) walk(n *yaml.Node, t reflect.Type, field string, line int) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if field != "" {
		c.lines[field] = line
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			c.errorf(n.Line, field, "want a mapping of fields, got %s", describe(n))
			return
		}
		known := map[string]reflect.Type{}
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				continue
			}
			known[name] = f.Type
			names = append(names, name)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i].Value, n.Content[i+1]
			sub := join(field, key)
			ft, ok := known[key]
			if !ok {
				c.errorf(n.Content[i].Line, sub, "unknown field; %s", suggest(key, names))
				continue
			}
			c.walk(val, ft, sub, n.Content[i].Line)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if n.Tag == "!!null" {
				return
			}
			hint := ""
			if n.Kind == yaml.ScalarNode {
				hint = fmt.Sprintf("; write [%s]", n.Value)
			}
			c.errorf(n.Line, field, "want a list, got %s%s", describe(n), hint)
			return
		}
		for i, item := range n.Content {
			c.walk(item, t.Elem(), fmt.Sprintf("%s[%d]", field, i), item.Line)
		}
	default:
		if n.Kind != yaml.ScalarNode {
			c.errorf(n.Line, field, "want %s, got %s", kindName(t), describe(n))
			return
		}
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			c.errorf(n.Line, field, "%q is not %s", n.Value, kindName(t))
		}
	}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	default:
		return "a string"
	}
}

// suggest names the closest known field, or lists them.
func suggest(key string, names []string) string {
	if n := nearest.Name(key, names); n != "" {
		return fmt.Sprintf("did you mean %s?", n)
	}
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	return "the fields here are " + strings.Join(sorted, ", ")
}

// validate checks what the shapes can't say and fills the defaults.
func (c *checker) validate(p *Project) {
	line := func(path string) int {
		for path != "" {
			if l, ok := c.lines[path]; ok {
				return l
			}
			i := strings.LastIndexAny(path, ".[")
			if i < 0 {
				break
			}
			path = path[:i]
		}
		return 0
	}
	exists := func(field, rel, what string) {
		if _, err := os.Stat(p.Path(rel)); err != nil {
			c.errorf(line(field), field, "%s %s does not exist (paths are relative to %s); fix the path", what, rel, p.Dir)
		}
	}

	switch p.Version {
	case 0:
		p.Version = 1
	case 1:
	default:
		c.errorf(line("version"), "version", "%d is not a version this tandem reads (it reads 1); upgrade tandem, or write version: 1", p.Version)
	}

	if len(p.System.Compose) == 0 {
		for _, name := range ComposeFileNames {
			if _, err := os.Stat(p.Path(name)); err == nil {
				p.System.Compose = []string{name}
				break
			}
		}
		if len(p.System.Compose) == 0 {
			c.errorf(line("system"), "system.compose", "no Compose file is named, and %s has none of %s; name yours: system: {compose: [path/to/compose.yaml]}",
				p.Dir, strings.Join(ComposeFileNames, ", "))
		}
	}
	for i, f := range p.System.Compose {
		exists(fmt.Sprintf("system.compose[%d]", i), f, "the Compose file")
	}

	switch s := p.Contracts.Store; {
	case s == "":
		p.Contracts.Store = "contracts"
	case strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"):
		c.errorf(line("contracts.store"), "contracts.store", "a Pact Broker URL is not supported here yet; name a folder (serve it to other repositories with `tandem broker`)")
	}

	seen := map[string]int{}
	for i, con := range p.Consumers {
		f := fmt.Sprintf("consumers[%d]", i)
		if con.Name == "" {
			c.errorf(line(f), f+".name", "required: the consumer's pacticipant name, as its pacts name their consumer")
		} else if j, dup := seen[con.Name]; dup {
			c.errorf(line(f+".name"), f+".name", "%q is also consumers[%d]; give each consumer once", con.Name, j)
		} else {
			seen[con.Name] = i
		}
		if strings.TrimSpace(con.Command) == "" {
			c.errorf(line(f), f+".command", "required: a command that writes the consumer's pact files into $TANDEM_PACT_DIR (go test ./..., npm test, or cp pacts/*.json \"$TANDEM_PACT_DIR\")")
		}
		if con.Dir != "" {
			exists(f+".dir", con.Dir, "the folder")
		}
	}

	seen = map[string]int{}
	for i, s := range p.Suites {
		f := fmt.Sprintf("suites[%d]", i)
		if s.Name == "" {
			c.errorf(line(f), f+".name", "required: the suite's name in the report")
		} else if j, dup := seen[s.Name]; dup {
			c.errorf(line(f+".name"), f+".name", "%q is also suites[%d]; give each suite its own name", s.Name, j)
		} else {
			seen[s.Name] = i
		}
		switch {
		case s.Ginkgo != "" && s.Command != "":
			c.errorf(line(f+".command"), f, "set ginkgo (a Ginkgo package) or command (any command that writes JUnit XML), not both")
		case s.Ginkgo == "" && s.Command == "":
			c.errorf(line(f), f, "set ginkgo: ./path/to/suite (a Ginkgo package of your module) or command: and junit: (any command that writes JUnit XML)")
		case s.Command != "" && s.JUnit == "":
			c.errorf(line(f+".command"), f+".junit", "required with command: the JUnit XML file the command writes")
		case s.Ginkgo != "" && s.JUnit != "":
			c.errorf(line(f+".junit"), f+".junit", "only with command: Tandem runs a Ginkgo suite with its own --junit-report")
		}
		if s.Ginkgo != "" {
			exists(f+".ginkgo", s.Ginkgo, "the Ginkgo package")
		}
	}

	for i, r := range p.ParallelRuns {
		f := fmt.Sprintf("parallelRuns[%d]", i)
		for _, req := range []struct{ name, val, what string }{
			{"service", r.Service, "the service of the system to compare"},
			{"primary", r.Primary, "the released image (the primary and the secondary run it)"},
			{"candidate", r.Candidate, "the image to compare with it"},
		} {
			if req.val == "" {
				c.errorf(line(f), f+"."+req.name, "required: %s", req.what)
			}
		}
		switch {
		case r.Traffic == "" && !r.Pacts:
			c.errorf(line(f), f+".traffic", "name a recorded traffic file, or set pacts: true to replay the stored pacts' requests")
		case r.Traffic != "" && r.Pacts:
			c.errorf(line(f+".pacts"), f, "set traffic or pacts: true, not both")
		case r.Traffic != "":
			exists(f+".traffic", r.Traffic, "the traffic file")
		}
	}

	for i, k := range p.Canaries {
		f := fmt.Sprintf("canaries[%d]", i)
		for _, req := range []struct{ name, val, what string }{
			{"service", k.Service, "the service of the system to judge"},
			{"baseline", k.Baseline, "the released image"},
			{"canary", k.Canary, "the image to judge against it"},
		} {
			if req.val == "" {
				c.errorf(line(f), f+"."+req.name, "required: %s", req.what)
			}
		}
		if k.Load.Rate < 0 {
			c.errorf(line(f+".load.rate"), f+".load.rate", "%d is not a rate; give requests per second, such as 20", k.Load.Rate)
		}
		if k.Load.Duration != "" {
			if d, err := time.ParseDuration(k.Load.Duration); err != nil || d <= 0 {
				c.errorf(line(f+".load.duration"), f+".load.duration", "%q is not a duration; write one such as 30s", k.Load.Duration)
			}
		}
		if k.Load.Traffic != "" {
			exists(f+".load.traffic", k.Load.Traffic, "the traffic file")
		}
		if k.Judge != "" {
			exists(f+".judge", k.Judge, "the canary config")
		}
		switch k.Marginal {
		case "":
			p.Canaries[i].Marginal = MarginalFail
		case MarginalFail, MarginalWarn:
		default:
			c.errorf(line(f+".marginal"), f+".marginal", "%q is not a choice; write fail (a Marginal verdict fails the run) or warn (it passes, shown as a warning for a person to read)", k.Marginal)
		}
	}

	if p.CanIDeploy.Environment == "" {
		p.CanIDeploy.Environment = "production"
	}
}

// CheckServices reports the services the project names that the system does
// not have, each with its line.
func (p *Project) CheckServices(services []string) error {
	has := map[string]bool{}
	for _, s := range services {
		has[s] = true
	}
	sorted := append([]string(nil), services...)
	sort.Strings(sorted)
	c := &checker{file: p.rel(), lines: p.lines}
	check := func(field, name string) {
		if name != "" && !has[name] {
			c.errorf(p.lines[field], field, "the system has no service %q; its services are %s", name, strings.Join(sorted, ", "))
		}
	}
	for i, name := range p.Providers {
		check(fmt.Sprintf("providers[%d]", i), name)
	}
	for i, r := range p.ParallelRuns {
		check(fmt.Sprintf("parallelRuns[%d].service", i), r.Service)
	}
	for i, k := range p.Canaries {
		check(fmt.Sprintf("canaries[%d].service", i), k.Service)
	}
	return errors.Join(c.errs...)
}

// rel is the project file's name as errors show it: relative to the
// working directory when it is inside it.
func (p *Project) rel() string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p.File); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return p.File
}
