package contract

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Selector is a consumer version selector, as in the Pact Broker.
type Selector struct {
	MainBranch         bool
	Branch             string
	DeployedOrReleased bool
	Environment        string
}

// ParseSelector reads mainBranch, branch=NAME, deployedOrReleased or
// environment=NAME.
func ParseSelector(s string) (Selector, error) {
	key, val, hasVal := strings.Cut(s, "=")
	switch {
	case key == "mainBranch" && !hasVal:
		return Selector{MainBranch: true}, nil
	case key == "deployedOrReleased" && !hasVal:
		return Selector{DeployedOrReleased: true}, nil
	case key == "branch" && val != "":
		return Selector{Branch: val}, nil
	case key == "environment" && val != "":
		return Selector{Environment: val}, nil
	}
	return Selector{}, fmt.Errorf("selector %q: use mainBranch, branch=NAME, deployedOrReleased or environment=NAME", s)
}

func (sel Selector) String() string {
	switch {
	case sel.MainBranch:
		return "mainBranch"
	case sel.DeployedOrReleased:
		return "deployedOrReleased"
	case sel.Branch != "":
		return "branch=" + sel.Branch
	default:
		return "environment=" + sel.Environment
	}
}

// Selected is a pact chosen for verification.
type Selected struct {
	Entry
	// Pending is true when the provider has never verified this pact's content
	// successfully: its failures are reported but do not fail the run.
	Pending bool
	// WIP is true for work-in-progress pacts added by --include-wip-since.
	WIP bool
	// Selectors say why the pact was chosen.
	Selectors []string
}

// Select returns the pacts to verify for provider: those the selectors pick
// (mainBranch when none), each marked pending or not, plus — when wipSince is
// set — the pending pacts published since then that no selector picked.
func (s *Store) Select(provider string, selectors []Selector, wipSince time.Time) ([]Selected, error) {
	if len(selectors) == 0 {
		selectors = []Selector{{MainBranch: true}}
	}
	all, err := s.List()
	if err != nil {
		return nil, err
	}
	var mine []Entry
	for _, e := range all {
		if e.Provider == provider {
			mine = append(mine, e)
		}
	}
	verified, err := s.verifiedSHAs(provider)
	if err != nil {
		return nil, err
	}
	picked := map[string]*Selected{}
	var order []string
	pick := func(e Entry, why string, wip bool) {
		if p, ok := picked[e.Path]; ok {
			p.Selectors = append(p.Selectors, why)
			return
		}
		picked[e.Path] = &Selected{Entry: e, Pending: !verified[e.SHA], WIP: wip, Selectors: []string{why}}
		order = append(order, e.Path)
	}
	for _, sel := range selectors {
		switch {
		case sel.MainBranch:
			main := map[string]string{}
			for _, e := range mine {
				if _, ok := main[e.Consumer]; !ok {
					if main[e.Consumer], err = s.MainBranch(e.Consumer); err != nil {
						return nil, err
					}
				}
			}
			for _, e := range latestPerConsumer(mine, func(e Entry) bool { return e.Version.Branch == main[e.Consumer] }) {
				pick(e, sel.String(), false)
			}
		case sel.Branch != "":
			for _, e := range latestPerConsumer(mine, func(e Entry) bool { return e.Version.Branch == sel.Branch }) {
				pick(e, sel.String(), false)
			}
		default:
			envs := []string{sel.Environment}
			if sel.DeployedOrReleased {
				if envs, err = s.Environments(); err != nil {
					return nil, err
				}
			}
			for _, env := range envs {
				deployed, err := s.Deployed(env)
				if err != nil {
					return nil, err
				}
				for _, e := range mine {
					if deployed[e.Consumer] == e.Version.Version {
						pick(e, sel.String(), false)
					}
				}
			}
		}
	}
	if !wipSince.IsZero() {
		latest := latestPerConsumerBranch(mine)
		for _, e := range latest {
			if _, ok := picked[e.Path]; ok || verified[e.SHA] || e.Version.PublishedAt.Before(wipSince) {
				continue
			}
			pick(e, "wip since "+wipSince.Format("2006-01-02"), true)
		}
	}
	out := make([]Selected, 0, len(order))
	for _, p := range order {
		out = append(out, *picked[p])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Consumer < out[j].Consumer })
	return out, nil
}

// latestPerConsumer returns each consumer's most recently published entry
// among those keep accepts. Entries come ordered by publication time.
func latestPerConsumer(entries []Entry, keep func(Entry) bool) []Entry {
	latest := map[string]Entry{}
	var names []string
	for _, e := range entries {
		if !keep(e) {
			continue
		}
		if _, ok := latest[e.Consumer]; !ok {
			names = append(names, e.Consumer)
		}
		latest[e.Consumer] = e
	}
	sort.Strings(names)
	out := make([]Entry, 0, len(names))
	for _, n := range names {
		out = append(out, latest[n])
	}
	return out
}

func latestPerConsumerBranch(entries []Entry) []Entry {
	latest := map[string]Entry{}
	var keys []string
	for _, e := range entries {
		k := e.Consumer + "\x00" + e.Version.Branch
		if _, ok := latest[k]; !ok {
			keys = append(keys, k)
		}
		latest[k] = e
	}
	sort.Strings(keys)
	out := make([]Entry, 0, len(keys))
	for _, k := range keys {
		out = append(out, latest[k])
	}
	return out
}
