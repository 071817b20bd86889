package contract

import (
	"fmt"
	"sort"
	"strings"
)

// Row is one line of the verification matrix behind a can-i-deploy answer.
type Row struct {
	Consumer        string `json:"consumer"`
	ConsumerVersion string `json:"consumerVersion"`
	Provider        string `json:"provider"`
	ProviderVersion string `json:"providerVersion,omitempty"`
	// Status is verified, failed, never verified, or provider not deployed.
	Status string `json:"status"`
	// Detail is the first problem of a failed verification.
	Detail string `json:"detail,omitempty"`
	// Together is true when the other side of the row is not what the
	// environment runs but a version released together with the pacticipant
	// (ReleasedWith).
	Together bool `json:"releasedTogether,omitempty"`
	// Pending is true when the provider has never verified this pact's
	// content successfully: a failure does not fail the provider's
	// verification step, but the pair still cannot run together.
	Pending bool `json:"pending,omitempty"`
}

// DeployOption qualifies a can-i-deploy question.
type DeployOption func(*deployQuestion)

type deployQuestion struct{ with map[string]string }

// ReleasedWith says which versions of other pacticipants go to the
// environment together with the one asked about (the services of a system,
// as declared): a contract with one of them is checked against that version,
// not against what the environment runs today, as the Pact Broker does when
// can-i-deploy names several pacticipants.
func ReleasedWith(versions map[string]string) DeployOption {
	return func(q *deployQuestion) { q.with = versions }
}

// Row statuses.
const (
	Verified            = "verified"
	Failed              = "failed"
	NeverVerified       = "never verified"
	ProviderNotDeployed = "provider not deployed"
)

func (r Row) ok() bool { return r.Status == Verified || r.Status == ProviderNotDeployed }

// Answer is can-i-deploy's answer: yes, no or unknown, why, and the rows.
type Answer struct {
	Pacticipant string `json:"pacticipant"`
	Version     string `json:"version"`
	Environment string `json:"environment"`
	Deployable  string `json:"deployable"` // yes, no, unknown
	Reason      string `json:"reason"`
	Rows        []Row  `json:"matrix"`
}

// CanIDeploy answers whether version of pacticipant can go to environment:
// as a consumer, every provider version deployed there must have verified its
// pact; as a provider, it must have verified the pact of every consumer
// version deployed there.
func (s *Store) CanIDeploy(pacticipant, version, environment string, opts ...DeployOption) (*Answer, error) {
	var q deployQuestion
	for _, o := range opts {
		o(&q)
	}
	a := &Answer{Pacticipant: pacticipant, Version: version, Environment: environment}
	all, err := s.List()
	if err != nil {
		return nil, err
	}
	deployed, err := s.Deployed(environment)
	if err != nil {
		return nil, err
	}
	together := map[string]bool{}
	for name, v := range q.with {
		if name != pacticipant && v != "" {
			deployed[name], together[name] = v, true
		}
	}
	if !s.knows(pacticipant, version) {
		a.Deployable = "unknown"
		a.Reason = fmt.Sprintf("the store knows nothing of %s %s: publish its pacts (as a consumer) or verify it (as a provider) first", pacticipant, version)
		return a, nil
	}
	// As a consumer: its pacts, against the provider versions in the environment.
	for _, e := range all {
		if e.Consumer != pacticipant || e.Version.Version != version {
			continue
		}
		row := Row{Consumer: e.Consumer, ConsumerVersion: version, Provider: e.Provider, Together: together[e.Provider]}
		pv, ok := deployed[e.Provider]
		if !ok {
			row.Status = ProviderNotDeployed
		} else {
			row.ProviderVersion = pv
			row.Status, row.Detail, row.Pending = s.status(e, pv)
		}
		a.Rows = append(a.Rows, row)
	}
	// As a provider: the pacts of consumer versions in the environment.
	for _, e := range all {
		if e.Provider != pacticipant || deployed[e.Consumer] != e.Version.Version {
			continue
		}
		row := Row{Consumer: e.Consumer, ConsumerVersion: e.Version.Version, Provider: pacticipant, ProviderVersion: version, Together: together[e.Consumer]}
		row.Status, row.Detail, row.Pending = s.status(e, version)
		a.Rows = append(a.Rows, row)
	}
	sort.SliceStable(a.Rows, func(i, j int) bool {
		if a.Rows[i].Consumer != a.Rows[j].Consumer {
			return a.Rows[i].Consumer < a.Rows[j].Consumer
		}
		return a.Rows[i].Provider < a.Rows[j].Provider
	})
	a.Deployable, a.Reason = verdict(a)
	return a, nil
}

// status is how providerVersion's verification of pact e stands, the first
// problem of a failure, and whether the pact is pending for the provider.
func (s *Store) status(e Entry, providerVersion string) (string, string, bool) {
	r, err := readRecord(s.recordPath(VerificationRecord{
		Provider: e.Provider, ProviderVersion: providerVersion, Consumer: e.Consumer, ConsumerVersion: e.Version.Version,
	}))
	if err != nil || r.PactSHA != e.SHA {
		return NeverVerified, "", false
	}
	if r.Success {
		return Verified, "", false
	}
	verified, err := s.verifiedSHAs(e.Provider)
	pending := err == nil && !verified[e.SHA]
	for _, in := range r.Interactions {
		if !in.Passed {
			detail := in.Name()
			if len(in.Problems) > 0 {
				detail += ": " + in.Problems[0]
			}
			return Failed, detail, pending
		}
	}
	return Failed, "", pending
}

// with says, for a row whose other side is released together with
// pacticipant, that it is: ", and catalog 1.1 is released with it".
func (r Row) with(pacticipant string) string {
	if !r.Together {
		return ""
	}
	other := r.Provider + " " + r.ProviderVersion
	if r.Provider == pacticipant {
		other = r.Consumer + " " + r.ConsumerVersion
	}
	return ", and " + other + " is released with it"
}

func verdict(a *Answer) (string, string) {
	var bad []string
	for _, r := range a.Rows {
		if r.ok() {
			continue
		}
		switch r.Status {
		case Failed:
			detail := r.Detail
			if r.Pending {
				detail = "a pending pact, so the provider's own build passed: " + detail
			}
			bad = append(bad, fmt.Sprintf("%s %s's verification of %s %s failed (%s)%s", r.Provider, r.ProviderVersion, r.Consumer, r.ConsumerVersion, detail, r.with(a.Pacticipant)))
		default:
			bad = append(bad, fmt.Sprintf("%s %s has never verified the pact of %s %s%s", r.Provider, r.ProviderVersion, r.Consumer, r.ConsumerVersion, r.with(a.Pacticipant)))
		}
	}
	switch {
	case len(bad) > 0:
		return "no", fmt.Sprintf("%s %s cannot go to %s: %s", a.Pacticipant, a.Version, a.Environment, strings.Join(bad, "; "))
	case len(a.Rows) == 0:
		return "yes", fmt.Sprintf("%s %s has no contract with anything deployed to %s", a.Pacticipant, a.Version, a.Environment)
	}
	return "yes", fmt.Sprintf("%s %s can go to %s: all %d required verifications succeeded", a.Pacticipant, a.Version, a.Environment, len(a.Rows))
}
