package reaper

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// fakeEngine is an in-memory engine: resources with labels, removals in order.
type fakeEngine struct {
	mu      sync.Mutex
	items   []fakeItem
	removed []string       // "kind name", in order
	failing map[string]int // name → how many more removals fail
	listErr map[Kind]error // a kind whose listing fails
	listed  chan Kind      // if set, told of every listing
}

type fakeItem struct {
	Resource
	labels []string
}

var _ Engine = (*fakeEngine)(nil)

func (e *fakeEngine) add(k Kind, name string, created time.Time, labels ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.items = append(e.items, fakeItem{Resource: Resource{Kind: k, ID: "id-" + name, Name: name, Created: created}, labels: labels})
}

func (e *fakeEngine) List(_ context.Context, k Kind, f Filter) ([]Resource, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.listed != nil {
		select {
		case e.listed <- k:
		default:
		}
	}
	if err := e.listErr[k]; err != nil {
		return nil, err
	}
	var out []Resource
	for _, it := range e.items {
		if it.Kind != k {
			continue
		}
		match := true
		for _, l := range f.Labels {
			match = match && slices.Contains(it.labels, l)
		}
		if match {
			out = append(out, it.Resource)
		}
	}
	return out, nil
}

func (e *fakeEngine) Remove(_ context.Context, r Resource) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.failing[r.Name] > 0 {
		e.failing[r.Name]--
		return errors.New("network is in use")
	}
	for i, it := range e.items {
		if it.ID == r.ID {
			e.items = slices.Delete(e.items, i, i+1)
			e.removed = append(e.removed, r.Kind.String()+" "+r.Name)
			return nil
		}
	}
	return nil
}

func (e *fakeEngine) removals() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.removed)
}

func (e *fakeEngine) left() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, it := range e.items {
		out = append(out, it.Kind.String()+" "+it.Name)
	}
	return out
}
