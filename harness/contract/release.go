package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// ID identifies a deployment: its environment, pacticipant, version and time.
func (d Deployment) ID(environment string) string {
	sum := sha256.Sum256([]byte(environment + "\x00" + d.Pacticipant + "\x00" + d.Version + "\x00" + d.DeployedAt.Format(time.RFC3339Nano)))
	return hex.EncodeToString(sum[:12])
}

// Deployments returns environment's deployments, past and current.
func (s *Store) Deployments(environment string) ([]Deployment, error) {
	f, err := s.environment(environment)
	return f.Deployments, err
}

// RecordUndeployment records that the deployment with id (Deployment.ID) no
// longer runs in environment. Undeploying what is already undeployed is a no-op.
func (s *Store) RecordUndeployment(environment, id string) (Deployment, error) {
	f, err := s.environment(environment)
	if err != nil {
		return Deployment{}, err
	}
	for i, d := range f.Deployments {
		if d.ID(environment) != id {
			continue
		}
		if d.UndeployedAt != nil {
			return d, nil
		}
		now := s.Now().UTC()
		f.Deployments[i].UndeployedAt = &now
		b, _ := json.MarshalIndent(f, "", "  ")
		if err := atomicfile.Write(s.environmentPath(environment), append(b, '\n')); err != nil {
			return Deployment{}, fmt.Errorf("record undeployment: %w", err)
		}
		return f.Deployments[i], nil
	}
	return Deployment{}, ErrNoSuchDeployment
}

// ErrNoSuchDeployment is returned for a deployment id the store does not know.
var ErrNoSuchDeployment = errors.New("no such deployment")

// Release says that a pacticipant version is released to an environment (a
// mobile app, a library: several versions supported at once), kept in the
// store as releases/ENVIRONMENT.json.
type Release struct {
	Pacticipant    string     `json:"pacticipant"`
	Version        string     `json:"version"`
	ReleasedAt     time.Time  `json:"releasedAt"`
	SupportEndedAt *time.Time `json:"supportEndedAt,omitempty"`
}

type releaseFile struct {
	Environment string    `json:"environment"`
	Releases    []Release `json:"releases"`
}

func (s *Store) releasePath(env string) string {
	return filepath.Join(s.Dir, "releases", env+".json")
}

// Releases returns environment's releases, supported or not.
func (s *Store) Releases(environment string) ([]Release, error) {
	f := releaseFile{Environment: environment}
	err := readIfExists(s.releasePath(environment), &f)
	return f.Releases, err
}

// RecordRelease records that version of pacticipant is released to
// environment, beside the versions released before it. Recording it again
// is a no-op while it is supported.
func (s *Store) RecordRelease(pacticipant, version, environment string) (Release, error) {
	for what, v := range map[string]string{"pacticipant": pacticipant, "version": version, "environment": environment} {
		if !safeName.MatchString(v) {
			return Release{}, fmt.Errorf("%s %q: use letters, digits, '.', '_' and '-' only", what, v)
		}
	}
	if !s.knows(pacticipant, version) {
		return Release{}, fmt.Errorf("the store knows no version %s of %s; publish its pacts or record its verification first", version, pacticipant)
	}
	f := releaseFile{Environment: environment}
	if err := readIfExists(s.releasePath(environment), &f); err != nil {
		return Release{}, err
	}
	for _, r := range f.Releases {
		if r.Pacticipant == pacticipant && r.Version == version && r.SupportEndedAt == nil {
			return r, nil
		}
	}
	r := Release{Pacticipant: pacticipant, Version: version, ReleasedAt: s.Now().UTC()}
	f.Releases = append(f.Releases, r)
	return r, s.writeReleases(f)
}

// RecordSupportEnded records that the release of version of pacticipant in
// environment is no longer supported. It reports whether a supported release
// was found.
func (s *Store) RecordSupportEnded(pacticipant, version, environment string) (bool, error) {
	f := releaseFile{Environment: environment}
	if err := readIfExists(s.releasePath(environment), &f); err != nil {
		return false, err
	}
	found := false
	now := s.Now().UTC()
	for i, r := range f.Releases {
		if r.Pacticipant == pacticipant && r.Version == version && r.SupportEndedAt == nil {
			f.Releases[i].SupportEndedAt, found = &now, true
		}
	}
	if !found {
		return false, nil
	}
	return true, s.writeReleases(f)
}

func (s *Store) writeReleases(f releaseFile) error {
	b, _ := json.MarshalIndent(f, "", "  ")
	if err := atomicfile.Write(s.releasePath(f.Environment), append(b, '\n')); err != nil {
		return fmt.Errorf("record release: %w", err)
	}
	return nil
}

// InEnvironment returns, per pacticipant, the versions environment runs: the
// deployed one and every release still supported.
func (s *Store) InEnvironment(environment string) (map[string][]string, error) {
	out := map[string][]string{}
	deployed, err := s.Deployed(environment)
	if err != nil {
		return nil, err
	}
	for p, v := range deployed {
		out[p] = append(out[p], v)
	}
	rels, err := s.Releases(environment)
	if err != nil {
		return nil, err
	}
	for _, r := range rels {
		if r.SupportEndedAt == nil {
			out[r.Pacticipant] = append(out[r.Pacticipant], r.Version)
		}
	}
	return out, nil
}
