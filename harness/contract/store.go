package contract

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// Store is the contract store: a folder (contracts/ in the repository) with
//
//	pacts/CONSUMER/PROVIDER/VERSION.json   the pacts, as published
//	versions/PACTICIPANT/VERSION.json      branch, tags and publication time
type Store struct {
	Dir string
	// Now is the clock; tests set it.
	Now func() time.Time
}

// Open returns the store in dir, creating the folder if needed.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open contract store: %w", err)
	}
	return &Store{Dir: dir, Now: time.Now}, nil
}

// Version is what the store knows of one pacticipant version.
type Version struct {
	Pacticipant string    `json:"pacticipant"`
	Version     string    `json:"version"`
	Branch      string    `json:"branch,omitempty"`
	Tags        []string  `json:"tags,omitempty"`
	PublishedAt time.Time `json:"publishedAt"`
}

// PublishOptions qualify a publication.
type PublishOptions struct {
	Branch string
	Tags   []string
	// Force replaces a pact whose content differs from the stored one.
	Force bool
	// Pacticipants, when set, are the only names a pact may use as consumer
	// or provider (the services of the system): a typo is refused, not stored.
	Pacticipants []string
	// Source names where Pacticipants come from, for errors.
	Source string
}

// Published reports what one publication did.
type Published struct {
	Consumer, Provider, Version string
	Path                        string
	// Outcome is "stored", "unchanged" or "replaced".
	Outcome string
}

// ErrConflict is returned when a pact for the same consumer version and provider
// is already stored with different content.
var ErrConflict = errors.New("a different pact is already published for this consumer version")

var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Publish stores pact files for one consumer version. Every file is validated
// and checked for conflicts before anything is written, so a bad file or a
// conflict changes nothing.
func (s *Store) Publish(consumer, version string, opts PublishOptions, files ...string) ([]Published, error) {
	if !safeName.MatchString(consumer) {
		return nil, fmt.Errorf("consumer name %q: use letters, digits, '.', '_' and '-' only", consumer)
	}
	if !safeName.MatchString(version) {
		return nil, fmt.Errorf("version %q: use letters, digits, '.', '_' and '-' only (a semantic version or a commit id)", version)
	}
	if len(files) == 0 {
		return nil, errors.New("publish: name at least one pact file")
	}
	pacts := make([]NamedPact, 0, len(files))
	for _, f := range files {
		p, err := ReadPact(f)
		if err != nil {
			return nil, err
		}
		pacts = append(pacts, NamedPact{Name: f, Pact: p})
	}
	return s.PublishPacts(consumer, version, opts, pacts...)
}

// NamedPact is a pact to publish and the name errors give it (its file, or
// "the contract for PROVIDER" when it came over HTTP).
type NamedPact struct {
	Name string
	*Pact
}

// PublishPacts is Publish for pacts already read: all are checked before
// anything is written, and written in one batch.
func (s *Store) PublishPacts(consumer, version string, opts PublishOptions, pacts ...NamedPact) ([]Published, error) {
	if !safeName.MatchString(consumer) {
		return nil, fmt.Errorf("consumer name %q: use letters, digits, '.', '_' and '-' only", consumer)
	}
	if !safeName.MatchString(version) {
		return nil, fmt.Errorf("version %q: use letters, digits, '.', '_' and '-' only (a semantic version or a commit id)", version)
	}
	if len(pacts) == 0 {
		return nil, errors.New("publish: name at least one pact")
	}
	var batch atomicfile.Batch
	stores := 0 // pacts to store or replace
	var results []Published
	seen := map[string]string{}
	for _, np := range pacts {
		f, p := np.Name, np.Pact
		if p.Consumer != consumer {
			return nil, fmt.Errorf("%s: the pact's consumer is %q, not %q; publish it with --consumer %s", f, p.Consumer, consumer, p.Consumer)
		}
		if len(opts.Pacticipants) > 0 && !slices.Contains(opts.Pacticipants, p.Provider) {
			return nil, fmt.Errorf("%s: provider %q is not a service of %s (services: %s); fix the provider name in the consumer's pact test",
				f, p.Provider, opts.Source, strings.Join(opts.Pacticipants, ", "))
		}
		if len(opts.Pacticipants) > 0 && !slices.Contains(opts.Pacticipants, consumer) {
			return nil, fmt.Errorf("consumer %q is not a service of %s (services: %s)", consumer, opts.Source, strings.Join(opts.Pacticipants, ", "))
		}
		if !safeName.MatchString(p.Provider) {
			return nil, fmt.Errorf("%s: provider name %q: use letters, digits, '.', '_' and '-' only", f, p.Provider)
		}
		if other, dup := seen[p.Provider]; dup {
			return nil, fmt.Errorf("%s and %s are both pacts with provider %s; publish one per provider", other, f, p.Provider)
		}
		seen[p.Provider] = f
		target := s.pactPath(consumer, p.Provider, version)
		res := Published{Consumer: consumer, Provider: p.Provider, Version: version, Path: target, Outcome: "stored"}
		if old, err := os.ReadFile(target); err == nil {
			same, err := sameContent(old, p)
			if err != nil {
				return nil, fmt.Errorf("%s: the stored pact is unreadable: %w", target, err)
			}
			switch {
			case same:
				res.Outcome = "unchanged"
			case !opts.Force:
				return nil, fmt.Errorf("%w: %s %s → %s differs from %s; publish the change under a new consumer version, or replace it with --force",
					ErrConflict, consumer, version, p.Provider, target)
			default:
				res.Outcome = "replaced"
			}
		}
		if res.Outcome != "unchanged" {
			batch.Add(target, p.Raw)
			stores++
		}
		results = append(results, res)
	}
	v, err := s.version(consumer, version)
	if err != nil {
		return nil, err
	}
	changed := v.PublishedAt.IsZero() || stores > 0
	if changed {
		v.PublishedAt = s.Now().UTC()
	}
	if opts.Branch != "" && v.Branch != opts.Branch {
		v.Branch, changed = opts.Branch, true
	}
	for _, t := range opts.Tags {
		if !slices.Contains(v.Tags, t) {
			v.Tags, changed = append(v.Tags, t), true
		}
	}
	if changed {
		b, _ := json.MarshalIndent(v, "", "  ")
		batch.Add(s.versionPath(consumer, version), append(b, '\n'))
	}
	// One batch: a pact that does not fit on the disk leaves none stored.
	if err := batch.Commit(); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return results, nil
}

// Entry is one stored pact.
type Entry struct {
	Consumer, Provider string
	Version            Version
	Path               string
	// SHA identifies the pact's content (without metadata): two versions with
	// the same SHA make the same demands.
	SHA string
}

// List returns every stored pact, by consumer, provider and publication time.
func (s *Store) List() ([]Entry, error) {
	paths, err := filepath.Glob(filepath.Join(s.Dir, "pacts", "*", "*", "*.json"))
	if err != nil {
		return nil, err
	}
	var entries []Entry
	for _, p := range paths {
		rel, _ := filepath.Rel(filepath.Join(s.Dir, "pacts"), p)
		provider := filepath.Base(filepath.Dir(rel))
		consumer := filepath.Dir(filepath.Dir(rel))
		version := filepath.Base(rel[:len(rel)-len(".json")])
		v, err := s.version(consumer, version)
		if err != nil {
			return nil, err
		}
		sha, err := contentSHA(p)
		if err != nil {
			return nil, err
		}
		entries = append(entries, Entry{Consumer: consumer, Provider: provider, Version: v, Path: p, SHA: sha})
	}
	sort.Slice(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if a.Consumer != b.Consumer {
			return a.Consumer < b.Consumer
		}
		if a.Provider != b.Provider {
			return a.Provider < b.Provider
		}
		return a.Version.PublishedAt.Before(b.Version.PublishedAt)
	})
	return entries, nil
}

func (s *Store) pactPath(consumer, provider, version string) string {
	return filepath.Join(s.Dir, "pacts", consumer, provider, version+".json")
}

func (s *Store) versionPath(pacticipant, version string) string {
	return filepath.Join(s.Dir, "versions", pacticipant, version+".json")
}

// ensureVersion records a pacticipant version (with its branch) if the store
// does not know it yet.
func (s *Store) ensureVersion(pacticipant, version, branch string) error {
	var b atomicfile.Batch
	if err := s.addVersion(&b, pacticipant, version, branch); err != nil {
		return err
	}
	return b.Commit()
}

// addVersion adds to b the record of a pacticipant version (with its branch)
// if the store does not know it yet.
func (s *Store) addVersion(b *atomicfile.Batch, pacticipant, version, branch string) error {
	v, err := s.version(pacticipant, version)
	if err != nil {
		return err
	}
	if !v.PublishedAt.IsZero() && (branch == "" || v.Branch == branch) {
		return nil
	}
	if v.PublishedAt.IsZero() {
		v.PublishedAt = s.Now().UTC()
	}
	if branch != "" {
		v.Branch = branch
	}
	data, _ := json.MarshalIndent(v, "", "  ")
	b.Add(s.versionPath(pacticipant, version), append(data, '\n'))
	return nil
}

// knows reports whether the store has a record of a pacticipant version.
func (s *Store) knows(pacticipant, version string) bool {
	_, err := os.Stat(s.versionPath(pacticipant, version))
	return err == nil
}

func (s *Store) version(pacticipant, version string) (Version, error) {
	v := Version{Pacticipant: pacticipant, Version: version}
	err := readIfExists(s.versionPath(pacticipant, version), &v)
	return v, err
}

// readIfExists decodes the store's JSON file at path into v; a file that does
// not exist leaves v as it was.
func readIfExists(path string, v any) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// contentSHA hashes a stored pact's content, without its metadata.
func contentSHA(path string) (string, error) {
	p, err := ReadPact(path)
	if err != nil {
		return "", fmt.Errorf("the contract store holds an unreadable pact: %w", err)
	}
	c, err := p.Content()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:8]), nil
}

func sameContent(stored []byte, p *Pact) (bool, error) {
	old, err := ParsePact(stored)
	if err != nil {
		return false, err
	}
	a, err := old.Content()
	if err != nil {
		return false, err
	}
	b, err := p.Content()
	if err != nil {
		return false, err
	}
	return bytes.Equal(a, b), nil
}
