package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"time"

	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// VerificationRecord is a provider version's verification of one pact, kept in
// the store as verifications/PROVIDER/PROVIDER_VERSION/CONSUMER/CONSUMER_VERSION.json.
type VerificationRecord struct {
	Provider        string              `json:"provider"`
	ProviderVersion string              `json:"providerVersion"`
	ProviderBranch  string              `json:"providerBranch,omitempty"`
	Consumer        string              `json:"consumer"`
	ConsumerVersion string              `json:"consumerVersion"`
	PactSHA         string              `json:"pactSha"`
	Success         bool                `json:"success"`
	VerifiedAt      time.Time           `json:"verifiedAt"`
	Interactions    []InteractionRecord `json:"interactions"`
}

// InteractionRecord is one interaction's outcome in a verification record,
// identified as the Pact verifier does: by its provider states and
// description, or its V4 key.
type InteractionRecord struct {
	Description    string   `json:"description"`
	ProviderStates []string `json:"providerStates,omitempty"`
	Key            string   `json:"key,omitempty"`
	Passed         bool     `json:"passed"`
	Problems       []string `json:"problems,omitempty"`
}

// Name is the interaction's description with its provider states.
func (r InteractionRecord) Name() string { return InteractionName(r.Description, r.ProviderStates) }

// Record stores the verification of each pact in v, redacted (see Redact):
// the store never holds a secret the verifier quoted. A record whose outcome
// equals the stored one is left as it is, so re-running an unchanged
// verification changes no file.
func (s *Store) Record(v *Verification, branch string, pacts []Selected) error {
	v = Redact(v)
	if v.ProviderVersion == "" {
		return errors.New("record verification: the provider version is empty; pass --provider-version")
	}
	if !safeName.MatchString(v.ProviderVersion) {
		return fmt.Errorf("record verification: provider version %q: use letters, digits, '.', '_' and '-' only", v.ProviderVersion)
	}
	// One batch, the version's record with them: a record that does not fit
	// on the disk leaves none written.
	var batch atomicfile.Batch
	for _, p := range pacts {
		rec := VerificationRecord{
			Provider: v.Provider, ProviderVersion: v.ProviderVersion, ProviderBranch: branch,
			Consumer: p.Consumer, ConsumerVersion: p.Version.Version, PactSHA: p.SHA,
			Success: true, VerifiedAt: s.Now().UTC(),
		}
		for _, r := range v.Results {
			if r.Consumer != p.Consumer || r.ConsumerVersion != p.Version.Version {
				continue
			}
			ir := InteractionRecord{Description: r.Description, ProviderStates: r.States, Key: r.Key, Passed: r.Passed}
			if r.Problem != "" {
				ir.Problems = append(ir.Problems, r.Problem)
			}
			for _, m := range r.Mismatches {
				ir.Problems = append(ir.Problems, m.String())
			}
			rec.Success = rec.Success && r.Passed
			rec.Interactions = append(rec.Interactions, ir)
		}
		if len(rec.Interactions) == 0 {
			continue
		}
		path := s.recordPath(rec)
		if old, err := readRecord(path); err == nil && sameOutcome(old, rec) {
			continue
		}
		b, _ := json.MarshalIndent(rec, "", "  ")
		batch.Add(path, append(b, '\n'))
	}
	if err := s.addVersion(&batch, v.Provider, v.ProviderVersion, branch); err != nil {
		return err
	}
	if err := batch.Commit(); err != nil {
		return fmt.Errorf("record verification: %w", err)
	}
	return nil
}

func sameOutcome(a, b VerificationRecord) bool {
	a.VerifiedAt, b.VerifiedAt = time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

func (s *Store) recordPath(r VerificationRecord) string {
	return filepath.Join(s.Dir, "verifications", r.Provider, r.ProviderVersion, r.Consumer, r.ConsumerVersion+".json")
}

func readRecord(path string) (VerificationRecord, error) {
	var r VerificationRecord
	b, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// Verifications returns every recorded verification by provider, oldest first.
func (s *Store) Verifications(provider string) ([]VerificationRecord, error) {
	paths, err := filepath.Glob(filepath.Join(s.Dir, "verifications", provider, "*", "*", "*.json"))
	if err != nil {
		return nil, err
	}
	var recs []VerificationRecord
	for _, p := range paths {
		r, err := readRecord(p)
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].VerifiedAt.Before(recs[j].VerifiedAt) })
	return recs, nil
}

// verifiedSHAs is the set of pact contents provider has verified successfully.
func (s *Store) verifiedSHAs(provider string) (map[string]bool, error) {
	recs, err := s.Verifications(provider)
	if err != nil {
		return nil, err
	}
	ok := map[string]bool{}
	for _, r := range recs {
		if r.Success {
			ok[r.PactSHA] = true
		}
	}
	return ok, nil
}
