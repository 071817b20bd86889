package canary

import "math"

// normalCDF is Φ, the standard normal distribution function.
func normalCDF(z float64) float64 {
	return 0.5 * math.Erfc(-z/math.Sqrt2)
}

// normalUpper is 1 − Φ(z), accurate far into the upper tail.
func normalUpper(z float64) float64 {
	return 0.5 * math.Erfc(z/math.Sqrt2)
}

// normalQuantile is Φ⁻¹(p). math.Erfcinv gives a start that loses relative
// accuracy in the far tails; two Newton steps on Φ restore full precision.
func normalQuantile(p float64) float64 {
	switch {
	case p <= 0:
		return math.Inf(-1)
	case p >= 1:
		return math.Inf(1)
	}
	z := -math.Sqrt2 * math.Erfcinv(2*p)
	for range 2 {
		pdf := math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
		if pdf == 0 {
			break
		}
		var diff float64
		if z > 0 {
			diff = (1 - p) - normalUpper(z) // Φ(z) − p, from the upper tail
		} else {
			diff = normalCDF(z) - p
		}
		z -= diff / pdf
	}
	return z
}

// twoSidedZ is the critical value z with P(|Z| > z) = alpha.
func twoSidedZ(alpha float64) float64 {
	return -normalQuantile(alpha / 2)
}
