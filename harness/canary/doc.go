// Package canary judges a canary against its baseline, metric by metric, and
// scores the result the way Netflix's Kayenta (NetflixACAJudge) does.
//
// # Judging
//
// Judge takes the data of each metric on both sides, an Input, and returns a
// Scorecard: every metric classified Pass, High, Low or NoData with a
// one-sentence reason, a score per group, a summary score from 0 to 100 and a
// verdict, Pass, Marginal or Fail, explained in one sentence:
//
//	Fail: latency GET /products/{id} is 52 % higher on the canary (p50 31 ms vs
//	20 ms; 98 % interval of the shift +9.8 to +11.4 ms); score 66.7 is below the
//	marginal threshold 75
//
// Continuous metrics (latency, CPU, memory) are compared with the
// Mann-Whitney U test. As in Kayenta and R's wilcox.test(conf.int = TRUE), the
// 98 % confidence interval of the location shift canary − baseline comes from
// the normal approximation with tie and continuity correction; the ends of
// the interval are order statistics of the n·m pairwise differences, found by
// selection without building them, so a million samples a side take well
// under a second. A metric is High when the interval lies above 0 and the
// mean ratio canary/baseline reaches effectSize.allowedIncrease, Low when it
// lies below 0 and the ratio is at most allowedDecrease; the direction
// (increase, decrease or either) says which of the two fail it. Before the
// test, NaN values are removed or replaced by 0 (nanStrategy), and outliers
// may be removed beyond Kayenta's interquartile-range fences (outliers).
//
// Proportion metrics (errors out of requests) are compared as rates, with the
// pooled two-proportion z-test, or Fisher's exact test when an expected cell
// count is below 5. Rank tests see a series that is mostly zero as unchanged;
// rates do not: 2 % errors against 0 % over 1,000 requests each is High. A
// significant rise must also reach the allowed ratio and the
// allowedIncreasePoints floor, so that 0.1 % against 0 % does not fail a
// canary.
//
// Scoring follows Kayenta's WeightedSumScorer: a group's score is the
// percentage of its metrics with data that pass; the summary score is the
// weighted mean over the groups that had data; the verdict is Pass at or above
// the pass threshold, Marginal at or above the marginal one, else Fail. A
// critical metric that is High or Low, or has no data, fails the canary
// whatever the score, and so does having no data for half the metrics or more.
// A side with fewer than 50 samples draws a warning.
//
// LoadConfig reads a Config in the shape of Kayenta's canary config, in YAML or
// in the JSON Kayenta exports; DefaultConfig covers Tandem's collector:
//
//	metrics:
//	  - name: latency
//	    match: "latency *"          # per endpoint: "latency GET /products/{id}"
//	    groups: [latency]
//	    unit: ms
//	    analysisConfigurations:
//	      canary:
//	        direction: increase
//	        nanStrategy: remove
//	        effectSize: {allowedIncrease: 1.1}
//	        outliers: {strategy: keep}
//	  - name: errors
//	    match: "errors *"
//	    groups: [errors]
//	    analysisConfigurations:
//	      canary:
//	        direction: increase
//	        critical: true
//	        effectSize: {allowedIncrease: 1.2, allowedIncreasePoints: 0.2}
//	classifier:
//	  groupWeights: {latency: 60, errors: 40}
//	  scoreThresholds: {pass: 95, marginal: 75}
//
// Whether a metric is continuous or a proportion follows from its data
// (Input.Continuous or Input.Proportions), not from the config.
//
// # Stopping early
//
// Sequential judges while the samples accumulate, up to a planned number of
// looks K, and stops at the first look where the verdict can no longer change.
// Judging each look at the fixed 98 % level would give every look its own 2 %
// chance of a false alarm: over ten looks an unchanged canary fails about four
// times as often as it should (8.8 % against 2 % in this package's
// simulation, where the sequential judge stays at 1.8 %). Sequential instead uses a group sequential design with alpha
// spending (Lan and DeMets, 1983) and the O'Brien–Fleming-type spending
// function, two-sided with α/2 spent on each side:
//
//	α₁(t) = 2 − 2Φ(z_{1−α/4} / √t),  t_k = k/K,  α = 1 − Confidence.
//
// The standardized statistics Z_k of the looks behave like a Brownian motion
// observed at the information times t_k (the rank-sum statistic does too,
// asymptotically), so boundaries z_1 … z_K can be chosen that the motion
// first crosses at look k with probability 2(α₁(t_k) − α₁(t_{k−1})); in all, it
// crosses with probability α. The boundaries come from the
// Armitage–McPherson–Rowe recursion, integrating the density of the paths
// that have not crossed yet. At look k every metric is judged with the
// interval and significance level of z_k: these are repeated confidence
// intervals (Jennison and Turnbull, 1989), which cover the true shift at all
// looks at once with probability 1 − α. A metric is High or Low at some look,
// under no change, with probability at most α, however early Sequential stops.
// With α = 0.02 and ten looks the boundaries run from z = 8.06 at the first
// look through 3.48 at the fifth to 2.42 at the last (2.33 for a single look).
//
// Why this method: a canary run has a planned maximum length, so nothing is
// gained from the always-valid guarantees of mixture SPRTs or confidence
// sequences, which pay for an unlimited number of looks with wider intervals
// at every look. O'Brien–Fleming spending keeps almost all of α for the end:
// early looks stop only for large regressions, the ones worth stopping for,
// and the last look has nearly the power of the fixed-sample test. Pocock's
// even spending would stop earlier for moderate changes but end with a
// critical value well above the fixed one. And the boundaries are just
// critical values, so the same Mann-Whitney, z and Fisher machinery judges
// every look.
//
// A metric is settled when it is High or Low, or when its repeated interval
// rules out every change that would fail it (for continuous metrics the
// allowed ratio is taken as a shift of the baseline median). The verdict is
// certain, and Sequential stops, when scoring the unsettled metrics as passes
// and as failures gives the same verdict. The guarantee assumes the looks are
// equally spaced in sample count; uneven looks change it little.
package canary
