package diff

import (
	"sync"
)

// OtherEndpoints is the endpoint under which requests are counted once
// Options.MaxEndpoints distinct endpoints have been seen.
const OtherEndpoints = "(other endpoints)"

// Examples kept per field: as many as a reported field shows. A field that
// turns out to be suppressed shows fewer.
const (
	examplesReported   = 5
	examplesSuppressed = 2
)

// Collector counts the differences of many exchanges per endpoint and field,
// raw (primary vs candidate) and noise (primary vs secondary), and keeps a few
// examples of each. Its memory is bounded whatever the traffic: counts per
// field, capped examples with truncated bodies, and capped numbers of
// endpoints and fields. It is safe for concurrent use.
type Collector struct {
	c      *compiled
	t      Thresholds
	router *Router

	mu         sync.Mutex
	requests   int64
	endpoints  map[string]*endpointStats
	fields     int // tracked over all endpoints
	ignored    []IgnoredCount
	overflow   Overflow
	exampleMem int
}

type endpointStats struct {
	requests  int64
	differing int64
	overflow  int64
	fields    map[string]*fieldStats
}

type fieldStats struct {
	raw, noise int64
	kinds      map[Kind]int64
	examples   []example
}

type example struct {
	ex    *Exchange
	raw   Difference
	noise *Difference // the secondary's difference at the same path, if any
}

// NewCollector returns a collector that compares with o (nil for the
// defaults), judges noise with t, and names endpoints with router (nil
// guesses from the paths). It fails if o does not validate.
func NewCollector(o *Options, t Thresholds, router *Router) (*Collector, error) {
	c, err := compile(o)
	if err != nil {
		return nil, err
	}
	if router == nil {
		router = &Router{}
	}
	col := &Collector{c: c, t: t, router: router, endpoints: make(map[string]*endpointStats)}
	for _, r := range c.rules {
		col.ignored = append(col.ignored, IgnoredCount{Rule: r.String()})
	}
	return col, nil
}

// Add compares the candidate's and the secondary's responses with the
// primary's and counts the differences under the request's endpoint.
func (col *Collector) Add(req Request, primary, secondary, candidate Response) {
	endpoint := col.router.Route(req.Method, req.Path)
	p := col.c.prepare(&primary)
	raw := col.c.compare(p, col.c.prepare(&candidate))
	noise := col.c.compare(p, col.c.prepare(&secondary))

	col.mu.Lock()
	defer col.mu.Unlock()
	col.requests++
	for i := range col.ignored {
		col.ignored[i].Raw += int64(raw.dropped[i])
		col.ignored[i].Noise += int64(noise.dropped[i])
	}
	ep := col.endpoint(endpoint)
	ep.requests++
	if len(raw.diffs) == 0 && len(noise.diffs) == 0 {
		return
	}
	if len(raw.diffs) > 0 {
		ep.differing++
	}
	var noiseAt map[string]*Difference
	if len(noise.diffs) > 0 {
		noiseAt = make(map[string]*Difference, len(noise.diffs))
	}
	for i := range noise.diffs {
		d := &noise.diffs[i]
		if _, counted := noiseAt[d.Path]; counted {
			continue
		}
		noiseAt[d.Path] = d
		if f := col.field(ep, d.Path); f != nil {
			f.noise++
		}
	}
	var rawSeen map[string]bool
	if len(raw.diffs) > 1 {
		rawSeen = make(map[string]bool, len(raw.diffs))
	}
	var ex *Exchange
	for _, d := range raw.diffs {
		f := col.field(ep, d.Path)
		if f == nil {
			continue
		}
		if f.kinds == nil {
			f.kinds = make(map[Kind]int64, 1)
		}
		f.kinds[d.Kind]++
		if rawSeen[d.Path] {
			continue // counted once per exchange, whatever its kinds
		}
		if rawSeen != nil {
			rawSeen[d.Path] = true
		}
		f.raw++
		if len(f.examples) >= examplesReported {
			continue
		}
		if ex == nil {
			ex = col.newExchange(req, &primary, &secondary, &candidate)
			if ex == nil {
				col.overflow.Examples++
				continue
			}
		}
		e := example{ex: ex, raw: d}
		if n := noiseAt[d.Path]; n != nil {
			copied := *n
			e.noise = &copied
		}
		f.examples = append(f.examples, e)
	}
}

// endpoint returns the stats of an endpoint, lumping endpoints past the
// limit together.
func (col *Collector) endpoint(name string) *endpointStats {
	ep := col.endpoints[name]
	if ep == nil {
		if len(col.endpoints) >= col.c.maxEndpoints {
			name = OtherEndpoints
			col.overflow.Endpoints++
			if ep = col.endpoints[name]; ep != nil {
				return ep
			}
		}
		ep = &endpointStats{fields: make(map[string]*fieldStats)}
		col.endpoints[name] = ep
	}
	return ep
}

// field returns the stats of a field, or nil once the limit on fields is
// reached (the difference is then only counted as overflow).
func (col *Collector) field(ep *endpointStats, path string) *fieldStats {
	f := ep.fields[path]
	if f == nil {
		if col.fields >= col.c.maxFields {
			ep.overflow++
			col.overflow.Fields++
			return nil
		}
		col.fields++
		f = &fieldStats{}
		ep.fields[path] = f
	}
	return f
}

// newExchange keeps an excerpt of an exchange for examples, or returns nil
// when the memory for examples is spent.
func (col *Collector) newExchange(req Request, primary, secondary, candidate *Response) *Exchange {
	ex := &Exchange{
		Request: RequestExcerpt{
			Method: req.Method,
			Path:   req.Path,
			Query:  req.RawQuery,
			Header: redact(req.Header),
			Body:   excerptBody(req.Body, req.Header, col.c.maxExampleBytes),
		},
		Primary:   excerptResponse(primary, col.c.maxExampleBytes),
		Secondary: excerptResponse(secondary, col.c.maxExampleBytes),
		Candidate: excerptResponse(candidate, col.c.maxExampleBytes),
	}
	size := ex.size()
	if col.exampleMem+size > col.c.maxExampleMemory {
		return nil
	}
	col.exampleMem += size
	return ex
}
