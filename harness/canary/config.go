package canary

import (
	"maps"
	"slices"
	"strings"
)

// Config says which metrics to judge and how, in the shape of a Kayenta canary
// config (metrics with groups and analysisConfigurations.canary, classifier
// group weights and score thresholds) plus a few Tandem fields: match, unit,
// confidence, minSamples and the percentage-point floors of effectSize.
// LoadConfig reads one from YAML, or from the JSON that Kayenta exports: its
// descriptive fields (id, applications, configVersion, timestamps) are
// accepted, and so is judge when it names NetflixACAJudge; the fields that
// would change what is judged and that Tandem can't honour (a metric's query
// and scopeName, templates, another judge) are refused by name. DefaultConfig
// works without one.
type Config struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Confidence is the level of every metric's interval, 0.98 unless set
	// (Kayenta's). Sequential spreads 1 − Confidence over its looks.
	Confidence float64 `yaml:"confidence"`
	// MinSamples below which a side's sample count draws a warning; 50 unless set.
	MinSamples int        `yaml:"minSamples"`
	Metrics    []Metric   `yaml:"metrics"`
	Classifier Classifier `yaml:"classifier"`
}

// Metric configures one metric, or a family of per-endpoint metrics through
// Match.
type Metric struct {
	// Name matches an input metric of exactly that name.
	Name string `yaml:"name"`
	// Match is a pattern in which * stands for any run of characters, slashes
	// included: "latency *" matches "latency GET /products/{id}". An input
	// metric takes the first config metric whose Name equals its name, else the
	// first whose Match matches it.
	Match string `yaml:"match"`
	// Groups the metric counts in; each needs a weight in Classifier.GroupWeights.
	Groups []string `yaml:"groups"`
	// Unit printed after values in reasons: "ms", "%", "MB".
	Unit     string                 `yaml:"unit"`
	Analysis AnalysisConfigurations `yaml:"analysisConfigurations"`
}

// AnalysisConfigurations wraps Canary, as in Kayenta.
type AnalysisConfigurations struct {
	Canary Analysis `yaml:"canary"`
}

// Analysis is how one metric is judged (Kayenta's analysisConfigurations.canary).
type Analysis struct {
	// Direction of change that fails the metric; Either unless set.
	Direction Direction `yaml:"direction"`
	// NaNStrategy for NaN and infinite values; RemoveNaN unless set.
	NaNStrategy NaNStrategy `yaml:"nanStrategy"`
	// Critical metrics fail the whole scorecard when they are High or Low, or
	// have no data.
	Critical bool `yaml:"critical"`
	// MustHaveData counts NoData as a failure in the metric's groups.
	MustHaveData bool `yaml:"mustHaveData"`
	// Muted metrics are judged and reported but not scored.
	Muted      bool       `yaml:"muted"`
	EffectSize EffectSize `yaml:"effectSize"`
	Outliers   Outliers   `yaml:"outliers"`
}

// EffectSize is how large a statistically significant change must be to
// count, in the units of Measure: ratios canary/baseline of the means (of the
// rates, for proportion metrics), or common language effect sizes. Zero means
// "not set".
type EffectSize struct {
	// Measure is MeasureMeanRatio unless set, or MeasureCLES.
	Measure string `yaml:"measure"`
	// AllowedIncrease: a significant increase fails only at this effect or
	// more: a ratio (1.1 = 10 % higher; 1 unless set) or a CLES (0.8 = a
	// canary value is the larger in 80 % of pairs; 0.5 unless set).
	AllowedIncrease float64 `yaml:"allowedIncrease"`
	// AllowedDecrease: a significant decrease fails only at this effect or
	// less: a ratio (0.9 = 10 % lower; 1 unless set) or a CLES (0.2; 0.5
	// unless set).
	AllowedDecrease float64 `yaml:"allowedDecrease"`
	// CriticalIncrease and CriticalDecrease: a critical metric fails the whole
	// scorecard only beyond these ratios; below them it fails like any other
	// metric. Default to AllowedIncrease and AllowedDecrease.
	CriticalIncrease float64 `yaml:"criticalIncrease"`
	CriticalDecrease float64 `yaml:"criticalDecrease"`
	// AllowedIncreasePoints and AllowedDecreasePoints apply to proportion
	// metrics: the absolute change, in percentage points, that a significant
	// change must also reach (0.2 = 0.1 % → 0.3 % fails, 0.1 % → 0.2 % does not).
	AllowedIncreasePoints float64 `yaml:"allowedIncreasePoints"`
	AllowedDecreasePoints float64 `yaml:"allowedDecreasePoints"`
}

// Effect size measures, as Kayenta names them.
const (
	// MeasureMeanRatio compares the ratio canary/baseline of the means.
	MeasureMeanRatio = "meanRatio"
	// MeasureCLES compares the common language effect size: the share of
	// (canary, baseline) pairs in which the canary value is the larger, ties
	// counting half, from 0 (every canary value lower) through 0.5 (no
	// effect) to 1 (every canary value higher).
	MeasureCLES = "cles"
)

// Outliers configures outlier removal before a continuous metric is compared.
type Outliers struct {
	// Strategy is KeepOutliers unless set.
	Strategy OutlierStrategy `yaml:"strategy"`
	// Factor of the interquartile range beyond which values are outliers; 3
	// unless set (Kayenta's). As in Kayenta, the fences are never tighter than
	// the 1st and 99th percentiles.
	Factor float64 `yaml:"outlierFactor"`
}

// Classifier holds the group weights and the score thresholds.
type Classifier struct {
	// GroupWeights: a group's share of the score. Weights need not add up to
	// 100: the score is normalized over the groups that had data.
	GroupWeights    map[string]float64 `yaml:"groupWeights"`
	ScoreThresholds Thresholds         `yaml:"scoreThresholds"`
}

// Thresholds classify the score: Pass at or above Pass, Marginal at or above
// Marginal, Fail below.
type Thresholds struct {
	Pass     float64 `yaml:"pass"`
	Marginal float64 `yaml:"marginal"`
}

// Direction of change that fails a metric.
type Direction string

const (
	Increase Direction = "increase" // only a significant increase fails
	Decrease Direction = "decrease" // only a significant decrease fails
	Either   Direction = "either"   // both fail
)

// NaNStrategy says what happens to NaN (and ±Inf) values.
type NaNStrategy string

const (
	RemoveNaN  NaNStrategy = "remove"  // drop them
	ReplaceNaN NaNStrategy = "replace" // count them as 0, and pass a metric a side of which has no data (Kayenta's rule)
)

// OutlierStrategy says whether outliers are removed.
type OutlierStrategy string

const (
	KeepOutliers   OutlierStrategy = "keep"   // compare all values ("none" is accepted too)
	RemoveOutliers OutlierStrategy = "remove" // drop values beyond the IQR fences
)

// Defaults of the fields left unset.
const (
	defaultConfidence    = 0.98
	defaultMinSamples    = 50
	defaultOutlierFactor = 3.0
)

// DefaultConfig judges the metrics Tandem's collector produces, per endpoint:
//
//   - latency (match "latency *", group latency, ms): fails when significantly
//     higher and its mean is at least 10 % higher;
//   - errors (match "errors *", group errors, critical): a proportion; fails
//     the canary when significantly higher, at least 1.2 times the baseline rate
//     and at least 0.2 percentage points higher;
//   - cpu (match "cpu *", group resources, %): fails when 20 % higher or 20 %
//     lower (a canary that stops working uses less CPU);
//   - memory (match "memory *", group resources, MB): fails when 20 % higher.
//
// Group weights: latency 50, errors 30, resources 20. Scores of 95 and above
// pass, of 75 and above are marginal.
func DefaultConfig() *Config {
	metric := func(name, group, unit string, a Analysis) Metric {
		return Metric{Name: name, Match: name + " *", Groups: []string{group}, Unit: unit,
			Analysis: AnalysisConfigurations{Canary: a}}
	}
	cfg := &Config{
		Name:        "tandem-default",
		Description: "Latency, errors, CPU and memory per endpoint or service.",
		Metrics: []Metric{
			metric("latency", "latency", "ms", Analysis{Direction: Increase,
				EffectSize: EffectSize{AllowedIncrease: 1.1}}),
			metric("errors", "errors", "", Analysis{Direction: Increase, Critical: true,
				EffectSize: EffectSize{AllowedIncrease: 1.2, AllowedIncreasePoints: 0.2}}),
			metric("cpu", "resources", "%", Analysis{Direction: Either,
				EffectSize: EffectSize{AllowedIncrease: 1.2, AllowedDecrease: 0.8}}),
			metric("memory", "resources", "MB", Analysis{Direction: Increase,
				EffectSize: EffectSize{AllowedIncrease: 1.2}}),
		},
		Classifier: Classifier{
			GroupWeights:    map[string]float64{"latency": 50, "errors": 30, "resources": 20},
			ScoreThresholds: Thresholds{Pass: 95, Marginal: 75},
		},
	}
	cfg.setDefaults()
	return cfg
}

// withDefaults returns a copy of c with the fields left unset filled, so that
// Judge works on a Config built in Go as well as on a loaded one. As in
// Kayenta, groups without a weight share what the weights leave of 100.
func (c *Config) withDefaults() *Config {
	d := *c
	d.Metrics = slices.Clone(c.Metrics)
	d.Classifier.GroupWeights = maps.Clone(c.Classifier.GroupWeights)
	if d.Classifier.GroupWeights == nil {
		d.Classifier.GroupWeights = map[string]float64{}
	}
	if th := &d.Classifier.ScoreThresholds; th.Pass == 0 && th.Marginal == 0 {
		th.Pass, th.Marginal = 95, 75
	}
	var unweighted []string
	var sum float64
	for _, w := range d.Classifier.GroupWeights {
		sum += w
	}
	for _, m := range d.Metrics {
		for _, g := range m.Groups {
			if _, ok := d.Classifier.GroupWeights[g]; !ok && !slices.Contains(unweighted, g) {
				unweighted = append(unweighted, g)
			}
		}
	}
	for _, g := range unweighted {
		d.Classifier.GroupWeights[g] = max(0, 100-sum) / float64(len(unweighted))
	}
	d.setDefaults()
	return &d
}

// setDefaults fills the fields left unset.
func (c *Config) setDefaults() {
	if c.Confidence == 0 {
		c.Confidence = defaultConfidence
	}
	if c.MinSamples == 0 {
		c.MinSamples = defaultMinSamples
	}
	for i := range c.Metrics {
		a := &c.Metrics[i].Analysis.Canary
		if a.Direction == "" {
			a.Direction = Either
		}
		if a.NaNStrategy == "" {
			a.NaNStrategy = RemoveNaN
		}
		if a.Outliers.Strategy == "" || a.Outliers.Strategy == "none" {
			a.Outliers.Strategy = KeepOutliers
		}
		if a.Outliers.Factor == 0 {
			a.Outliers.Factor = defaultOutlierFactor
		}
		e := &a.EffectSize
		if e.Measure == "" {
			e.Measure = MeasureMeanRatio
		}
		// Kayenta's defaults: no effect in the measure's units.
		noEffect := 1.0
		if e.Measure == MeasureCLES {
			noEffect = 0.5
		}
		if e.AllowedIncrease == 0 {
			e.AllowedIncrease = noEffect
		}
		if e.AllowedDecrease == 0 {
			e.AllowedDecrease = noEffect
		}
		if e.CriticalIncrease == 0 {
			e.CriticalIncrease = e.AllowedIncrease
		}
		if e.CriticalDecrease == 0 {
			e.CriticalDecrease = e.AllowedDecrease
		}
	}
}

// metricFor returns the config metric that judges the input metric name.
func (c *Config) metricFor(name string) (*Metric, bool) {
	for i := range c.Metrics {
		if c.Metrics[i].Name == name {
			return &c.Metrics[i], true
		}
	}
	for i := range c.Metrics {
		if p := c.Metrics[i].Match; p != "" && matchPattern(p, name) {
			return &c.Metrics[i], true
		}
	}
	return nil, false
}

// matchPattern reports whether name matches pattern, where * stands for any run
// of characters (slashes included) and everything else stands for itself.
func matchPattern(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == name
	}
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(name, p)
		if i < 0 {
			return false
		}
		name = name[i+len(p):]
	}
	return strings.HasSuffix(name, last) && len(name) >= len(last)
}
