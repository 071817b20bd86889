package contract

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// Versions returns every recorded version of pacticipant, oldest first.
func (s *Store) Versions(pacticipant string) ([]Version, error) {
	paths, err := filepath.Glob(filepath.Join(s.Dir, "versions", pacticipant, "*.json"))
	if err != nil {
		return nil, err
	}
	var vs []Version
	for _, p := range paths {
		if strings.HasPrefix(filepath.Base(p), atomicfile.TempPrefix) {
			continue
		}
		v, err := s.version(pacticipant, strings.TrimSuffix(filepath.Base(p), ".json"))
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].PublishedAt.Before(vs[j].PublishedAt) })
	return vs, nil
}

// LookupVersion returns what the store knows of one pacticipant version, and
// whether it knows it at all.
func (s *Store) LookupVersion(pacticipant, version string) (Version, bool, error) {
	if !safeName.MatchString(pacticipant) || !safeName.MatchString(version) {
		return Version{}, false, nil
	}
	v, err := s.version(pacticipant, version)
	return v, err == nil && !v.PublishedAt.IsZero(), err
}

// Pacticipants lists every pacticipant the store knows: with pacts, versions
// or a record of its own.
func (s *Store) Pacticipants() ([]Pacticipant, error) {
	names := map[string]bool{}
	for _, pattern := range []string{"versions/*", "pacts/*", "pacts/*/*"} {
		dirs, err := filepath.Glob(filepath.Join(s.Dir, filepath.FromSlash(pattern)))
		if err != nil {
			return nil, err
		}
		for _, d := range dirs {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				names[filepath.Base(d)] = true
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(s.Dir, "pacticipants", "*.json"))
	for _, f := range files {
		if !strings.HasPrefix(filepath.Base(f), atomicfile.TempPrefix) {
			names[strings.TrimSuffix(filepath.Base(f), ".json")] = true
		}
	}
	var out []Pacticipant
	for _, n := range slices.Sorted(func(yield func(string) bool) {
		for n := range names {
			if !yield(n) {
				return
			}
		}
	}) {
		p, err := s.pacticipant(n)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// SaveVersion records a pacticipant version, or adds to the one recorded: a
// branch (the branch of a version, once set, stays: as in the Pact Broker,
// a different one is refused) and tags.
func (s *Store) SaveVersion(pacticipant, version, branch string, tags ...string) (Version, error) {
	for what, v := range map[string]string{"pacticipant": pacticipant, "version": version} {
		if !safeName.MatchString(v) {
			return Version{}, fmt.Errorf("%s %q: use letters, digits, '.', '_' and '-' only", what, v)
		}
	}
	v, err := s.version(pacticipant, version)
	if err != nil {
		return v, err
	}
	changed := v.PublishedAt.IsZero()
	if changed {
		v.PublishedAt = s.Now().UTC()
	}
	if branch != "" && v.Branch != branch {
		if v.Branch != "" {
			return v, fmt.Errorf("%w: %s %s is on branch %s, not %s; a version's branch cannot change: publish the work on %s under a new version",
				ErrBranchConflict, pacticipant, version, v.Branch, branch, branch)
		}
		v.Branch, changed = branch, true
	}
	for _, t := range tags {
		if !slices.Contains(v.Tags, t) {
			v.Tags, changed = append(v.Tags, t), true
		}
	}
	if !changed {
		return v, nil
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	if err := atomicfile.Write(s.versionPath(pacticipant, version), append(b, '\n')); err != nil {
		return v, fmt.Errorf("record version: %w", err)
	}
	return v, nil
}

// ErrBranchConflict is returned when a version already recorded on one branch
// is given another.
var ErrBranchConflict = fmt.Errorf("a version's branch cannot change")
