package canary

import (
	"math"
	"slices"
)

// Stats describes one side of a metric after NaN handling and outlier removal.
// For a proportion metric Count is the number of requests and Mean the share of
// them that were events (0.02 for 2 %); the percentiles are zero.
type Stats struct {
	Count int     `json:"count"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	// NaN is how many NaN or infinite values were removed or replaced by 0.
	NaN int `json:"nan,omitempty"`
	// Outliers is how many values outlier removal dropped.
	Outliers int `json:"outliers,omitempty"`
}

// prepare copies values, applies the NaN strategy, sorts, and removes
// outliers, returning the ascending sample that the test compares.
func prepare(values []float64, a Analysis) ([]float64, Stats) {
	var st Stats
	out := make([]float64, 0, len(values))
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			st.NaN++
			if a.NaNStrategy == ReplaceNaN {
				out = append(out, 0)
			}
			continue
		}
		out = append(out, v)
	}
	slices.Sort(out)
	if a.Outliers.Strategy == RemoveOutliers && len(out) > 0 {
		lo, hi := fences(out, a.Outliers.Factor)
		first, _ := slices.BinarySearch(out, lo) // first value ≥ lo
		last := len(out)
		for last > first && out[last-1] > hi {
			last--
		}
		st.Outliers = first + len(out) - last
		out = out[first:last]
	}
	st.summarize(out)
	return out, st
}

// fences are Kayenta's IQR detector's with reduced sensitivity: Tukey's fences
// Q1 − f·IQR and Q3 + f·IQR, never tighter than the 1st and 99th percentiles.
func fences(sorted []float64, factor float64) (lo, hi float64) {
	q1, q3 := percentile(sorted, 25), percentile(sorted, 75)
	iqr := q3 - q1
	lo = min(q1-factor*iqr, percentile(sorted, 1))
	hi = max(q3+factor*iqr, percentile(sorted, 99))
	return lo, hi
}

// summarize fills the descriptive statistics of an ascending sample.
func (st *Stats) summarize(sorted []float64) {
	st.Count = len(sorted)
	if len(sorted) == 0 {
		return
	}
	var sum float64
	for _, v := range sorted {
		sum += v
	}
	st.Mean = sum / float64(len(sorted))
	st.P50 = percentile(sorted, 50)
	st.P95 = percentile(sorted, 95)
	st.P99 = percentile(sorted, 99)
	st.Min = sorted[0]
	st.Max = sorted[len(sorted)-1]
}

// percentile interpolates linearly between order statistics (R's type 7, the
// default of R and NumPy).
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := (float64(len(sorted)) - 1) * p / 100
	i := int(math.Floor(h))
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}
