package broker

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
)

// selector is a consumer version selector as the Pact Broker reads it.
type selector struct {
	MainBranch         bool   `json:"mainBranch,omitempty"`
	Branch             string `json:"branch,omitempty"`
	FallbackBranch     string `json:"fallbackBranch,omitempty"`
	MatchingBranch     bool   `json:"matchingBranch,omitempty"`
	DeployedOrReleased bool   `json:"deployedOrReleased,omitempty"`
	Deployed           bool   `json:"deployed,omitempty"`
	Released           bool   `json:"released,omitempty"`
	Environment        string `json:"environment,omitempty"`
	Latest             *bool  `json:"latest,omitempty"`
	Consumer           string `json:"consumer,omitempty"`
	Tag                string `json:"tag,omitempty"`
	FallbackTag        string `json:"fallbackTag,omitempty"`
}

// forVerificationRequest is the body of pacts for verification.
type forVerificationRequest struct {
	ProviderVersionBranch    string            `json:"providerVersionBranch"`
	ProviderVersionTags      []string          `json:"providerVersionTags"`
	ConsumerVersionSelectors []json.RawMessage `json:"consumerVersionSelectors"`
	IncludePendingStatus     bool              `json:"includePendingStatus"`
	IncludeWipPactsSince     string            `json:"includeWipPactsSince"`
}

var selectorFields = []string{"mainBranch", "branch", "fallbackBranch", "matchingBranch", "deployedOrReleased", "deployed", "released", "environment", "latest", "consumer", "tag", "fallbackTag"}

func parseSelector(raw json.RawMessage) (selector, error) {
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return selector{}, fmt.Errorf("a consumer version selector is not a JSON object: %s", raw)
	}
	for k := range fields {
		if !slices.Contains(selectorFields, k) {
			return selector{}, fmt.Errorf("consumer version selector field %q is not supported by tandem broker (it honours %s)", k, strings.Join(selectorFields, ", "))
		}
	}
	var sel selector
	if err := json.Unmarshal(raw, &sel); err != nil {
		return selector{}, fmt.Errorf("consumer version selector %s: %v", raw, err)
	}
	return sel, nil
}

func (sel selector) describe(providerBranch string) string {
	var parts []string
	switch {
	case sel.MainBranch:
		parts = append(parts, "latest version from the main branch")
	case sel.MatchingBranch:
		parts = append(parts, "latest version from the branch matching the provider's, "+providerBranch)
	case sel.Branch != "":
		parts = append(parts, "latest version from branch "+sel.Branch)
	case sel.Tag != "":
		parts = append(parts, "version tagged "+sel.Tag)
	case sel.DeployedOrReleased:
		parts = append(parts, "currently deployed or released")
	case sel.Deployed:
		parts = append(parts, "currently deployed")
	case sel.Released:
		parts = append(parts, "currently released and supported")
	case sel.Environment != "":
		parts = append(parts, "currently in "+sel.Environment)
	case sel.Latest != nil && *sel.Latest:
		parts = append(parts, "latest version")
	}
	if sel.Environment != "" && (sel.DeployedOrReleased || sel.Deployed || sel.Released) {
		parts = append(parts, "to "+sel.Environment)
	}
	if sel.Consumer != "" {
		parts = append(parts, "of "+sel.Consumer)
	}
	return strings.Join(parts, " ")
}

type pickedPact struct {
	entry   contract.Entry
	why     []string
	pending bool
	wip     bool
}

func (s *Server) forVerification(r *request) (reply, error) {
	provider := r.PathValue("provider")
	var req forVerificationRequest
	if err := r.decode(&req); err != nil {
		return reply{}, err
	}
	var sels []selector
	for _, raw := range req.ConsumerVersionSelectors {
		sel, err := parseSelector(raw)
		if err != nil {
			return reply{}, badRequest("%v", err)
		}
		if sel.MatchingBranch && req.ProviderVersionBranch == "" {
			return reply{}, badRequest("the matchingBranch selector needs providerVersionBranch: give the verifier --provider-branch")
		}
		sels = append(sels, sel)
	}
	if len(sels) == 0 {
		// The broker's default: the latest pact of each consumer's main branch
		// (and deployed or released versions).
		sels = []selector{{MainBranch: true}, {DeployedOrReleased: true}}
	}
	all, err := s.store.List()
	if err != nil {
		return reply{}, err
	}
	var mine []contract.Entry
	for _, e := range all {
		if e.Provider == provider {
			mine = append(mine, e)
		}
	}
	pendingRule, err := s.store.PendingRule(provider, req.ProviderVersionBranch)
	if err != nil {
		return reply{}, err
	}
	picked := map[string]*pickedPact{}
	var order []string
	// The list is deduplicated by content, as the broker's is: one
	// verification of a content is recorded for every version that has it.
	key := func(e contract.Entry) string { return e.Consumer + "\x00" + e.SHA }
	pick := func(e contract.Entry, why string, wip bool) {
		if p, ok := picked[key(e)]; ok {
			if !slices.Contains(p.why, why) {
				p.why = append(p.why, why)
			}
			if e.Version.PublishedAt.After(p.entry.Version.PublishedAt) {
				p.entry = e
			}
			return
		}
		picked[key(e)] = &pickedPact{entry: e, why: []string{why}, wip: wip,
			pending: req.IncludePendingStatus && pendingRule(e.SHA)}
		order = append(order, key(e))
	}
	for _, sel := range sels {
		es, err := s.selectEntries(mine, sel, req.ProviderVersionBranch)
		if err != nil {
			return reply{}, err
		}
		for _, e := range es {
			pick(e, sel.describe(req.ProviderVersionBranch), false)
		}
	}
	if req.IncludeWipPactsSince != "" && req.IncludePendingStatus {
		since, err := parseSince(req.IncludeWipPactsSince)
		if err != nil {
			return reply{}, err
		}
		for _, e := range latestBy(mine, func(e contract.Entry) string { return e.Consumer + "\x00" + e.Version.Branch }, nil) {
			if _, ok := picked[key(e)]; ok || e.Version.Branch == "" || !pendingRule(e.SHA) || e.Version.PublishedAt.Before(since) {
				continue
			}
			pick(e, "work in progress since "+since.Format("2006-01-02"), true)
			picked[key(e)].pending = true
		}
	}
	pacts := []any{}
	for _, k := range order {
		p := picked[k]
		e := p.entry
		notices := []any{map[string]any{"when": "before_verification",
			"text": fmt.Sprintf("The pact at %s is being verified because it matches the following configured selection criterion: %s",
				r.url("/pacts/provider/%s/consumer/%s/pact-version/%s", e.Provider, e.Consumer, e.SHA), strings.Join(p.why, "; "))}}
		if p.pending {
			notices = append(notices, map[string]any{"when": "before_verification",
				"text": fmt.Sprintf("This pact is in pending state for this version of %s because a successful verification result for %s has not yet been published. If this verification fails, it will not cause the overall build to fail.", provider, pendingScope(provider, req.ProviderVersionBranch))})
		}
		pacts = append(pacts, map[string]any{
			"shortDescription": strings.Join(p.why, "; "),
			"verificationProperties": map[string]any{
				"pending": p.pending,
				"wip":     p.wip,
				"notices": notices,
			},
			"_links": map[string]any{"self": named(
				r.url("/pacts/provider/%s/consumer/%s/pact-version/%s", e.Provider, e.Consumer, e.SHA),
				fmt.Sprintf("Pact between %s (%s) and %s", e.Consumer, e.Version.Version, e.Provider))},
		})
	}
	return reply{http.StatusOK, map[string]any{
		"_embedded": map[string]any{"pacts": pacts},
		"_links":    map[string]any{"self": link(r.url("/pacts/provider/%s/for-verification", provider))},
	}}, nil
}

func pendingScope(provider, branch string) string {
	if branch == "" {
		return "any version of " + provider
	}
	return "a version of " + provider + " on branch " + branch
}

func parseSince(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, badRequest("includeWipPactsSince %q: give a date, 2026-01-31, or a time in RFC 3339", s)
}

// latestBy returns, per key, the most recently published entry keep accepts.
func latestBy(entries []contract.Entry, key func(contract.Entry) string, keep func(contract.Entry) bool) []contract.Entry {
	latest := map[string]contract.Entry{}
	var keys []string
	for _, e := range entries { // ordered by consumer, provider, publication time
		if keep != nil && !keep(e) {
			continue
		}
		k := key(e)
		if _, ok := latest[k]; !ok {
			keys = append(keys, k)
		}
		latest[k] = e
	}
	sort.Strings(keys)
	out := make([]contract.Entry, 0, len(keys))
	for _, k := range keys {
		out = append(out, latest[k])
	}
	return out
}

func byConsumer(e contract.Entry) string { return e.Consumer }

// selectEntries returns the pacts one selector picks among a provider's.
func (s *Server) selectEntries(mine []contract.Entry, sel selector, providerBranch string) ([]contract.Entry, error) {
	var candidates []contract.Entry
	for _, e := range mine {
		if sel.Consumer == "" || e.Consumer == sel.Consumer {
			candidates = append(candidates, e)
		}
	}
	onBranch := func(b string) func(contract.Entry) bool {
		return func(e contract.Entry) bool { return e.Version.Branch == b }
	}
	switch {
	case sel.MainBranch:
		main := map[string]string{}
		for _, e := range candidates {
			if _, ok := main[e.Consumer]; !ok {
				m, err := s.store.MainBranch(e.Consumer)
				if err != nil {
					return nil, err
				}
				main[e.Consumer] = m
			}
		}
		return latestBy(candidates, byConsumer, func(e contract.Entry) bool { return e.Version.Branch == main[e.Consumer] }), nil
	case sel.Branch != "" || sel.MatchingBranch:
		branch := sel.Branch
		if sel.MatchingBranch {
			branch = providerBranch
		}
		out := latestBy(candidates, byConsumer, onBranch(branch))
		if sel.FallbackBranch != "" {
			found := map[string]bool{}
			for _, e := range out {
				found[e.Consumer] = true
			}
			for _, e := range latestBy(candidates, byConsumer, onBranch(sel.FallbackBranch)) {
				if !found[e.Consumer] {
					out = append(out, e)
				}
			}
		}
		if sel.Latest != nil && !*sel.Latest {
			var every []contract.Entry
			for _, e := range candidates {
				if e.Version.Branch == branch {
					every = append(every, e)
				}
			}
			return every, nil
		}
		return out, nil
	case sel.Tag != "":
		hasTag := func(t string) func(contract.Entry) bool {
			return func(e contract.Entry) bool { return slices.Contains(e.Version.Tags, t) }
		}
		if sel.Latest == nil || !*sel.Latest {
			var every []contract.Entry
			for _, e := range candidates {
				if hasTag(sel.Tag)(e) {
					every = append(every, e)
				}
			}
			return every, nil
		}
		out := latestBy(candidates, byConsumer, hasTag(sel.Tag))
		if sel.FallbackTag != "" && len(out) == 0 {
			out = latestBy(candidates, byConsumer, hasTag(sel.FallbackTag))
		}
		return out, nil
	case sel.DeployedOrReleased || sel.Deployed || sel.Released || sel.Environment != "":
		envs := []string{sel.Environment}
		if sel.Environment == "" {
			list, err := s.store.EnvironmentList()
			if err != nil {
				return nil, err
			}
			envs = envs[:0]
			for _, e := range list {
				envs = append(envs, e.Name)
			}
		}
		both := !sel.Deployed && !sel.Released
		running := map[string]bool{} // consumer\x00version
		for _, env := range envs {
			if sel.Deployed || both {
				dep, err := s.store.Deployed(env)
				if err != nil {
					return nil, err
				}
				for c, v := range dep {
					running[c+"\x00"+v] = true
				}
			}
			if sel.Released || both {
				rels, err := s.store.Releases(env)
				if err != nil {
					return nil, err
				}
				for _, rel := range rels {
					if rel.SupportEndedAt == nil {
						running[rel.Pacticipant+"\x00"+rel.Version] = true
					}
				}
			}
		}
		var out []contract.Entry
		for _, e := range candidates {
			if running[e.Consumer+"\x00"+e.Version.Version] {
				out = append(out, e)
			}
		}
		return out, nil
	case sel.Latest != nil && *sel.Latest:
		return latestBy(candidates, byConsumer, nil), nil
	case sel.Consumer != "":
		return candidates, nil
	}
	return nil, badRequest("a consumer version selector selects nothing: give mainBranch, branch, matchingBranch, deployedOrReleased, deployed, released, environment, tag or latest")
}
