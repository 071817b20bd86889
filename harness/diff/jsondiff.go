package diff

import (
	"hash/maphash"
	"math/bits"
)

// differ walks two parsed JSON values side by side. segs is the path of the
// values being compared; it grows and shrinks as the walk descends.
type differ struct {
	c    *compiled
	s    *diffSet
	segs []seg
}

func (d *differ) push(s seg) { d.segs = append(d.segs, s) }
func (d *differ) pop()       { d.segs = d.segs[:len(d.segs)-1] }

// emit records a difference at the current path; a or b is nil where absent.
func (d *differ) emit(kind Kind, a, b *value) {
	var ra, rb string
	patterned := false
	if a != nil && b != nil {
		var okA, okB bool
		ra, okA = a.scalarText()
		rb, okB = b.scalarText()
		patterned = okA && okB
	}
	d.s.add(d.segs, kind, ra, rb, patterned, func() (string, string) { return renderValue(a), renderValue(b) })
}

func (d *differ) values(a, b *value) {
	switch {
	case a.kind == kDeep || b.kind == kDeep:
		if a.kind != b.kind || a.str != b.str {
			d.emit(TooDeep, a, b)
		}
	case a.kind == kObject && b.kind == kObject:
		d.objects(a.kids, b.kids)
	case a.kind == kArray && b.kind == kArray:
		if len(d.c.unordered) > 0 && d.c.unorderedAt(d.segs) {
			d.unordered(a.kids, b.kids)
		} else {
			d.indexed(a.kids, b.kids)
		}
	case a.kind == b.kind:
		switch a.kind {
		case kNumber:
			if !numbersEqual(a.str, b.str) {
				d.emit(ValueChanged, a, b)
			}
		case kString:
			if a.str != b.str {
				d.emit(ValueChanged, a, b)
			}
		}
	case isBool(a) && isBool(b):
		d.emit(ValueChanged, a, b)
	default:
		d.emit(TypeChanged, a, b)
	}
}

func isBool(v *value) bool { return v.kind == kTrue || v.kind == kFalse }

// objects compares members by key. When a key repeats, its last value counts,
// as in encoding/json.
func (d *differ) objects(ak, bk []value) {
	if sameKeys(ak, bk) {
		for i := range ak {
			d.push(seg{key: ak[i].key})
			d.values(&ak[i], &bk[i])
			d.pop()
		}
		return
	}
	ai, bi := newKeyIndex(ak), newKeyIndex(bk)
	for i := range ak {
		m := &ak[i]
		if ai.find(m.key) != i {
			continue // a later member has the same key
		}
		d.push(seg{key: m.key})
		switch j := bi.find(m.key); {
		case j >= 0:
			d.values(m, &bk[j])
		case m.kind == kNull:
			d.emit(NullVsMissing, m, nil)
		default:
			d.emit(Missing, m, nil)
		}
		d.pop()
	}
	for j := range bk {
		m := &bk[j]
		if bi.find(m.key) != j || ai.find(m.key) >= 0 {
			continue
		}
		d.push(seg{key: m.key})
		if m.kind == kNull {
			d.emit(NullVsMissing, nil, m)
		} else {
			d.emit(Extra, nil, m)
		}
		d.pop()
	}
}

// sameKeys is the common case: the same members in the same order.
func sameKeys(a, b []value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].key != b[i].key {
			return false
		}
	}
	return true
}

// keyIndex finds an object's member by key: by scanning small objects, with a
// map for large ones. find returns the last member with the key, or -1.
type keyIndex struct {
	kids []value
	m    map[string]int
}

func newKeyIndex(kids []value) keyIndex {
	x := keyIndex{kids: kids}
	if len(kids) > 16 {
		x.m = make(map[string]int, len(kids))
		for i := range kids {
			x.m[kids[i].key] = i
		}
	}
	return x
}

func (x keyIndex) find(key string) int {
	if x.m != nil {
		if i, ok := x.m[key]; ok {
			return i
		}
		return -1
	}
	for i := len(x.kids) - 1; i >= 0; i-- {
		if x.kids[i].key == key {
			return i
		}
	}
	return -1
}

// indexed compares arrays element by element.
func (d *differ) indexed(ak, bk []value) {
	d.push(indexSeg)
	n := min(len(ak), len(bk))
	for i := range n {
		d.values(&ak[i], &bk[i])
	}
	for i := n; i < len(ak); i++ {
		d.emit(Missing, &ak[i], nil)
	}
	for i := n; i < len(bk); i++ {
		d.emit(Extra, nil, &bk[i])
	}
	d.pop()
}

// unordered compares arrays as multisets. Elements are matched by a hash of
// their content, in linear time; the hash honours the ignore rules, so that
// elements differing only in ignored fields match. Unmatched elements are
// then paired (the most similar first, while there are few) and compared
// field by field, so a changed price in a reordered list reads as
// body.items[*].price; the rest are Missing or Extra.
func (d *differ) unordered(ak, bk []value) {
	d.push(indexSeg)
	defer d.pop()
	ha := make([]uint64, len(ak))
	for i := range ak {
		ha[i] = d.hash(&ak[i])
	}
	hb := make([]uint64, len(bk))
	for i := range bk {
		hb[i] = d.hash(&bk[i])
	}
	if len(ha) == len(hb) && equalHashes(ha, hb) {
		return
	}
	remaining := make(map[uint64]int, len(hb))
	for _, h := range hb {
		remaining[h]++
	}
	var leftA, leftB []int
	for i, h := range ha {
		if remaining[h] > 0 {
			remaining[h]--
		} else {
			leftA = append(leftA, i)
		}
	}
	for j, h := range hb {
		if remaining[h] > 0 {
			remaining[h]--
			leftB = append(leftB, j)
		}
	}

	pairedB := make([]bool, len(leftB))
	const fewEnoughToRank = 16
	rank := len(leftA) <= fewEnoughToRank && len(leftB) <= fewEnoughToRank
	next := 0
	for _, i := range leftA {
		best := -1
		if rank {
			bestCost := 0
			for k, j := range leftB {
				if pairedB[k] {
					continue
				}
				if cost := d.cost(&ak[i], &bk[j]); best < 0 || cost < bestCost {
					best, bestCost = k, cost
				}
			}
		} else if next < len(leftB) {
			best = next
			next++
		}
		if best < 0 {
			d.emit(Missing, &ak[i], nil)
			continue
		}
		pairedB[best] = true
		d.values(&ak[i], &bk[leftB[best]])
	}
	for k, j := range leftB {
		if !pairedB[k] {
			d.emit(Extra, nil, &bk[j])
		}
	}
}

func equalHashes(a, b []uint64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// cost counts the differences between two array elements, to pair the most
// similar unmatched elements.
func (d *differ) cost(a, b *value) int {
	probe := &diffSet{c: d.c, probe: true}
	pd := differ{c: d.c, s: probe, segs: d.segs}
	pd.values(a, b)
	return probe.n
}

var hashSeed = maphash.MakeSeed()

// Distinct seeds for each kind of value (always passed through mix).
const (
	hashNull uint64 = iota + 1
	hashFalse
	hashTrue
	hashNumber
	hashString
	hashArray
	hashObject
	hashDeep
	hashPattern
)

// hash returns a hash of v that is equal for values the comparison would find
// equal: numbers by value, object members in any order, arrays in any order
// where they are unordered, ignored fields left out and values that match a
// pattern rule replaced by the rule.
func (d *differ) hash(v *value) uint64 {
	if len(d.c.valueRules) > 0 {
		if t, ok := v.scalarText(); ok {
			if r := d.c.patternOf(t); r >= 0 {
				return mix(hashPattern<<32 + uint64(r))
			}
		}
	}
	switch v.kind {
	case kNull:
		return mix(hashNull)
	case kFalse:
		return mix(hashFalse)
	case kTrue:
		return mix(hashTrue)
	case kNumber:
		var buf [64]byte
		return maphash.Bytes(hashSeed, appendCanonicalNumber(buf[:0], v.str)) ^ mix(hashNumber)
	case kString:
		return maphash.String(hashSeed, v.str) ^ mix(hashString)
	case kDeep:
		return maphash.String(hashSeed, v.str) ^ mix(hashDeep)
	case kArray:
		unordered := len(d.c.unordered) > 0 && d.c.unorderedAt(d.segs)
		d.push(indexSeg)
		defer d.pop()
		h := mix(hashArray)
		if len(d.c.pathRules) > 0 && d.c.ignoredPath(d.segs) >= 0 {
			return h
		}
		for i := range v.kids {
			eh := d.hash(&v.kids[i])
			if unordered {
				h += mix(eh)
			} else {
				h = mix(h ^ eh)
			}
		}
		return h
	case kObject:
		h := mix(hashObject)
		for i := range v.kids {
			m := &v.kids[i]
			d.push(seg{key: m.key})
			if len(d.c.pathRules) == 0 || d.c.ignoredPath(d.segs) < 0 {
				h += mix(maphash.String(hashSeed, m.key) ^ bits.RotateLeft64(d.hash(m), 29))
			}
			d.pop()
		}
		return h
	}
	return 0
}

// mix is SplitMix64's finaliser: a bijection that spreads every input bit.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
