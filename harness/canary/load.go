package canary

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tandem-harness/tandem/internal/nearest"
)

// LoadConfig reads a canary config from a YAML file (JSON, such as a config
// exported from Kayenta, is YAML too), fills the defaults and validates it.
// The problems found are reported together, each naming the file, the line,
// the metric and the field, and saying what to do.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load canary config: %w", err)
	}
	return parseConfig(path, data)
}

func parseConfig(path string, data []byte) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s; fix the YAML syntax", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: the file is empty; define metrics and classifier.groupWeights, or use canary.DefaultConfig", path)
	}
	c := &checker{path: path, set: map[string]int{}}
	c.walk(doc.Content[0], reflect.TypeFor[Config](), "", "", doc.Content[0].Line)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	var cfg Config
	if err := doc.Content[0].Decode(&cfg); err != nil {
		return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	c.validate(&cfg)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	if _, ok := c.at("", "classifier.scoreThresholds.pass"); !ok {
		cfg.Classifier.ScoreThresholds.Pass = 95
	}
	if _, ok := c.at("", "classifier.scoreThresholds.marginal"); !ok {
		cfg.Classifier.ScoreThresholds.Marginal = min(75, cfg.Classifier.ScoreThresholds.Pass)
	}
	cfg.setDefaults()
	return &cfg, nil
}

// kayentaOnly are descriptive fields of Kayenta's canary config that change
// nothing in the judgement: Tandem accepts and ignores them, by the path of the
// struct that would hold them.
var kayentaOnly = map[string][]string{
	"": {"id", "applications", "configVersion", "createdTimestamp", "updatedTimestamp", "createdTimestampIso", "updatedTimestampIso"},
}

// kayentaRefused says why Tandem refuses a field of Kayenta's canary config
// that it can't honour, by the path of the struct that would hold it, or ""
// when the field is not one of them or, as set, changes nothing.
func kayentaRefused(context, key string, val *yaml.Node) string {
	switch context + "|" + key {
	case "metrics|query":
		return "Tandem does not run metric queries: it judges what it measures during the canary run " +
			"(latency and errors per endpoint, CPU and memory, as \"latency GET /products/{id}\"); " +
			"remove query, and name the metric (or give it a match pattern) after what Tandem measures"
	case "metrics|scopeName":
		return "Tandem compares exactly two scopes, the baseline and the canary it runs; remove scopeName"
	case "|templates":
		if val.Kind == yaml.MappingNode && len(val.Content) == 0 {
			return ""
		}
		return "templates fill metric queries, which Tandem does not run; remove them"
	case "|judge":
		if name, extra := judgeFields(val); strings.HasPrefix(name, "NetflixACAJudge") && !extra {
			return ""
		}
		return "Tandem judges by NetflixACAJudge's rules only, without judge configurations; " +
			"remove judge, or name NetflixACAJudge-v1.0 with empty judgeConfigurations"
	}
	return ""
}

// judgeFields returns the name of a judge mapping and whether it sets
// anything besides the name (non-empty judgeConfigurations, other fields).
func judgeFields(n *yaml.Node) (name string, extra bool) {
	if n.Kind != yaml.MappingNode {
		return "", true
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		switch {
		case k == "name":
			name = v.Value
		case k == "judgeConfigurations" && (v.Kind == yaml.MappingNode && len(v.Content) == 0 || v.Tag == "!!null"):
		default:
			extra = true
		}
	}
	return name, extra
}

// checker walks the YAML tree against the Go types before decoding, so that an
// unknown field or a value of the wrong type is reported with the metric it
// belongs to, and records where every field was set.
type checker struct {
	path string
	set  map[string]int // "metric|field.path" or "field.path" → line
	errs []error
}

func (c *checker) errorf(line int, metric, field, format string, args ...any) {
	var b strings.Builder
	if line > 0 {
		fmt.Fprintf(&b, "%s:%d: ", c.path, line)
	} else {
		fmt.Fprintf(&b, "%s: ", c.path)
	}
	if metric != "" {
		fmt.Fprintf(&b, "metric %q: ", metric)
	}
	if field != "" {
		b.WriteString(field + ": ")
	}
	fmt.Fprintf(&b, format, args...)
	c.errs = append(c.errs, errors.New(b.String()))
}

// at is the line where field of metric was set, or 0.
func (c *checker) at(metric, field string) (int, bool) {
	line, ok := c.set[metric+"|"+field]
	return line, ok
}

// walk checks node against type t. metric names the metric being walked (""
// outside metrics), field is the dotted path inside it, and line is where the
// field's key is.
func (c *checker) walk(n *yaml.Node, t reflect.Type, metric, field string, line int) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	c.set[metric+"|"+field] = line
	switch t.Kind() {
	case reflect.Interface:
		return
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			c.errorf(n.Line, metric, field, "want a mapping of fields, got %s", describe(n))
			return
		}
		known := map[string]reflect.StructField{}
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			known[name] = f
			names = append(names, name)
		}
		context := field
		if metric != "" && field == "" {
			context = "metrics"
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i].Value, n.Content[i+1]
			sub := join(field, key)
			f, ok := known[key]
			switch {
			case ok:
				c.walk(val, f.Type, metric, sub, n.Content[i].Line)
			case kayentaRefused(context, key, val) != "":
				c.errorf(n.Content[i].Line, metric, sub, "%s", kayentaRefused(context, key, val))
			case slices.Contains(kayentaOnly[context], key), context == "" && (key == "templates" || key == "judge"):
				// Kayenta's, changing nothing: accepted and ignored.
			default:
				c.errorf(n.Content[i].Line, metric, sub, "unknown field; %s", suggest(key, names))
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			c.errorf(n.Line, metric, field, "want a list, got %s", describe(n))
			return
		}
		for i, item := range n.Content {
			if t.Elem() == reflect.TypeFor[Metric]() {
				c.walk(item, t.Elem(), metricLabel(item, i), "", item.Line)
				continue
			}
			c.walk(item, t.Elem(), metric, fmt.Sprintf("%s[%d]", field, i), item.Line)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.errorf(n.Line, metric, field, "want a mapping, got %s", describe(n))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			c.walk(n.Content[i+1], t.Elem(), metric, join(field, n.Content[i].Value), n.Content[i].Line)
		}
	default:
		if n.Kind != yaml.ScalarNode {
			c.errorf(n.Line, metric, field, "want %s, got %s", kindName(t), describe(n))
			return
		}
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			c.errorf(n.Line, metric, field, "%q is not %s", n.Value, kindName(t))
		}
	}
}

// metricLabel names a metrics item by its name field, or by its index.
func metricLabel(item *yaml.Node, i int) string {
	if item.Kind == yaml.MappingNode {
		for j := 0; j+1 < len(item.Content); j += 2 {
			if item.Content[j].Value == "name" && item.Content[j+1].Value != "" {
				return item.Content[j+1].Value
			}
		}
	}
	return fmt.Sprintf("metrics[%d]", i)
}

// validate checks the decoded values, before defaults fill what was left out.
func (c *checker) validate(cfg *Config) {
	line := func(metric, field string) int {
		l, _ := c.at(metric, field)
		return l
	}
	if _, ok := c.at("", "confidence"); ok && !(cfg.Confidence > 0.5 && cfg.Confidence < 1) {
		c.errorf(line("", "confidence"), "", "confidence", "%s is not between 0.5 and 1; use a level such as 0.98", num(cfg.Confidence))
	}
	if _, ok := c.at("", "minSamples"); ok && cfg.MinSamples < 1 {
		c.errorf(line("", "minSamples"), "", "minSamples", "%d is below 1; use the sample count under which a warning is due, such as 50", cfg.MinSamples)
	}
	if len(cfg.Metrics) == 0 {
		c.errorf(line("", "metrics"), "", "metrics", "the file defines no metric; add at least one, such as {name: latency, match: \"latency *\", groups: [latency]}")
	}
	weights := cfg.Classifier.GroupWeights
	for _, g := range sortedKeys(weights) {
		if w := weights[g]; !(w > 0) {
			f := "classifier.groupWeights." + g
			c.errorf(line("", f), "", f, "%s is not positive; give every group a weight above 0 (weights are relative and need not add up to 100)", num(w))
		}
	}
	seen := map[string]bool{}
	for i, m := range cfg.Metrics {
		label := m.Name
		if label == "" {
			label = fmt.Sprintf("metrics[%d]", i)
			c.errorf(line(label, ""), label, "name", "missing; every metric needs a name")
		} else if seen[m.Name] {
			c.errorf(line(label, "name"), label, "name", "defined twice; give each metric its own name")
		}
		seen[m.Name] = true
		if strings.Contains(m.Name, "*") {
			c.errorf(line(label, "name"), label, "name", "contains *; put patterns in match, such as match: \"latency *\"")
		}
		if len(m.Groups) == 0 {
			c.errorf(line(label, ""), label, "groups", "missing; name the groups the metric counts in, such as groups: [latency]")
		}
		for _, g := range m.Groups {
			if _, ok := weights[g]; !ok {
				c.errorf(line(label, "groups"), label, "groups", "group %q has no weight; add it to classifier.groupWeights, such as %q", g, g+": 20")
			}
		}
		c.validateAnalysis(label, m.Analysis.Canary, line)
	}
	th := cfg.Classifier.ScoreThresholds
	_, hasPass := c.at("", "classifier.scoreThresholds.pass")
	_, hasMarginal := c.at("", "classifier.scoreThresholds.marginal")
	pass, marginal := th.Pass, th.Marginal
	if !hasPass {
		pass = 95
	}
	if !hasMarginal {
		marginal = min(75, pass)
	}
	if hasPass && !(pass > 0 && pass <= 100) {
		c.errorf(line("", "classifier.scoreThresholds.pass"), "", "classifier.scoreThresholds.pass", "%s is not within 0–100; use a score such as 95", num(pass))
	}
	if hasMarginal && !(marginal >= 0 && marginal <= 100) {
		c.errorf(line("", "classifier.scoreThresholds.marginal"), "", "classifier.scoreThresholds.marginal", "%s is not within 0–100; use a score such as 75", num(marginal))
	}
	if marginal > pass {
		c.errorf(line("", "classifier.scoreThresholds"), "", "classifier.scoreThresholds", "marginal %s is above pass %s; the thresholds are inverted: swap them", num(marginal), num(pass))
	}
}

func (c *checker) validateAnalysis(label string, a Analysis, line func(metric, field string) int) {
	const base = "analysisConfigurations.canary."
	check := func(field string, bad bool, format string, args ...any) {
		if _, ok := c.at(label, base+field); ok && bad {
			c.errorf(line(label, base+field), label, base+field, format, args...)
		}
	}
	check("direction", !slices.Contains([]Direction{Increase, Decrease, Either}, a.Direction),
		"%q is not a direction; use increase, decrease or either", a.Direction)
	check("nanStrategy", !slices.Contains([]NaNStrategy{RemoveNaN, ReplaceNaN}, a.NaNStrategy),
		"%q is not a NaN strategy; use remove or replace", a.NaNStrategy)
	check("outliers.strategy", !slices.Contains([]OutlierStrategy{KeepOutliers, RemoveOutliers, "none"}, a.Outliers.Strategy),
		"%q is not an outlier strategy; use keep (or none) or remove", a.Outliers.Strategy)
	check("outliers.outlierFactor", !(a.Outliers.Factor > 0),
		"%s is not positive; use a multiple of the interquartile range such as 3", num(a.Outliers.Factor))
	e := a.EffectSize
	check("effectSize.measure", e.Measure != MeasureMeanRatio && e.Measure != MeasureCLES,
		"%q is not an effect size measure; use meanRatio or cles", e.Measure)
	if e.Measure == MeasureCLES {
		const what = "it is a common language effect size, the share of pairs in which the canary value is the larger (0.5 = no effect)"
		check("effectSize.allowedIncrease", !(e.AllowedIncrease >= 0.5 && e.AllowedIncrease <= 1),
			"%s is not within [0.5, 1]; %s, such as 0.8", num(e.AllowedIncrease), what)
		check("effectSize.allowedDecrease", !(e.AllowedDecrease > 0 && e.AllowedDecrease <= 0.5),
			"%s is not within (0, 0.5]; %s, such as 0.2", num(e.AllowedDecrease), what)
		check("effectSize.criticalIncrease", !(e.CriticalIncrease >= 0.5 && e.CriticalIncrease <= 1),
			"%s is not within [0.5, 1]; %s, such as 0.9", num(e.CriticalIncrease), what)
		check("effectSize.criticalDecrease", !(e.CriticalDecrease > 0 && e.CriticalDecrease <= 0.5),
			"%s is not within (0, 0.5]; %s, such as 0.1", num(e.CriticalDecrease), what)
	} else {
		check("effectSize.allowedIncrease", !(e.AllowedIncrease >= 1),
			"%s is below 1; it is a ratio canary/baseline, such as 1.1 for 10 %% higher", num(e.AllowedIncrease))
		check("effectSize.allowedDecrease", !(e.AllowedDecrease > 0 && e.AllowedDecrease <= 1),
			"%s is not within (0, 1]; it is a ratio canary/baseline, such as 0.9 for 10 %% lower", num(e.AllowedDecrease))
		check("effectSize.criticalIncrease", !(e.CriticalIncrease >= 1),
			"%s is below 1; it is a ratio canary/baseline, such as 2 for twice as high", num(e.CriticalIncrease))
		check("effectSize.criticalDecrease", !(e.CriticalDecrease > 0 && e.CriticalDecrease <= 1),
			"%s is not within (0, 1]; it is a ratio canary/baseline, such as 0.5 for half", num(e.CriticalDecrease))
	}
	check("effectSize.allowedIncreasePoints", !(e.AllowedIncreasePoints >= 0 && e.AllowedIncreasePoints <= 100),
		"%s is not within 0–100 percentage points", num(e.AllowedIncreasePoints))
	check("effectSize.allowedDecreasePoints", !(e.AllowedDecreasePoints >= 0 && e.AllowedDecreasePoints <= 100),
		"%s is not within 0–100 percentage points", num(e.AllowedDecreasePoints))
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	}
	return "a string"
}

// suggest proposes the known field closest to an unknown one, or lists them.
func suggest(key string, names []string) string {
	if n := nearest.Name(key, names); n != "" {
		return "did you mean " + n + "?"
	}
	return "the known fields here are " + strings.Join(names, ", ")
}
