package canary

import (
	"math"
	"math/rand/v2"
)

// pairs answers order statistics of the n·m pairwise differences x[i] − y[j]
// of two ascending samples without building them.
//
// For a fixed row i the differences fall as j grows, so the differences above a
// value Δ are a prefix of every row, and that prefix only lengthens as i grows:
// one merge-like pass over x and y counts them in O(n+m). A search keeps a
// bracket (lo, hi] around the wanted ranks, with each row's prefix length at lo
// and at hi, and narrows it with two pivots taken from a uniform sample of the
// differences still inside (Floyd–Rivest selection on the implicit sorted
// matrix): a round costs two counting passes and, with s differences sampled,
// shrinks the bracket about √s/6-fold (some forty-fold for a million a side),
// so the search takes a handful of rounds. When few candidates are left they
// are listed and the answer is selected among them.
type pairs struct {
	x, y    []float64 // ascending
	sample  int       // differences sampled per round
	limit   int64     // list the candidates once this few are left
	rng     *rand.Rand
	drawn   []float64
	spacing []float64
	buf     []float64
	spare   [][]int // row arrays not in use
	shared  bracket // narrowed around every rank asked for, see within
}

// bracket holds the differences in (lo, hi]: gLo of them exceed lo, gHi exceed
// hi, and row i contributes those with pHi[i] ≤ j < pLo[i].
type bracket struct {
	lo, hi   float64
	gLo, gHi int64
	pLo, pHi []int
}

func newPairs(x, y []float64) *pairs {
	// A round costs O(n+m) for counting and O(s) for a sample of s;
	// listing the last l candidates costs O(n+l). Both grow with the
	// samples, so that no step dominates, up to what a million a side
	// calls for.
	nm := len(x) + len(y)
	return &pairs{
		x: x, y: y,
		sample: clampInt(nm/8, 256, 1<<16),
		limit:  int64(clampInt(nm, 1024, 1<<16)),
		// The answers never depend on the pivots; a fixed seed keeps the
		// running time reproducible.
		rng: rand.New(rand.NewPCG(0x7a6e, 0xca7a)),
	}
}

// total is the number of differences, n·m.
func (s *pairs) total() int64 { return int64(len(s.x)) * int64(len(s.y)) }

func (s *pairs) rows() []int {
	if k := len(s.spare); k > 0 {
		r := s.spare[k-1]
		s.spare = s.spare[:k-1]
		return r
	}
	return make([]int, len(s.x))
}

// full is the bracket of every difference.
func (s *pairs) full() bracket {
	b := bracket{lo: math.Inf(-1), hi: math.Inf(1), gLo: s.total(), pLo: s.rows(), pHi: s.rows()}
	for i := range b.pLo {
		b.pLo[i], b.pHi[i] = len(s.y), 0
	}
	return b
}

// within narrows a bracket shared by later kthLargest calls to the ranks
// k1 ≤ k2, so that each of them starts close to its answer.
func (s *pairs) within(k1, k2 int64) {
	s.shared = s.full()
	s.narrow(&s.shared, k1, k2, 2*(k2-k1+1)+s.limit)
}

// kthLargest returns the k-th largest difference, 1 ≤ k ≤ n·m.
func (s *pairs) kthLargest(k int64) float64 {
	var b bracket
	if s.shared.pLo != nil && s.shared.gHi < k && k <= s.shared.gLo {
		b = bracket{lo: s.shared.lo, hi: s.shared.hi, gLo: s.shared.gLo, gHi: s.shared.gHi,
			pLo: s.rows(), pHi: s.rows()}
		copy(b.pLo, s.shared.pLo)
		copy(b.pHi, s.shared.pHi)
	} else {
		b = s.full()
	}
	defer func() { s.spare = append(s.spare, b.pLo, b.pHi) }()
	for {
		if v, ok := s.narrow(&b, k, k, s.limit); ok {
			return v
		}
		if b.gLo-b.gHi <= s.limit {
			return s.enumerate(&b, k-b.gHi)
		}
	}
}

// narrow shrinks b around the ranks k1 ≤ k2 (gHi < k1 and k2 ≤ gLo stay
// true) until at most stop candidates remain or a round makes no progress. With
// k1 = k2 a round without progress means every candidate sampled equals hi;
// narrow then checks whether hi is the answer and returns it.
func (s *pairs) narrow(b *bracket, k1, k2, stop int64) (float64, bool) {
	for b.gLo-b.gHi > stop {
		c := b.gLo - b.gHi
		upper, lower := s.pivots(b, k1-b.gHi, k2-b.gHi)
		for _, v := range [2]float64{upper, lower} {
			p := s.rows()
			g := s.countAbove(v, p)
			switch {
			case g < k1 && v < b.hi:
				b.hi, b.gHi = v, g
				b.pHi, p = p, b.pHi
			case g >= k2 && v > b.lo:
				b.lo, b.gLo = v, g
				b.pLo, p = p, b.pLo
			}
			s.spare = append(s.spare, p)
		}
		if b.gLo-b.gHi == c {
			if k1 == k2 && !math.IsInf(b.hi, 1) {
				p := s.rows()
				atLeast := s.countAbove(math.Nextafter(b.hi, math.Inf(-1)), p)
				s.spare = append(s.spare, p)
				if atLeast >= k1 {
					return b.hi, true
				}
				continue // some candidates are below hi: sample again
			}
			return 0, false
		}
	}
	return 0, false
}

// pivots samples the c candidates of b and returns two of them that likely
// straddle the candidates ranked r1 ≤ r2 from the top.
func (s *pairs) pivots(b *bracket, r1, r2 int64) (upper, lower float64) {
	c := b.gLo - b.gHi
	ns := s.sample
	// Sorted uniform positions in [0, c) without sorting: the normalized
	// partial sums of ns+1 exponential spacings are uniform order statistics.
	s.spacing = s.spacing[:0]
	var sum float64
	for range ns + 1 {
		sum += s.rng.ExpFloat64()
		s.spacing = append(s.spacing, sum)
	}
	s.drawn = s.drawn[:0]
	i, acc := 0, int64(0)
	for _, part := range s.spacing[:ns] {
		d := min(int64(part/sum*float64(c)), c-1)
		for acc+int64(b.pLo[i]-b.pHi[i]) <= d {
			acc += int64(b.pLo[i] - b.pHi[i])
			i++
		}
		s.drawn = append(s.drawn, s.x[i]-s.y[b.pHi[i]+int(d-acc)])
	}
	// In ascending order, rank r from the top sits near ns − r·ns/c.
	margin := 3 * math.Sqrt(float64(ns))
	at := func(r int64) float64 { return float64(ns) - float64(r)*float64(ns)/float64(c) }
	iu := clampInt(int(at(r1)+margin), 0, ns-1)
	il := clampInt(int(at(r2)-margin), 0, ns-1)
	upper = nth(s.drawn, iu)
	lower = nth(s.drawn[:iu+1], min(il, iu)) // nth left the iu smallest first
	return upper, lower
}

// nth reorders v so that v[k] holds the value it would have in ascending
// order, smaller values before it and larger after (quickselect), and
// returns it.
func nth(v []float64, k int) float64 {
	lo, hi := 0, len(v)-1
	for lo < hi {
		// Median of three as the pivot; Hoare partition.
		mid := int(uint(lo+hi) >> 1)
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		p := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < p {
				i++
			}
			for v[j] > p {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
}

// enumerate lists the candidates of b and returns the r-th largest of them.
func (s *pairs) enumerate(b *bracket, r int64) float64 {
	s.buf = s.buf[:0]
	for i, xi := range s.x {
		for j := b.pHi[i]; j < b.pLo[i]; j++ {
			s.buf = append(s.buf, xi-s.y[j])
		}
	}
	return nth(s.buf, len(s.buf)-int(r))
}

// nextBelow returns the largest difference smaller than v (ok is false when
// none is) and the number of differences at least v.
func (s *pairs) nextBelow(v float64) (d float64, atLeast int64, ok bool) {
	p := s.rows()
	defer func() { s.spare = append(s.spare, p) }()
	// Differences are floats: d ≥ v exactly when d > the float just below v.
	atLeast = s.countAbove(math.Nextafter(v, math.Inf(-1)), p)
	d = math.Inf(-1)
	for i, j := range p {
		if j < len(s.y) {
			if di := s.x[i] - s.y[j]; di > d {
				d, ok = di, true
			}
		}
	}
	return d, atLeast, ok
}

// countAbove counts the differences greater than v and stores each row's count
// in p. The merge runs as four interleaved, branch-free chains over quarters of
// x: a single chain is bound by the latency of its compare-and-advance step,
// four keep the processor busy (four times faster on a million rows).
func (s *pairs) countAbove(v float64, p []int) int64 {
	x, y := s.x, s.y
	n, m := len(x), len(y)
	if n < 64 {
		return countRows(x, y, v, p, 0, n, 0)
	}
	start := func(i int) int { // first j with x[i] − y[j] ≤ v
		lo, hi := 0, m
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if x[i]-y[mid] > v {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return lo
	}
	q := n / 4
	i0, i1, i2, i3 := 0, q, 2*q, 3*q
	e0, e1, e2, e3 := q, 2*q, 3*q, n
	j0, j1, j2, j3 := start(i0), start(i1), start(i2), start(i3)
	var g0, g1, g2, g3 int
	for i0 < e0 && i1 < e1 && i2 < e2 && i3 < e3 && j0 < m && j1 < m && j2 < m && j3 < m {
		p[i0], p[i1], p[i2], p[i3] = j0, j1, j2, j3
		b0 := b2i(x[i0]-y[j0] > v)
		b1 := b2i(x[i1]-y[j1] > v)
		b2 := b2i(x[i2]-y[j2] > v)
		b3 := b2i(x[i3]-y[j3] > v)
		j0 += b0
		j1 += b1
		j2 += b2
		j3 += b3
		// A step either takes a y (b = 1) or closes row i with j of them (b = 0).
		g0 += j0 & (b0 - 1)
		g1 += j1 & (b1 - 1)
		g2 += j2 & (b2 - 1)
		g3 += j3 & (b3 - 1)
		i0 += 1 - b0
		i1 += 1 - b1
		i2 += 1 - b2
		i3 += 1 - b3
	}
	g := int64(g0 + g1 + g2 + g3)
	g += countRows(x, y, v, p, i0, e0, j0)
	g += countRows(x, y, v, p, i1, e1, j1)
	g += countRows(x, y, v, p, i2, e2, j2)
	g += countRows(x, y, v, p, i3, e3, j3)
	return g
}

// countRows is the plain merge over rows [i, e) starting at column j.
func countRows(x, y []float64, v float64, p []int, i, e, j int) int64 {
	var g int64
	for ; i < e; i++ {
		for j < len(y) && x[i]-y[j] > v {
			j++
		}
		p[i] = j
		g += int64(j)
	}
	return g
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func clampInt(v, lo, hi int) int {
	return max(lo, min(v, hi))
}
