package diff

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
)

// Thresholds decide which fields are reported rather than put down to noise,
// as in Diffy: a field is reported only if it differs with the candidate more
// often than between primary and secondary (R > N), and
//
//	|R-N| / (R+N) > Relative   (the difference is not mostly noise), and
//	|R-N| / T     > Absolute   (it is not too rare to matter),
//
// where T is the number of requests to the endpoint. Both are fractions;
// zero means no threshold beyond R > N.
type Thresholds struct {
	Relative float64 `json:"relative"`
	Absolute float64 `json:"absolute"`
}

// DefaultThresholds are Diffy's: 20% relative, 0.03% absolute.
func DefaultThresholds() Thresholds { return Thresholds{Relative: 0.20, Absolute: 0.0003} }

// Report is what a Collector found, ready to render as JSON, HTML or
// Markdown. Endpoints are sorted by name and fields by path.
type Report struct {
	Thresholds Thresholds `json:"thresholds"`
	// Requests is the number of exchanges added.
	Requests int64 `json:"requests"`
	// Reported is the number of fields reported, over all endpoints.
	Reported  int              `json:"reported"`
	Endpoints []EndpointReport `json:"endpoints"`
	// Ignored says how many differences each ignore rule dropped, in the
	// order of Options.Ignore.
	Ignored  []IgnoredCount `json:"ignored"`
	Overflow Overflow       `json:"overflow"`
	// Exchanges are the examples' exchanges, numbered from 1 in the order in
	// which the report first refers to them.
	Exchanges []Exchange `json:"exchanges"`
}

// EndpointReport is one endpoint: a route such as "GET /products/{id}".
type EndpointReport struct {
	Endpoint string `json:"endpoint"`
	// Requests is T, the number of exchanges with this endpoint.
	Requests int64 `json:"requests"`
	// Differing is the number of exchanges in which the candidate differed
	// from the primary in any field not ignored.
	Differing int64 `json:"differing"`
	Reported  int   `json:"reported"`
	// Fields lists every field in which the candidate differed at least once.
	Fields []FieldReport `json:"fields"`
	// OverflowFields counts differences in fields not tracked because
	// Options.MaxFields was reached.
	OverflowFields int64 `json:"overflowFields,omitempty"`
}

// FieldReport is one field of an endpoint, with Diffy's noise judgement.
type FieldReport struct {
	Path string `json:"path"`
	// Raw is R: in how many exchanges the candidate differed from the primary.
	Raw int64 `json:"raw"`
	// Noise is N: in how many the secondary differed from the primary.
	Noise int64 `json:"noise"`
	// RelativePercent is |R-N|/(R+N) and AbsolutePercent |R-N|/T, in percent.
	RelativePercent float64 `json:"relativePercent"`
	AbsolutePercent float64 `json:"absolutePercent"`
	Reported        bool    `json:"reported"`
	// Reason explains the judgement in words.
	Reason string `json:"reason"`
	// Kinds counts the raw differences by kind.
	Kinds    map[Kind]int64 `json:"kinds"`
	Examples []Example      `json:"examples"`
}

// Example is one exchange in which the field differed.
type Example struct {
	// Exchange is the ID of the exchange in Report.Exchanges.
	Exchange int  `json:"exchange"`
	Kind     Kind `json:"kind"`
	// Primary and Candidate are the field's values (empty where absent).
	Primary   string `json:"primary,omitempty"`
	Candidate string `json:"candidate,omitempty"`
	// SecondaryDiffers says whether the secondary differed from the primary
	// in this field too; Secondary is then its value.
	SecondaryDiffers bool   `json:"secondaryDiffers"`
	Secondary        string `json:"secondary,omitempty"`
}

// IgnoredCount is how many differences an ignore rule dropped, counted once
// per exchange and field like R and N.
type IgnoredCount struct {
	Rule  string `json:"rule"`
	Raw   int64  `json:"raw"`
	Noise int64  `json:"noise"`
}

// Overflow counts what the Collector's limits left out.
type Overflow struct {
	// Endpoints: requests counted under OtherEndpoints.
	Endpoints int64 `json:"endpoints"`
	// Fields: differences in fields not tracked.
	Fields int64 `json:"fields"`
	// Examples: examples not kept because their memory was spent.
	Examples int64 `json:"examples"`
}

// Report returns what the collector has counted so far.
func (col *Collector) Report() Report {
	col.mu.Lock()
	defer col.mu.Unlock()
	rep := Report{
		Thresholds: col.t,
		Requests:   col.requests,
		Endpoints:  []EndpointReport{},
		Ignored:    slices.Clone(col.ignored),
		Overflow:   col.overflow,
		Exchanges:  []Exchange{},
	}
	if rep.Ignored == nil {
		rep.Ignored = []IgnoredCount{}
	}
	ids := map[*Exchange]int{}
	for _, name := range slices.Sorted(maps.Keys(col.endpoints)) {
		ep := col.endpoints[name]
		er := EndpointReport{
			Endpoint:       name,
			Requests:       ep.requests,
			Differing:      ep.differing,
			Fields:         []FieldReport{},
			OverflowFields: ep.overflow,
		}
		for _, path := range slices.Sorted(maps.Keys(ep.fields)) {
			f := ep.fields[path]
			if f.raw == 0 {
				continue // only the secondary differed here: nothing to judge
			}
			fr := col.t.judge(f.raw, f.noise, ep.requests)
			fr.Path = path
			fr.Kinds = maps.Clone(f.kinds)
			fr.Examples = []Example{}
			limit := examplesSuppressed
			if fr.Reported {
				limit = examplesReported
				er.Reported++
			}
			for _, e := range f.examples[:min(limit, len(f.examples))] {
				id, ok := ids[e.ex]
				if !ok {
					id = len(rep.Exchanges) + 1
					ids[e.ex] = id
					ex := *e.ex
					ex.ID = id
					rep.Exchanges = append(rep.Exchanges, ex)
				}
				x := Example{Exchange: id, Kind: e.raw.Kind, Primary: e.raw.A, Candidate: e.raw.B}
				if e.noise != nil {
					x.SecondaryDiffers, x.Secondary = true, e.noise.B
				}
				fr.Examples = append(fr.Examples, x)
			}
			er.Fields = append(er.Fields, fr)
		}
		rep.Reported += er.Reported
		rep.Endpoints = append(rep.Endpoints, er)
	}
	return rep
}

// judge applies Diffy's rule to a field with R raw and N noise differences
// out of T requests.
func (t Thresholds) judge(r, n, total int64) FieldReport {
	d := r - n
	if d < 0 {
		d = -d
	}
	var rel, abs float64
	if r+n > 0 {
		rel = float64(d) / float64(r+n)
	}
	if total > 0 {
		abs = float64(d) / float64(total)
	}
	f := FieldReport{Raw: r, Noise: n, RelativePercent: percent(rel), AbsolutePercent: percent(abs)}
	switch {
	case r == n:
		f.Reason = fmt.Sprintf("noise: differs between primary and secondary as often as with the candidate (R=%d, N=%d)", r, n)
	case r < n:
		f.Reason = fmt.Sprintf("noise: differs between primary and secondary more often than with the candidate (R=%d, N=%d)", r, n)
	case rel <= t.Relative:
		f.Reason = fmt.Sprintf("below the relative threshold: |R-N|/(R+N) = %s%% is not above %s%% (R=%d, N=%d)",
			formatPercent(rel), formatPercent(t.Relative), r, n)
	case abs <= t.Absolute:
		f.Reason = fmt.Sprintf("below the absolute threshold: |R-N|/T = %s%% is not above %s%% (R=%d, N=%d, T=%d)",
			formatPercent(abs), formatPercent(t.Absolute), r, n, total)
	default:
		f.Reported = true
		f.Reason = fmt.Sprintf("differs with the candidate in %d of %d requests (%s%%), between primary and secondary in %d",
			r, total, formatPercent(float64(r)/float64(max(total, 1))), n)
	}
	return f
}

// percent turns a fraction into a percentage rounded to 4 decimal places.
func percent(x float64) float64 { return math.Round(x*100*1e4) / 1e4 }

func formatPercent(x float64) string { return strconv.FormatFloat(percent(x), 'f', -1, 64) }
