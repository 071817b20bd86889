package diff

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Options say what to compare and what to ignore. The zero value (or nil)
// compares status, Content-Type and body, with the default limits.
type Options struct {
	// Headers to compare, case-insensitively; "*" compares every header either
	// side sent. Empty means Content-Type only.
	Headers []string `json:"headers,omitempty" yaml:"headers,omitempty"`
	// UnorderedArrays are path globs of arrays compared as multisets (equal
	// elements match wherever they are), e.g. body.items or body.**.tags.
	UnorderedArrays []string `json:"unorderedArrays,omitempty" yaml:"unorderedArrays,omitempty"`
	// Ignore drops matching differences before they are counted.
	Ignore []Rule `json:"ignore,omitempty" yaml:"ignore,omitempty"`

	// MaxDepth bounds JSON nesting; deeper values are compared as raw text
	// and reported as TooDeep when they differ. Default 512, at most 10,000.
	MaxDepth int `json:"maxDepth,omitempty" yaml:"maxDepth,omitempty"`
	// MaxDifferences bounds the distinct differences one comparison returns;
	// the rest are summed up in one Truncated difference. Default 1,000.
	MaxDifferences int `json:"maxDifferences,omitempty" yaml:"maxDifferences,omitempty"`
	// MaxExampleBytes truncates each body kept in a Collector's examples.
	// Default 16 KiB.
	MaxExampleBytes int `json:"maxExampleBytes,omitempty" yaml:"maxExampleBytes,omitempty"`
	// MaxExampleMemory bounds the bytes a Collector spends on examples in all.
	// Default 64 MiB.
	MaxExampleMemory int `json:"maxExampleMemory,omitempty" yaml:"maxExampleMemory,omitempty"`
	// MaxFields bounds the fields a Collector tracks over all endpoints;
	// differences in further fields are only counted as overflow. Default 10,000.
	MaxFields int `json:"maxFields,omitempty" yaml:"maxFields,omitempty"`
	// MaxEndpoints bounds the endpoints a Collector tracks; further requests
	// are counted under OtherEndpoints. Default 1,000.
	MaxEndpoints int `json:"maxEndpoints,omitempty" yaml:"maxEndpoints,omitempty"`
}

// Defaults for the limits in Options.
const (
	DefaultMaxDepth         = 512
	DefaultMaxDifferences   = 1000
	DefaultMaxExampleBytes  = 16 << 10
	DefaultMaxExampleMemory = 64 << 20
	DefaultMaxFields        = 10_000
	DefaultMaxEndpoints     = 1000

	maxMaxDepth = 10_000 // the comparison recurses once per level
)

// Validate reports every problem in o: path globs that do not parse, header
// names that are not tokens, rules not made by ParseRule, negative limits.
func (o *Options) Validate() error {
	_, err := compile(o)
	return err
}

// compiled is Options made ready for comparing many exchanges.
type compiled struct {
	allHeaders bool
	headers    []string // canonical names, sorted
	unordered  []glob
	rules      []Rule
	pathRules  []int // indices into rules
	valueRules []int

	maxDepth, maxDiffs, maxExampleBytes, maxExampleMemory, maxFields, maxEndpoints int
}

// compile checks o and fills in defaults. It returns a usable result even
// when it returns an error: the entries in error are left out.
func compile(o *Options) (*compiled, error) {
	if o == nil {
		o = &Options{}
	}
	c := &compiled{}
	var errs []error
	headers := o.Headers
	if len(headers) == 0 {
		headers = []string{"Content-Type"}
	}
	for _, h := range headers {
		switch {
		case h == "*":
			c.allHeaders = true
		case h == "" || !validHeaderPattern(h) || strings.Contains(h, "*"):
			errs = append(errs, fmt.Errorf("header %q is not a header name; list names like Content-Type, or * for all", h))
		default:
			c.headers = append(c.headers, http.CanonicalHeaderKey(h))
		}
	}
	slices.Sort(c.headers)
	c.headers = slices.Compact(c.headers)

	for _, u := range o.UnorderedArrays {
		g, err := parseGlob(u)
		if err != nil {
			errs = append(errs, fmt.Errorf("unordered array %w", err))
			continue
		}
		c.unordered = append(c.unordered, g)
	}
	for i, r := range o.Ignore {
		switch {
		case !r.valid():
			errs = append(errs, fmt.Errorf("ignore rule %d is empty; make rules with ParseRule (%s)", i+1, ruleForms))
			continue
		case r.glob != nil:
			c.pathRules = append(c.pathRules, len(c.rules))
		default:
			c.valueRules = append(c.valueRules, len(c.rules))
		}
		c.rules = append(c.rules, r)
	}

	limit := func(name string, v, def int) int {
		switch {
		case v < 0:
			errs = append(errs, fmt.Errorf("%s is %d; it must be positive (0 means the default, %d)", name, v, def))
			return def
		case v == 0:
			return def
		}
		return v
	}
	c.maxDepth = limit("MaxDepth", o.MaxDepth, DefaultMaxDepth)
	if c.maxDepth > maxMaxDepth {
		errs = append(errs, fmt.Errorf("MaxDepth is %d; at most %d levels are compared (deeper values are compared as text)", c.maxDepth, maxMaxDepth))
		c.maxDepth = maxMaxDepth
	}
	c.maxDiffs = limit("MaxDifferences", o.MaxDifferences, DefaultMaxDifferences)
	c.maxExampleBytes = limit("MaxExampleBytes", o.MaxExampleBytes, DefaultMaxExampleBytes)
	c.maxExampleMemory = limit("MaxExampleMemory", o.MaxExampleMemory, DefaultMaxExampleMemory)
	c.maxFields = limit("MaxFields", o.MaxFields, DefaultMaxFields)
	c.maxEndpoints = limit("MaxEndpoints", o.MaxEndpoints, DefaultMaxEndpoints)

	if len(errs) > 0 {
		return c, fmt.Errorf("diff options: %w", errors.Join(errs...))
	}
	return c, nil
}

// unorderedAt reports whether the array at segs is compared as a multiset.
func (c *compiled) unorderedAt(segs []seg) bool {
	for _, g := range c.unordered {
		if g.match(segs, false) {
			return true
		}
	}
	return false
}

// ignoredPath returns the index of the first path rule that covers segs, or -1.
func (c *compiled) ignoredPath(segs []seg) int {
	for _, i := range c.pathRules {
		if c.rules[i].glob.match(segs, true) {
			return i
		}
	}
	return -1
}

// ignoredValues returns the index of the first pattern rule that both values
// match, or -1.
func (c *compiled) ignoredValues(a, b string) int {
	for _, i := range c.valueRules {
		if p := c.rules[i].pat; p.match(a) && p.match(b) {
			return i
		}
	}
	return -1
}

// patternOf returns the index of the first pattern rule that s matches, or -1.
func (c *compiled) patternOf(s string) int {
	for _, i := range c.valueRules {
		if c.rules[i].pat.match(s) {
			return i
		}
	}
	return -1
}
