package canary

import (
	"math"
	"testing"
)

// TestKayentaStatisticSuite ports the tests of Kayenta's
// kayenta-judge/src/test/scala/com/netflix/kayenta/judge/StatisticSuite.scala
// (spinnaker/kayenta a69573be) that NetflixACAJudge's decisions rest on: the
// effect sizes (mean ratio and CLES) and the percentiles behind the outlier
// fences. Not ported: the summary statistics' standard deviation, which Tandem
// does not report, and Cohen's d, which NetflixACAJudge does not use.
func TestKayentaStatisticSuite(t *testing.T) {
	// Tandem takes the ratio of the sides' summary statistics, as Kayenta's
	// classifier does.
	meanRatio := func(baseline, canary []float64) float64 {
		_, b := prepare(baseline, Analysis{})
		_, c := prepare(canary, Analysis{})
		return effectOf(EffectSize{Measure: MeasureMeanRatio}, c.Mean, b.Mean, 0)
	}
	cles := func(baseline, canary []float64) float64 {
		return mannWhitney(sorted(canary), sorted(baseline), twoSidedZ(0.02)).CLES
	}
	five := func(v float64) []float64 { return []float64{v, v, v, v, v} }
	for _, tc := range []struct {
		name       string // the test's name in StatisticSuite.scala
		got        float64
		want, prec float64 // want NaN: NaN
	}{
		{"Effect Size: Mean Ratio (No Effect)", meanRatio(five(1), five(1)), 1, 0},
		{"Effect Size: Mean Ratio (Summary Stats)", meanRatio(five(1), five(1)), 1, 0},
		{"Effect Size: Mean Ratio (High)", meanRatio(five(1), five(10)), 10, 0},
		{"Effect Size: Mean Ratio (Low)", meanRatio(five(100), five(10)), 0.1, 0},
		{"Effect Size: Mean Ratio (Zero Mean)", meanRatio(five(0), five(10)), math.NaN(), 0},
		{"CLES Effect Size: Identical", cles([]float64{1, 2, 3, 4, 5}, []float64{1, 2, 3, 4, 5}), 0.5, 0},
		{"CLES Effect Size: Different (No Overlap)", cles(kayentaClesApartBaseline, kayentaClesApartCanary), 0, 0},
		{"CLES Effect Size: High Metric", cles(kayentaClesStatHighBaseline, kayentaClesStatHighCanary), 0.771, 0.001},
		{"CLES Effect Size: Low Metric", cles(kayentaClesStatLowBaseline, kayentaClesStatLowCanary), 0.12, 1e-12},
		{"Summary Statistics: Basic Percentile (5)", percentile(sorted([]float64{0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5}), 5), 0.175, 1e-4},
		{"Summary Statistics: Basic Percentile (50)", percentile(sorted([]float64{0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5}), 50), 1.75, 0},
		{"Summary Statistics: Basic Percentile (100)", percentile(sorted([]float64{0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5}), 100), 3.5, 0},
		{"Summary Statistics: Basic Percentile Estimate (Linear Interpolation)",
			percentile(sorted([]float64{0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0}), 50), 4.5, 0},
		{"Summary Statistics: Percentile (NIST Data)", percentile(sorted([]float64{
			95.1772, 95.1567, 95.1937, 95.1959, 95.1442, 95.0610,
			95.1591, 95.1195, 95.1772, 95.0925, 95.1990, 95.1682,
		}), 90), 95.19568, 1e-9},
		{"Summary Statistics: Percentile Metric Object", percentile([]float64{1.0}, 100), 1, 0},
		{"Summary Statistics: Percentile Estimate (Linear Interpolation) (25)", percentile(sorted(kayentaPercentileData), 25), 0, 0},
		{"Summary Statistics: Percentile Estimate (Linear Interpolation) (75)", percentile(sorted(kayentaPercentileData), 75), 0.0416, 1e-4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if math.IsNaN(tc.want) {
				if !math.IsNaN(tc.got) {
					t.Errorf("%v, Kayenta NaN", tc.got)
				}
				return
			}
			if math.Abs(tc.got-tc.want) > tc.prec {
				t.Errorf("%v, Kayenta %v", tc.got, tc.want)
			}
		})
	}
}

// kayentaPercentileData: testData in StatisticSuite's "Summary Statistics:
// Percentile Estimate (Linear Interpolation)".
var kayentaPercentileData = []float64{
	0.07142857142857144, 0.02083333333333332, 0.16666666666666666,
	0.03448275862068966, 0.038461538461538464, 0.03225806451612904,
	0.027777777777777773, 0.0, 0.23076923076923078, 0.10344827586206898,
	0.04545454545454542, 0.0, 0.028571428571428564, 0.0, 0.0, 0.04, 0.0, 0.0,
	0.05128205128205127, 0.10714285714285716, 0.0263157894736842,
	0.04166666666666667, 0.09523809523809522, 0.02941176470588235,
	0.024999999999999984, 0.0, 0.0, 0.023809523809523794, 0.0,
	0.02564102564102563, 0.0, 0.0, 0.028571428571428564, 0.07142857142857144,
	0.047619047619047596, 0.021276595744680833, 0.02564102564102563, 0.03125,
	0.03125, 0.03125, 0.11363636363636356, 0.03571428571428572, 0.0,
	0.02777777777777777, 0.0, 0.0, 0.055555555555555546, 0.028571428571428564,
	0.03225806451612904,
}
