package canary

import (
	"math"
	"sync"
)

// obrienFleming returns the two-sided critical values z_1 … z_K of a group
// sequential test with K equally spaced looks and overall significance alpha,
// spending alpha/2 on each side with the Lan–DeMets O'Brien–Fleming-type
// function
//
//	α₁(t) = 2 − 2Φ(z_{1−α/4} / √t),  t = k/K,
//
// so that under no change the probability that |Z_k| ≥ z_k at some look is
// alpha, and the probability of first crossing at look k is 2(α₁(t_k) − α₁(t_{k−1})).
// Z_k = S_k/√t_k, where S is a Brownian motion observed at the information
// times t_k: the boundary of each look is found by integrating the density of
// S over the region that has not crossed yet (Armitage, McPherson and Rowe's
// recursion, Simpson's rule on a grid), then solving for the exit probability.
func obrienFleming(alpha float64, looks int) []float64 {
	key := spendingKey{alpha, looks}
	if v, ok := spendingCache.Load(key); ok {
		return v.([]float64)
	}
	bounds := computeBounds(alpha, looks)
	spendingCache.Store(key, bounds)
	return bounds
}

type spendingKey struct {
	alpha float64
	looks int
}

var spendingCache sync.Map

// spent is 2α₁(t), the two-sided significance spent by information time t.
func spent(alpha, t float64) float64 {
	return 4 * normalUpper(-normalQuantile(alpha/4)/math.Sqrt(t))
}

const spendingGrid = 401 // grid points, odd for Simpson's rule

func computeBounds(alpha float64, looks int) []float64 {
	bounds := make([]float64, looks)
	t := func(k int) float64 { return float64(k) / float64(looks) }
	// Look 1: S_1 ~ N(0, t_1).
	bounds[0] = -normalQuantile(spent(alpha, t(1)) / 2)
	b := bounds[0] * math.Sqrt(t(1))
	grid, weights := simpson(b)
	dens := make([]float64, spendingGrid)
	sd1 := math.Sqrt(t(1))
	for i, s := range grid {
		dens[i] = phi(s/sd1) / sd1
	}
	for k := 2; k <= looks; k++ {
		sd := math.Sqrt(t(k) - t(k-1))
		target := spent(alpha, t(k)) - spent(alpha, t(k-1))
		exit := func(b float64) float64 {
			var p float64
			for i, u := range grid {
				p += weights[i] * dens[i] * (normalCDF((-b-u)/sd) + normalUpper((b-u)/sd))
			}
			return p
		}
		// The exit probability falls as the boundary widens: bisect on z.
		lo, hi := 0.0, 40.0
		for range 100 {
			mid := (lo + hi) / 2
			if exit(mid*math.Sqrt(t(k))) > target {
				lo = mid
			} else {
				hi = mid
			}
		}
		bounds[k-1] = (lo + hi) / 2
		if k == looks {
			break
		}
		// Density of S_k over the region that has not crossed.
		nb := bounds[k-1] * math.Sqrt(t(k))
		next, nextWeights := simpson(nb)
		nextDens := make([]float64, spendingGrid)
		for i, s := range next {
			var f float64
			for j, u := range grid {
				f += weights[j] * dens[j] * phi((s-u)/sd)
			}
			nextDens[i] = f / sd
		}
		grid, weights, dens = next, nextWeights, nextDens
	}
	return bounds
}

// simpson returns the points and weights of Simpson's rule on [−b, b].
func simpson(b float64) (points, weights []float64) {
	points = make([]float64, spendingGrid)
	weights = make([]float64, spendingGrid)
	h := 2 * b / float64(spendingGrid-1)
	for i := range points {
		points[i] = -b + float64(i)*h
		w := 2.0
		switch {
		case i == 0 || i == spendingGrid-1:
			w = 1
		case i%2 == 1:
			w = 4
		}
		weights[i] = w * h / 3
	}
	return points, weights
}

func phi(z float64) float64 {
	return math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
}
