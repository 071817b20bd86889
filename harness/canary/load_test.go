package canary

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	cfg, err := LoadConfig("testdata/canary.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Confidence != 0.98 || cfg.MinSamples != 100 || len(cfg.Metrics) != 4 {
		t.Errorf("top level: %+v", cfg)
	}
	lat := cfg.Metrics[0].Analysis.Canary
	if lat.Direction != Increase || lat.EffectSize.AllowedIncrease != 1.15 || lat.EffectSize.AllowedDecrease != 1 ||
		lat.Outliers.Strategy != RemoveOutliers || lat.Outliers.Factor != 5 || lat.NaNStrategy != RemoveNaN {
		t.Errorf("latency analysis: %+v", lat)
	}
	orders := cfg.Metrics[1].Analysis.Canary
	if !orders.Critical || orders.EffectSize.CriticalIncrease != 2 {
		t.Errorf("orders analysis: %+v", orders)
	}
	if th := cfg.Classifier.ScoreThresholds; th.Pass != 90 || th.Marginal != 70 {
		t.Errorf("thresholds: %+v", th)
	}
	// An exact name wins over an earlier pattern.
	if m, _ := cfg.metricFor("latency POST /orders"); m.Name != "latency POST /orders" {
		t.Errorf("latency POST /orders judged by %s", m.Name)
	}
	if m, _ := cfg.metricFor("latency GET /products"); m.Name != "latency" {
		t.Errorf("latency GET /products judged by %s", m.Name)
	}
}

func TestLoadKayentaConfig(t *testing.T) {
	cfg, err := LoadConfig("testdata/kayenta.json")
	if err != nil {
		t.Fatal(err)
	}
	errs := cfg.Metrics[0].Analysis.Canary
	if !errs.Critical || !errs.MustHaveData || errs.NaNStrategy != ReplaceNaN || errs.EffectSize.CriticalIncrease != 5 {
		t.Errorf("http errors: %+v", errs)
	}
	if th := cfg.Classifier.ScoreThresholds; th.Pass != 95 || th.Marginal != 75 {
		t.Errorf("default thresholds: %+v", th)
	}
	sc := Judge(cfg, Input{Continuous: map[string]Samples{"latency p99": {Baseline: []float64{1, 2, 3}, Canary: []float64{1, 2, 3}}}})
	if sc.Verdict != VerdictPass {
		t.Errorf("%s: %s", sc.Verdict, sc.Reason)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string // each must appear in the error
	}{
		{"unknown_field.yaml", []string{
			`unknown_field.yaml:7: metric "latency": analysisConfigurations.canary.effectSize.allowedIncrese: unknown field; did you mean allowedIncrease?`,
			`unknown_field.yaml:10: metric "errors": analysisConfiguration: unknown field; did you mean analysisConfigurations?`,
		}},
		{"bad_direction.yaml", []string{
			`bad_direction.yaml:6: metric "latency": analysisConfigurations.canary.direction: "up" is not a direction; use increase, decrease or either`,
			`bad_direction.yaml:7: metric "latency": analysisConfigurations.canary.nanStrategy: "drop" is not a NaN strategy; use remove or replace`,
		}},
		{"weights_not_positive.yaml", []string{
			`weights_not_positive.yaml:11: classifier.groupWeights.errors: -5 is not positive; give every group a weight above 0`,
			`weights_not_positive.yaml:10: classifier.groupWeights.latency: 0 is not positive`,
			`weights_not_positive.yaml:7: metric "cpu": groups: group "resources" has no weight; add it to classifier.groupWeights, such as "resources: 20"`,
		}},
		{"thresholds_inverted.yaml", []string{
			`thresholds_inverted.yaml:6: classifier.scoreThresholds: marginal 95 is above pass 75; the thresholds are inverted: swap them`,
		}},
		{"wrong_types.yaml", []string{
			`wrong_types.yaml:1: confidence: "high" is not a number`,
			`wrong_types.yaml:4: metric "latency": groups: want a list, got "latency"`,
			`wrong_types.yaml:7: metric "latency": analysisConfigurations.canary.critical: "sometimes" is not true or false`,
		}},
		{"kayenta_export.json", []string{
			`kayenta_export.json:11: judge: Tandem judges by NetflixACAJudge's rules only, without judge configurations; remove judge, or name NetflixACAJudge-v1.0 with empty judgeConfigurations`,
			`kayenta_export.json:12: templates: templates fill metric queries, which Tandem does not run; remove them`,
			`kayenta_export.json:16: metric "http errors": query: Tandem does not run metric queries: it judges what it measures during the canary run`,
			`remove query, and name the metric (or give it a match pattern) after what Tandem measures`,
			`kayenta_export.json:27: metric "http errors": scopeName: Tandem compares exactly two scopes, the baseline and the canary it runs; remove scopeName`,
			`kayenta_export.json:31: metric "latency p99": query: Tandem does not run metric queries`,
			`kayenta_export.json:41: metric "latency p99": scopeName: Tandem compares exactly two scopes`,
		}},
		{"no_metrics.yaml", []string{`no_metrics.yaml: metrics: the file defines no metric; add at least one`}},
		{"syntax.yaml", []string{`syntax.yaml: line 3: mapping values are not allowed in this context; fix the YAML syntax`}},
		{"empty.yaml", []string{`empty.yaml: the file is empty`}},
		{"missing.yaml", []string{`load canary config: open testdata/invalid/missing.yaml: no such file or directory`}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			_, err := LoadConfig(filepath.Join("testdata", "invalid", tc.file))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks\n  %s\ngot\n  %s", w, strings.ReplaceAll(err.Error(), "\n", "\n  "))
				}
			}
		})
	}
}

// TestLoadConfigSemantics covers values that parse but make no sense.
func TestLoadConfigSemantics(t *testing.T) {
	base := "classifier: {groupWeights: {latency: 1}}\nmetrics:\n  - name: latency\n    groups: [latency]\n"
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"allowed increase below 1", base + "    analysisConfigurations: {canary: {effectSize: {allowedIncrease: 0.9}}}\n",
			`metric "latency": analysisConfigurations.canary.effectSize.allowedIncrease: 0.9 is below 1`},
		{"allowed decrease above 1", base + "    analysisConfigurations: {canary: {effectSize: {allowedDecrease: 1.5}}}\n",
			`analysisConfigurations.canary.effectSize.allowedDecrease: 1.5 is not within (0, 1]`},
		{"unknown measure", base + "    analysisConfigurations: {canary: {effectSize: {measure: cohenD}}}\n",
			`effectSize.measure: "cohenD" is not an effect size measure; use meanRatio or cles`},
		{"cles increase is a share of pairs", base + "    analysisConfigurations: {canary: {effectSize: {measure: cles, allowedIncrease: 1.1}}}\n",
			`effectSize.allowedIncrease: 1.1 is not within [0.5, 1]; it is a common language effect size`},
		{"cles decrease below one half", base + "    analysisConfigurations: {canary: {effectSize: {measure: cles, allowedDecrease: 0.8}}}\n",
			`effectSize.allowedDecrease: 0.8 is not within (0, 0.5]`},
		{"outlier factor zero", base + "    analysisConfigurations: {canary: {outliers: {strategy: remove, outlierFactor: 0}}}\n",
			`outliers.outlierFactor: 0 is not positive`},
		{"confidence 1", "confidence: 1\n" + base, `confidence: 1 is not between 0.5 and 1`},
		{"duplicate metric", base + "  - name: latency\n    groups: [latency]\n", `metric "latency": name: defined twice`},
		{"metric without name", base + "  - groups: [latency]\n", `metric "metrics[1]": name: missing`},
		{"metric without groups", base + "  - name: cpu\n", `metric "cpu": groups: missing`},
		{"pattern in name", base + "  - name: cpu *\n    groups: [latency]\n", `name: contains *; put patterns in match`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig("inline.yaml", []byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestDefaultConfigIsValid(t *testing.T) {
	cfg := DefaultConfig()
	for _, m := range cfg.Metrics {
		for _, g := range m.Groups {
			if !(cfg.Classifier.GroupWeights[g] > 0) {
				t.Errorf("%s: group %s has no weight", m.Name, g)
			}
		}
	}
	if cfg.Confidence != 0.98 || cfg.MinSamples != 50 {
		t.Errorf("defaults: %+v", cfg)
	}
}

// TestDocConfigLoads keeps the YAML example of the package documentation true.
func TestDocConfigLoads(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	start := strings.Index(doc, "//\tmetrics:")
	end := start + strings.Index(doc[start:], "//\n")
	var yaml strings.Builder
	for _, line := range strings.Split(doc[start:end], "\n") {
		yaml.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "//"), "\t") + "\n")
	}
	cfg, err := parseConfig("doc.go", []byte(yaml.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, yaml.String())
	}
	if len(cfg.Metrics) != 2 || !cfg.Metrics[1].Analysis.Canary.Critical {
		t.Errorf("doc example loaded as %+v", cfg.Metrics)
	}
}
