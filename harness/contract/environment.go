package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// Environment is a place pacticipant versions are deployed or released to,
// kept in the store as environments/NAME.json. An environment that only has
// deployments (deployments/NAME.json, as `tandem contracts record-deployment`
// writes) is one too, with its name as display name.
type Environment struct {
	UUID        string    `json:"uuid"`
	Name        string    `json:"name"`
	DisplayName string    `json:"displayName,omitempty"`
	Production  bool      `json:"production"`
	CreatedAt   time.Time `json:"createdAt"`
}

// EnvironmentUUID is the stable identifier of an environment's name: the
// store needs no table to find an environment by it.
func EnvironmentUUID(name string) string {
	sum := sha256.Sum256([]byte("environment\x00" + name))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (s *Store) environmentRecordPath(name string) string {
	return filepath.Join(s.Dir, "environments", name+".json")
}

// SaveEnvironment creates or updates an environment.
func (s *Store) SaveEnvironment(e Environment) (Environment, error) {
	if !safeName.MatchString(e.Name) {
		return e, fmt.Errorf("environment name %q: use letters, digits, '.', '_' and '-' only", e.Name)
	}
	old, found, err := s.FindEnvironment(e.Name)
	if err != nil {
		return e, err
	}
	e.UUID = EnvironmentUUID(e.Name)
	e.CreatedAt = old.CreatedAt
	if !found || e.CreatedAt.IsZero() {
		e.CreatedAt = s.Now().UTC()
	}
	b, _ := json.MarshalIndent(e, "", "  ")
	if err := atomicfile.Write(s.environmentRecordPath(e.Name), append(b, '\n')); err != nil {
		return e, fmt.Errorf("save environment: %w", err)
	}
	return e, nil
}

// FindEnvironment returns the environment named name, and whether there is one.
func (s *Store) FindEnvironment(name string) (Environment, bool, error) {
	all, err := s.EnvironmentList()
	if err != nil {
		return Environment{}, false, err
	}
	for _, e := range all {
		if e.Name == name || e.UUID == name {
			return e, true, nil
		}
	}
	return Environment{}, false, nil
}

// EnvironmentList returns every environment: created ones and those that
// only have deployments or releases, by name.
func (s *Store) EnvironmentList() ([]Environment, error) {
	byName := map[string]Environment{}
	for _, dir := range []string{"deployments", "releases"} {
		paths, err := filepath.Glob(filepath.Join(s.Dir, dir, "*.json"))
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			n := strings.TrimSuffix(filepath.Base(p), ".json")
			if !strings.HasPrefix(n, atomicfile.TempPrefix) {
				byName[n] = Environment{UUID: EnvironmentUUID(n), Name: n, DisplayName: n}
			}
		}
	}
	paths, err := filepath.Glob(filepath.Join(s.Dir, "environments", "*.json"))
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		if strings.HasPrefix(filepath.Base(p), atomicfile.TempPrefix) {
			continue
		}
		var e Environment
		if err := readIfExists(p, &e); err != nil {
			return nil, err
		}
		byName[e.Name] = e
	}
	out := make([]Environment, 0, len(byName))
	for _, e := range byName {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
