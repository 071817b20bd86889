package contract

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// PendingRule says whether a pact's content is pending for a provider, the
// Pact Broker's way (pact_broker's PactVersion#pending_for_provider_branch?):
// for a provider branch, the content is pending unless a version on that
// branch verified it successfully, or a version on another branch (or on no
// branch: records written by `tandem contracts verify` without one) did so
// before the branch's first version was recorded. Without a branch, it is
// pending unless any provider version verified it successfully: the rule of
// `tandem contracts verify`.
func (s *Store) PendingRule(provider, branch string) (func(sha string) bool, error) {
	recs, err := s.Verifications(provider)
	if err != nil {
		return nil, err
	}
	var created time.Time
	if branch != "" {
		vs, err := s.Versions(provider)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if v.Branch == branch && (created.IsZero() || v.PublishedAt.Before(created)) {
				created = v.PublishedAt
			}
		}
	}
	ok := map[string]bool{}
	for _, r := range recs {
		switch {
		case !r.Success:
		case branch == "" || r.ProviderBranch == branch:
			ok[r.PactSHA] = true
		case created.IsZero() || r.VerifiedAt.Before(created):
			ok[r.PactSHA] = true
		}
	}
	return func(sha string) bool { return !ok[sha] }, nil
}

// SaveVerification stores one verification record as it came (from a
// verifier publishing results to `tandem broker`), with its provider version,
// its problems redacted as Record redacts them.
func (s *Store) SaveVerification(rec VerificationRecord) error {
	if !safeName.MatchString(rec.ProviderVersion) {
		return fmt.Errorf("provider version %q: use letters, digits, '.', '_' and '-' only", rec.ProviderVersion)
	}
	if rec.VerifiedAt.IsZero() {
		rec.VerifiedAt = s.Now().UTC()
	}
	// As Record does: the store never holds a secret the verifier quoted.
	red := redact.Default()
	ins := make([]InteractionRecord, len(rec.Interactions))
	for i, in := range rec.Interactions {
		in.Problems = slices.Clone(in.Problems)
		for j, p := range in.Problems {
			in.Problems[j] = verifierText(red, p)
		}
		ins[i] = in
	}
	if rec.Interactions != nil {
		rec.Interactions = ins
	}
	var batch atomicfile.Batch
	b, _ := json.MarshalIndent(rec, "", "  ")
	batch.Add(s.recordPath(rec), append(b, '\n'))
	if err := s.addVersion(&batch, rec.Provider, rec.ProviderVersion, rec.ProviderBranch); err != nil {
		return err
	}
	if err := batch.Commit(); err != nil {
		return fmt.Errorf("record verification: %w", err)
	}
	return nil
}

// Verification returns providerVersion's verification of pact e, if any
// (of the same content).
func (s *Store) Verification(e Entry, providerVersion string) (VerificationRecord, bool) {
	r, err := readRecord(s.recordPath(VerificationRecord{
		Provider: e.Provider, ProviderVersion: providerVersion, Consumer: e.Consumer, ConsumerVersion: e.Version.Version,
	}))
	if err != nil || r.PactSHA != e.SHA {
		return r, false
	}
	return r, true
}

// Pair is the matrix row of pact e against providerVersion.
func (s *Store) Pair(e Entry, providerVersion string) Row {
	row := Row{Consumer: e.Consumer, ConsumerVersion: e.Version.Version, Provider: e.Provider, ProviderVersion: providerVersion}
	row.Status, row.Detail, row.Pending = s.status(e, providerVersion)
	return row
}

// OK reports whether the row lets the pair run together.
func (r Row) OK() bool { return r.ok() }
