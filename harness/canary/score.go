package canary

import (
	"fmt"
	"math"
	"strings"
)

// scoreCard fills the groups, score, verdict and reason of a scorecard whose
// metrics are judged, as Kayenta's WeightedSumScorer and
// ThresholdScoreClassifier do: a group's score is the percentage of its
// metrics with data (or that must have data) that pass; the summary is the
// weighted mean of the group scores, a group without data counting as 100; a
// critical failure, or no data for half the metrics or more, fails the canary
// with a score of 0.
func scoreCard(cfg *Config, sc *Scorecard) {
	sc.Groups, sc.Score = groupScores(cfg, sc.Metrics)
	var zero bool
	sc.Verdict, sc.Reason, zero = verdict(cfg, sc.Metrics, sc.Score)
	if zero {
		sc.Score = 0
	}
}

func groupScores(cfg *Config, results []MetricResult) ([]GroupResult, float64) {
	var groups []GroupResult
	index := map[string]int{}
	group := func(name string) *GroupResult {
		i, ok := index[name]
		if !ok {
			i = len(groups)
			index[name] = i
			groups = append(groups, GroupResult{Name: name, Weight: cfg.Classifier.GroupWeights[name]})
		}
		return &groups[i]
	}
	// Groups appear in config order, whether or not they received data.
	for _, m := range cfg.Metrics {
		for _, g := range m.Groups {
			group(g)
		}
	}
	mustHaveData := mustHaveDataByConfig(cfg)
	failedNoData := map[string]int{}
	for _, r := range results {
		if r.Muted {
			continue
		}
		for _, name := range r.Groups {
			g := group(name)
			switch r.Classification {
			case Pass:
				g.Pass++
			case High:
				g.High++
			case Low:
				g.Low++
			case NoData:
				g.NoData++
				if mustHaveData[r.Config] {
					failedNoData[name]++
				}
			}
		}
	}
	// Kayenta's summary is Σ weight·score/100 with weights that add up to
	// 100, and a group without data scores 100 in it (its own score stays 0).
	// Dividing by the sum of the weights gives the same where they add up to
	// 100 and keeps 0–100 where they don't.
	var sum, weights float64
	for i := range groups {
		g := &groups[i]
		weights += g.Weight
		n := g.Pass + g.High + g.Low + failedNoData[g.Name]
		if n == 0 {
			sum += g.Weight * 100
			continue
		}
		g.HasData = true
		g.Score = 100 * float64(g.Pass) / float64(n)
		sum += g.Weight * g.Score
	}
	if weights == 0 {
		return groups, 0
	}
	return groups, math.Round(sum/weights*100) / 100
}

func mustHaveDataByConfig(cfg *Config) map[string]bool {
	m := map[string]bool{}
	for _, c := range cfg.Metrics {
		m[c.Name] = c.Analysis.Canary.MustHaveData
	}
	return m
}

// verdict classifies the score and explains it in one sentence. zero is set
// when the canary fails whatever the score, which Kayenta then reports as 0:
// a critical failure, or no data for half the metrics or more (a metric that
// must have data counts as failed instead).
func verdict(cfg *Config, results []MetricResult, score float64) (v Verdict, reason string, zero bool) {
	mustHaveData := mustHaveDataByConfig(cfg)
	var scored, failed, critical, noData []MetricResult
	for _, r := range results {
		if r.Muted {
			continue
		}
		scored = append(scored, r)
		switch {
		case r.CriticalFailure || (r.Critical && r.Classification == NoData):
			critical = append(critical, r)
			failed = append(failed, r)
		case r.Classification == High || r.Classification == Low:
			failed = append(failed, r)
		case r.Classification == NoData && mustHaveData[r.Config]:
			failed = append(failed, r)
		case r.Classification == NoData:
			noData = append(noData, r)
		}
	}
	th := cfg.Classifier.ScoreThresholds
	switch {
	case len(scored) == 0:
		return VerdictFail, "Fail: no metric of the input matches the config, so there is nothing to judge", true
	case len(critical) > 0:
		return VerdictFail, "Fail: " + critical[0].Reason + more(failed, critical[0]), true
	case 2*len(noData) >= len(scored):
		return VerdictFail, fmt.Sprintf("Fail: %d of %d metrics %s no data, too many to judge the canary (%s)",
			len(noData), len(scored), hasHave(len(noData)), noData[0].Reason), true
	}
	v = VerdictFail
	switch {
	case score >= th.Pass:
		v = VerdictPass
	case score >= th.Marginal:
		v = VerdictMarginal
	}
	if len(failed) == 0 {
		s := fmt.Sprintf("Pass: every metric passes (%d of %d; score %s)", len(scored), len(scored), num(score))
		if len(noData) > 0 {
			s = fmt.Sprintf("Pass: every metric with data passes (%d of %d, %d %s no data; score %s)",
				len(scored)-len(noData), len(scored), len(noData), hasHave(len(noData)), num(score))
		}
		return v, s, false
	}
	worst := worstOf(failed)
	var s string
	switch v {
	case VerdictPass:
		s = fmt.Sprintf("Pass: score %s meets the pass threshold %s although %s%s", num(score), num(th.Pass), worst.Reason, more(failed, worst))
	case VerdictMarginal:
		s = fmt.Sprintf("Marginal: %s%s; score %s is below the pass threshold %s", worst.Reason, more(failed, worst), num(score), num(th.Pass))
	default:
		s = fmt.Sprintf("Fail: %s%s; score %s is below the marginal threshold %s", worst.Reason, more(failed, worst), num(score), num(th.Marginal))
	}
	return v, s, false
}

// worstOf picks the failed metric to name in the verdict: the largest change.
func worstOf(failed []MetricResult) MetricResult {
	worst, size := failed[0], -1.0
	for _, r := range failed {
		s := math.Abs(math.Log(r.EffectSize))
		if math.IsNaN(s) {
			s = 0
		}
		if s > size {
			worst, size = r, s
		}
	}
	return worst
}

// more names the other failed metrics: "; 2 more metrics failed (a, b)".
func more(failed []MetricResult, named MetricResult) string {
	var others []string
	for _, r := range failed {
		if r.Name != named.Name {
			others = append(others, r.Name)
		}
	}
	switch {
	case len(others) == 0:
		return ""
	case len(others) == 1:
		return "; 1 more metric failed (" + others[0] + ")"
	case len(others) > 3:
		others = append(others[:3], "…")
	}
	return fmt.Sprintf("; %d more metrics failed (%s)", len(failed)-1, strings.Join(others, ", "))
}

func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}
