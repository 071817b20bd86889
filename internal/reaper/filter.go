package reaper

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Filter selects resources by label, the way a Docker list filter does: a
// resource matches when it carries every label of the filter.
type Filter struct {
	// Labels are "key=value" (or just "key") pairs, sorted.
	Labels []string
}

// ParseFilter reads one line of the Ryuk protocol, such as
//
//	label=org.testcontainers=true&label=org.testcontainers.sessionId=abc
//
// which is a URL query with one label= per label. Only label filters are
// accepted, and at least one: a filter without labels would match every
// container on the machine.
func ParseFilter(line string) (Filter, error) {
	line = strings.TrimSpace(line)
	if line == "" {
		return Filter{}, errors.New("empty filter: it would match everything")
	}
	q, err := url.ParseQuery(line)
	if err != nil {
		return Filter{}, fmt.Errorf("filter %q is not a URL query: %w", line, err)
	}
	var f Filter
	for key, values := range q {
		if key != "label" {
			return Filter{}, fmt.Errorf("filter %q: only label= filters are supported, not %s=", line, key)
		}
		for _, v := range values {
			if v == "" || strings.HasPrefix(v, "=") {
				return Filter{}, fmt.Errorf("filter %q: a label needs a key", line)
			}
			f.Labels = append(f.Labels, v)
		}
	}
	if len(f.Labels) == 0 {
		return Filter{}, fmt.Errorf("filter %q names no label", line)
	}
	sort.Strings(f.Labels)
	f.Labels = dedupe(f.Labels)
	return f, nil
}

// String is the filter's canonical form: equal filters have equal strings.
func (f Filter) String() string {
	q := make([]string, len(f.Labels))
	for i, l := range f.Labels {
		q[i] = "label=" + l
	}
	return strings.Join(q, "&")
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}
