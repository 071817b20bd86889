package contract

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// Deployment says that a pacticipant version runs in an environment, kept in
// the store as deployments/ENVIRONMENT.json (with its history).
type Deployment struct {
	Pacticipant  string     `json:"pacticipant"`
	Version      string     `json:"version"`
	DeployedAt   time.Time  `json:"deployedAt"`
	UndeployedAt *time.Time `json:"undeployedAt,omitempty"`
}

type environmentFile struct {
	Environment string       `json:"environment"`
	Deployments []Deployment `json:"deployments"`
}

// RecordDeployment records that version of pacticipant now runs in
// environment, replacing the version that ran there before.
func (s *Store) RecordDeployment(pacticipant, version, environment string) (Deployment, error) {
	for what, v := range map[string]string{"pacticipant": pacticipant, "version": version, "environment": environment} {
		if !safeName.MatchString(v) {
			return Deployment{}, fmt.Errorf("%s %q: use letters, digits, '.', '_' and '-' only", what, v)
		}
	}
	if !s.knows(pacticipant, version) {
		return Deployment{}, fmt.Errorf("the store knows no version %s of %s; publish its pacts or record its verification first (tandem contracts list shows what is stored)", version, pacticipant)
	}
	f, err := s.environment(environment)
	if err != nil {
		return Deployment{}, err
	}
	now := s.Now().UTC()
	for i, d := range f.Deployments {
		if d.Pacticipant == pacticipant && d.UndeployedAt == nil {
			if d.Version == version {
				return d, nil // already deployed: a no-op
			}
			f.Deployments[i].UndeployedAt = &now
		}
	}
	d := Deployment{Pacticipant: pacticipant, Version: version, DeployedAt: now}
	f.Deployments = append(f.Deployments, d)
	b, _ := json.MarshalIndent(f, "", "  ")
	if err := atomicfile.Write(s.environmentPath(environment), append(b, '\n')); err != nil {
		return Deployment{}, fmt.Errorf("record deployment: %w", err)
	}
	return d, nil
}

// Deployed returns the version of each pacticipant currently in environment.
func (s *Store) Deployed(environment string) (map[string]string, error) {
	f, err := s.environment(environment)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, d := range f.Deployments {
		if d.UndeployedAt == nil {
			out[d.Pacticipant] = d.Version
		}
	}
	return out, nil
}

// Environments lists the environments with recorded deployments.
func (s *Store) Environments() ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(s.Dir, "deployments", "*.json"))
	if err != nil {
		return nil, err
	}
	var envs []string
	for _, p := range paths {
		envs = append(envs, strings.TrimSuffix(filepath.Base(p), ".json"))
	}
	sort.Strings(envs)
	return envs, nil
}

func (s *Store) environmentPath(env string) string {
	return filepath.Join(s.Dir, "deployments", env+".json")
}

func (s *Store) environment(env string) (environmentFile, error) {
	f := environmentFile{Environment: env}
	err := readIfExists(s.environmentPath(env), &f)
	return f, err
}
