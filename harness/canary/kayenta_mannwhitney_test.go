package canary

import (
	"math"
	"slices"
	"testing"
)

// Kayenta's kayenta-mannwhitney (MannWhitney.scala and BrentSolver.java,
// spinnaker/kayenta a69573be), written out literally: the interval ends and
// the estimate are roots of wilcoxonDiff found by Brent's method (R's zeroin)
// with an absolute tolerance of 1e-4, as R's wilcox.test finds them with
// uniroot. It checks that MannWhitneySuite's numbers come from this algorithm,
// so that where Tandem's exact ends differ from them the difference is the
// root finder's, not the statistic's.

// kayentaWilcoxonDiff is MannWhitney.wilcoxonDiff.
func kayentaWilcoxonDiff(mu, quantile float64, x, y []float64) float64 {
	nx, ny := float64(len(x)), float64(len(y))
	pooled := make([]float64, 0, len(x)+len(y))
	for _, v := range x {
		pooled = append(pooled, v-mu)
	}
	pooled = append(pooled, y...)
	ranks, ties := averageRanks(pooled)
	var sx float64
	for i := range x {
		sx += ranks[i]
	}
	dz := sx - nx*(nx+1)/2 - nx*ny/2
	sigma := math.Sqrt(nx * ny / 12 * ((nx + ny + 1) - ties/((nx+ny)*(nx+ny-1))))
	return (dz-sign(dz)*0.5)/sigma - quantile
}

// kayentaBrentTolerance is BrentSolver.TOLERANCE: zeroin returns a point within
// about this distance of the root.
const kayentaBrentTolerance = 1e-4

// kayentaBrent is BrentSolver.solve.
func kayentaBrent(ax, bx, fa, fb float64, f func(float64) float64) float64 {
	const eps = 2.220446049250313e-16
	a, b := ax, bx
	c, fc := a, fa
	if math.Abs(fa) <= 0 {
		return a
	}
	if math.Abs(fb) <= 0 {
		return b
	}
	for range 1001 {
		prevStep := b - a
		if math.Abs(fc) < math.Abs(fb) {
			a, b, c = b, c, b
			fa, fb, fc = fb, fc, fb
		}
		tolAct := 2*eps*math.Abs(b) + kayentaBrentTolerance/2
		newStep := (c - b) / 2
		if math.Abs(newStep) <= tolAct || fb == 0 {
			return b
		}
		if math.Abs(prevStep) >= tolAct && math.Abs(fa) > math.Abs(fb) {
			var p, q float64
			cb := c - b
			if a == c {
				t1 := fb / fa
				p = cb * t1
				q = 1 - t1
			} else {
				q = fa / fc
				t1 := fb / fc
				t2 := fb / fa
				p = t2 * (cb*q*(q-t1) - (b-a)*(t1-1))
				q = (q - 1) * (t1 - 1) * (t2 - 1)
			}
			if p > 0 {
				q = -q
			} else {
				p = -p
			}
			if p < 0.75*cb*q-math.Abs(tolAct*q)/2 && p < math.Abs(prevStep*q/2) {
				newStep = p / q
			}
		}
		if math.Abs(newStep) < tolAct {
			if newStep > 0 {
				newStep = tolAct
			} else {
				newStep = -tolAct
			}
		}
		a, fa = b, fb
		b += newStep
		fb = f(b)
		if fb > 0 && fc > 0 || fb < 0 && fc < 0 {
			c, fc = a, fa
		}
	}
	return b
}

// kayentaMannWhitney is MannWhitney.mannWhitneyUTest(x, y, confidenceLevel).
func kayentaMannWhitney(x, y []float64, conf float64) (lower, upper, estimate float64) {
	muMin := slices.Min(x) - slices.Max(y)
	muMax := slices.Max(x) - slices.Min(y)
	root := func(zq float64) float64 {
		f := func(mu float64) float64 { return kayentaWilcoxonDiff(mu, zq, x, y) }
		fl, fu := f(muMin), f(muMax)
		switch {
		case fl <= 0:
			return muMin
		case fu >= 0:
			return muMax
		}
		return kayentaBrent(muMin, muMax, fl, fu, f)
	}
	zq := normalQuantile((1 - conf) / 2)
	f0 := func(mu float64) float64 { return kayentaWilcoxonDiff(mu, 0, x, y) }
	return root(-zq), root(zq), kayentaBrent(muMin, muMax, f0(muMin), f0(muMax), f0)
}

// TestKayentaMannWhitneySuite ports every test of Kayenta's
// kayenta-mannwhitney/src/test/scala/com/netflix/kayenta/mannwhitney/MannWhitneySuite.scala
// (spinnaker/kayenta a69573be), named as there. Its tolerance is
// E = 0.000001 (0.0001 for the estimates compared with R).
//
// The statistic (wilcoxonDiff) agrees to E. The interval ends and estimate
// are Kayenta's and R's root finder's, within its tolerance of the jump of a
// step function; Tandem's are the jumps themselves, the order statistics of
// the pairwise differences. The literal port above reproduces Kayenta's
// numbers to E, and Tandem's are within the root finder's tolerance of them:
// there, and only there, Tandem differs, as the package documentation says.
func TestKayentaMannWhitneySuite(t *testing.T) {
	const e = 0.000001
	near := func(t *testing.T, what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s = %.10g, Kayenta %.10g (difference %.3g, tolerance %.3g)", what, got, want, math.Abs(got-want), tol)
		}
	}
	// tandemZ is Tandem's statistic at a shift: wilcoxonDiff(mu, 0, x, y).
	tandemZ := func(x, y []float64, mu float64) float64 {
		return rankSum(sorted(x), sorted(y), mu).z()
	}
	// interval checks Kayenta's expected numbers against the literal port
	// (to E), and Tandem's against them (to the root finder's tolerance, or
	// to E where the test asks for exact ends).
	interval := func(t *testing.T, x, y []float64, conf, lower, upper, est, estTol, tandemTol float64) {
		t.Helper()
		kl, ku, ke := kayentaMannWhitney(x, y, conf)
		near(t, "ported lower end", kl, lower, e)
		near(t, "ported upper end", ku, upper, e)
		near(t, "ported estimate", ke, est, estTol)
		got := mannWhitney(sorted(x), sorted(y), twoSidedZ(1-conf))
		near(t, "lower end", got.Lower, lower, tandemTol)
		near(t, "upper end", got.Upper, upper, tandemTol)
		near(t, "estimate", got.Estimate, est, max(estTol, tandemTol))
	}

	t.Run("Wilcoxon Diff Function", func(t *testing.T) {
		x, y := kayentaProblemX, kayentaProblemY
		near(t, "ported wilcoxonDiff(0, 0)", kayentaWilcoxonDiff(0, 0, x, y), -1.229416, e)
		near(t, "ported wilcoxonDiff(5, 0)", kayentaWilcoxonDiff(5, 0, x, y), -35.80606, e)
		near(t, "wilcoxonDiff(0, 0)", tandemZ(x, y, 0), -1.229416, e)
		near(t, "wilcoxonDiff(5, 0)", tandemZ(x, y, 5), -35.80606, e)
	})
	t.Run("Test zQuant", func(t *testing.T) {
		near(t, "zQuant", normalQuantile(0.02/2), -2.326348, e)
		near(t, "two-sided z", twoSidedZ(0.02), 2.326348, e)
	})
	t.Run("Mann-Whitney Confidence Interval & Estimate", func(t *testing.T) {
		// The ends are differences themselves: exact in both.
		interval(t, []float64{10.0, 20.0, 30.0, 40.0}, []float64{1.0, 2.0, 3.0, 4.0}, 0.95, 6.0, 39.0, 22.5, e, e)
	})
	t.Run("Mann-Whitney Confidence Interval & Estimate: Problem Case", func(t *testing.T) {
		// The values spread over 3e-5: Kayenta's ends and estimate are where
		// its root finder stopped, within 1e-4 of the jumps.
		interval(t, kayentaProblemX, kayentaProblemY, 0.98,
			-1.4808028936386108e-5, 1.808255910873413e-5, 1.808255910873413e-5, e, kayentaBrentTolerance)
	})
	t.Run("Mann-Whitney Confidence Interval & Estimate: Tie out with R Version", func(t *testing.T) {
		interval(t, kayentaTieOutX, kayentaTieOutY, 0.95,
			-0.500002521696696, -3.486287505871302e-5, -0.4999393907180323, 0.0001, kayentaBrentTolerance)
	})
	t.Run("Mann-Whitney Confidence Interval & Estimate: Tie out with R Version (Large)", func(t *testing.T) {
		interval(t, kayentaTieOutLargeX, kayentaTieOutLargeY, 0.98,
			-0.4999173250549087, -6.912685789769486e-6, -3.45044082729315e-5, 0.0001, kayentaBrentTolerance)
	})
	t.Run("Mann-Whitney Intermediate Values / Variables", func(t *testing.T) {
		x, y := kayentaSparseCanary, kayentaSparseBaseline
		muMin, muMax := slices.Min(x)-slices.Max(y), slices.Max(x)-slices.Min(y)
		near(t, "muMin", muMin, -3.124999999999986, e)
		near(t, "muMax", muMax, 5.555555555555557, e)
		zqLower, zqUpper := -normalQuantile(0.05/2), normalQuantile(0.05/2)
		near(t, "zqLower", zqLower, 1.9599639845400536, e)
		near(t, "zqUpper", zqUpper, -1.9599639845400536, e)
		for _, c := range []struct {
			what     string
			mu, zq   float64
			expected float64
		}{
			{"fLower1", muMin, zqLower, 17.090968923762254},
			{"fUpper1", muMax, zqLower, -20.997687930433106},
			{"fLower2", muMin, zqUpper, 21.01089689284236},
			{"fUpper2", muMax, zqUpper, -17.077759961353},
		} {
			near(t, "ported "+c.what, kayentaWilcoxonDiff(c.mu, c.zq, x, y), c.expected, e)
			near(t, c.what, tandemZ(x, y, c.mu)-c.zq, c.expected, e)
		}
		// Kayenta's "interval" is (3.5e-5, 2.0e-5), lower end above the
		// upper: the statistic jumps from above +1.96 to below −1.96 at 0,
		// where most differences lie, and the root finder stops on either
		// side. Tandem's ends are that jump, 0.
		interval(t, x, y, 0.95, 3.521755377702165e-5, 2.02456461662334e-5, 2.6279243045155653e-5, e, kayentaBrentTolerance)
	})
}
