package contract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// DefaultMainBranch is a pacticipant's main branch until one is set.
const DefaultMainBranch = "main"

// Branch is the branch a publication is made from, and where its name came
// from ("--branch", a CI variable, or git), so that a person can be told.
type Branch struct {
	Name   string
	Source string
}

// branchVariables are the CI variables that name the branch being built, in
// the order the Pact CLI reads them (pact_broker-client's git.rb and the
// pact-plugin CLI's git_info: GitHub Actions, Buildkite, CircleCI, Travis CI,
// Jenkins, Hudson, AppVeyor, GitLab CI, Bitbucket Pipelines, Azure Pipelines,
// Cirrus CI).
var branchVariables = []string{
	"GITHUB_HEAD_REF", "GITHUB_REF", "BUILDKITE_BRANCH", "CIRCLE_BRANCH", "TRAVIS_BRANCH",
	"GIT_BRANCH", "GIT_LOCAL_BRANCH", "APPVEYOR_REPO_BRANCH", "CI_COMMIT_REF_NAME",
	"BITBUCKET_BRANCH", "BUILD_SOURCEBRANCHNAME", "CIRRUS_BRANCH",
}

// DetectBranch finds the branch of a publication made without --branch, as
// the Pact CLI does: from the CI's variables first, then from the git
// checkout of dir. A detached HEAD, a tag build (GITHUB_REF=refs/tags/…) or a
// folder outside git is no branch: the result is empty.
func DetectBranch(ctx context.Context, dir string, getenv func(string) string) Branch {
	for _, name := range branchVariables {
		v := strings.TrimSpace(getenv(name))
		switch name {
		case "GITHUB_REF":
			// refs/heads/main is a branch; refs/tags/v1 and refs/pull/1/merge are not.
			if !strings.HasPrefix(v, "refs/heads/") {
				continue
			}
			v = strings.TrimPrefix(v, "refs/heads/")
		case "GIT_BRANCH": // Jenkins writes origin/main
			v = strings.TrimPrefix(v, "origin/")
		}
		if v != "" {
			return Branch{Name: v, Source: "$" + name}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--abbrev-ref", "HEAD").Output()
	if err != nil {
		return Branch{}
	}
	name := strings.TrimSpace(string(out))
	if name == "" || name == "HEAD" { // detached
		return Branch{}
	}
	return Branch{Name: name, Source: "the git checkout"}
}

// Pacticipant is what the store keeps of a pacticipant itself:
// pacticipants/NAME.json.
type Pacticipant struct {
	Name       string `json:"name"`
	MainBranch string `json:"mainBranch,omitempty"`
}

func (s *Store) pacticipantPath(name string) string {
	return filepath.Join(s.Dir, "pacticipants", name+".json")
}

// MainBranch is the branch the mainBranch selector picks for a pacticipant:
// the one set with SetMainBranch, else DefaultMainBranch.
func (s *Store) MainBranch(name string) (string, error) {
	p, err := s.pacticipant(name)
	if err != nil {
		return "", err
	}
	if p.MainBranch == "" {
		return DefaultMainBranch, nil
	}
	return p.MainBranch, nil
}

func (s *Store) pacticipant(name string) (Pacticipant, error) {
	p := Pacticipant{Name: name}
	err := readIfExists(s.pacticipantPath(name), &p)
	return p, err
}

// SetMainBranch sets a pacticipant's main branch (as the Pact Broker's
// create-or-update-pacticipant --main-branch does).
func (s *Store) SetMainBranch(name, branch string) error {
	if !safeName.MatchString(name) {
		return fmt.Errorf("pacticipant name %q: use letters, digits, '.', '_' and '-' only", name)
	}
	if strings.TrimSpace(branch) == "" {
		return errors.New("main branch: name one, e.g. --main-branch master")
	}
	p, err := s.pacticipant(name)
	if err != nil {
		return err
	}
	p.MainBranch = branch
	b, _ := json.MarshalIndent(p, "", "  ")
	return atomicfile.Write(s.pacticipantPath(name), append(b, '\n'))
}

// Selectable says whether the default selectors (mainBranch and
// deployedOrReleased) can pick a consumer version published on branch; when
// they cannot, the reason says why and what to do.
func (s *Store) Selectable(consumer, version, branch string) (bool, string, error) {
	main, err := s.MainBranch(consumer)
	if err != nil {
		return false, "", err
	}
	switch {
	case branch == main:
		return true, "", nil
	case branch == "":
		return false, fmt.Sprintf("%s %s has no branch, so the mainBranch selector never picks it (only deployedOrReleased will, once it is deployed); publish with --branch, from a git checkout of a branch, or in CI", consumer, version), nil
	default:
		hint := ""
		if branch == "master" || branch == "trunk" || branch == "develop" {
			hint = fmt.Sprintf("; if %s is %s's main branch, say so: tandem contracts create-or-update-pacticipant --name %s --main-branch %s", branch, consumer, consumer, branch)
		}
		return false, fmt.Sprintf("%s %s is on branch %s, not on %s's main branch %s: the default selectors pick it only once it is deployed; a provider verifies it with --selector branch=%s or --include-wip-since%s",
			consumer, version, branch, consumer, main, branch, hint), nil
	}
}
