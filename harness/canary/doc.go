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
// under a second. As in NetflixACAJudge, a metric is High when the interval
// lies above a tolerance of a quarter of the estimated shift (0.25·|estimate|,
// which Kayenta fixes) and the effect size reaches
// effectSize.allowedIncrease, Low when it lies below −0.25·|estimate| and the
// effect is at most allowedDecrease; the direction (increase, decrease or
// either) says which of the two fail it. The effect size is the mean ratio
// canary/baseline (effectSize.measure meanRatio, the default) or the common
// language effect size (cles: the share of pairs in which the canary value is
// the larger, 0.5 for no effect, the default threshold then); a mean ratio
// with a zero mean is not compared, as in Kayenta. Before the test, NaN
// values are removed or replaced by 0 (nanStrategy), and outliers may be
// removed beyond Kayenta's interquartile-range fences (outliers). A side
// without data makes the metric NoData, or Pass under nanStrategy replace.
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
// percentage of its metrics with data (or that must have data) that pass; the
// summary score is the weighted sum of the group scores, a group without data
// counting as 100 (with latency weighted 60 and errors 40, half the latency
// metrics High and no errors data score 70); the verdict is Pass at or above
// the pass threshold, Marginal at or above the marginal one, else Fail. A
// critical metric that is High or Low, or has no data, fails the canary with
// a score of 0, and so does having no data for half the metrics or more (a
// metric that must have data counts as failed instead). A side with fewer
// than 50 samples draws a warning.
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
// (Input.Continuous or Input.Proportions), not from the config. Kayenta's
// descriptive fields (id, applications, timestamps) are accepted; the fields
// that would change the judgement and that Tandem can't honour (a metric's
// query and scopeName, templates, a judge other than NetflixACAJudge) are
// refused by name: Tandem judges what its canary run measures.
//
// # Where Tandem differs from Kayenta
//
// Kayenta's own judge tests (ClassifierSuite, ScorerSuite, MannWhitneySuite
// and the effect sizes of StatisticSuite, in spinnaker/kayenta) are ported as
// the kayenta_*_test.go table tests, each case named and cited; they pass.
// Where Tandem does differ, this is why:
//
//   - Interval ends. Kayenta, like R's wilcox.test, finds the interval ends and
//     the estimate by a root search (Brent's, to an absolute 1e-4) on the
//     rank-sum statistic, a step function; Tandem returns the steps
//     themselves, the order statistics of the pairwise differences, exact and
//     fast for a million samples. The two agree to the root finder's
//     tolerance: MannWhitneySuite's interval cases pass at 1e-4 rather than
//     their 1e-6, and a literal port of Kayenta's solver in the tests
//     reproduces its numbers to 1e-6. Values spread over less than 1e-4, as in
//     its "Problem Case", are therefore judged more precisely by Tandem.
//   - Deciding at the bound. Where most values are tied (many zeros on both
//     sides), the statistic jumps across both critical values at one
//     difference, and the two ends sit on that jump; Kayenta's root finder
//     then stops a little to one side of it (its "Intermediate Values" test
//     has a lower end above the upper one), and whether the interval clears
//     the tolerance depends on where. Tandem asks the test at the bound
//     itself: High when the statistic at +0.25·|estimate| rejects that shift
//     in favour of larger ones, which for a monotone statistic is the interval
//     lying above the bound and stays defined on the jump ("High Metric
//     (Large Input)" is High in both).
//   - No added noise. When each side is constant Kayenta adds Gaussian noise
//     of relative size 1e-5 so that its solver can run; Tandem's
//     tie-corrected statistic is defined there, so its verdicts are
//     reproducible ("Tied Ranks" is High in both).
//   - The reported ratio. Kayenta reports a mean ratio of NaN when either mean
//     is 0; Tandem reports +Inf (up from zero), 0 (down to zero) or 1 (both
//     zero), which the reasons can put in words. Classification treats all of
//     them as Kayenta treats NaN: the effect size is not compared.
//   - Proportions are Tandem's own. Kayenta judges every metric as a series of
//     values; Tandem judges error counts as rates, with the z or Fisher test,
//     the allowed ratio and the percentage-point floor, because a rank test
//     sees a mostly-zero series as unchanged. The tolerance is not applied to
//     rates: the floor does its work (a rise must be material in points, not
//     only relative to its own estimate). Their CLES is 0.5 + Δrate/2, the
//     same share of pairs for 0/1 outcomes.
//   - Weights. Kayenta divides the weighted sum by 100, assuming weights that
//     add up to 100 (those of unweighted groups share what is left); Tandem
//     divides by the sum of the weights: the same there, and a score within
//     0–100 when they don't add up.
//   - Muted and absent groups. Kayenta leaves muted metrics out before
//     scoring, so a group whose metrics are all muted loses its weight and the
//     score can't reach 100; Tandem scores such a group, and the group of a
//     config metric that received no data, as a group without data (100),
//     with a warning for the latter. Such a metric is not counted among those
//     without data: Kayenta queries every config metric, Tandem judges what
//     was measured.
//   - Critical thresholds default to the allowed ones (Kayenta: to 1, or 0.5
//     for cles); as a metric is High or Low only beyond the allowed ones, this
//     decides the same.
//   - Not ported: ClassifierSuite's MeanInequalityClassifier cases (a
//     classifier NetflixACAJudge doesn't use), StatisticSuite's standard
//     deviation and Cohen's d (not used in judging).
//   - Tandem's additions: match, unit, confidence (Kayenta fixes 0.98),
//     minSamples, the percentage-point floors, score thresholds in the config
//     (Kayenta takes them with each request), and the sequential looks.
//
// # Stopping early
//
// Sequential judges while the samples accumulate, up to a planned number of
// looks K, and stops at the first look where the verdict can no longer change.
// Judging each look at the fixed 98 % level would give every look its own 2 %
// chance of a false alarm: over ten looks an unchanged canary's interval
// excludes 0 about four times as often as it should (8.8 % against 2 % in
// this package's simulation, where the sequential judge's repeated intervals
// stay at 1.8 %, and its High or Low, which must also clear the tolerance,
// at 0.1 %). Sequential instead uses a group sequential design with alpha
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
// that have not crossed yet. At look k every metric is judged by Judge's
// rules (tolerance, effect size, scoring) with the interval and significance
// level of z_k: these are repeated confidence
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
