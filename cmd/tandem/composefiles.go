package main

import (
	"errors"
	"strings"

	"github.com/tandem-harness/tandem/harness/system"
)

// composeFiles are a system's Compose files, in the order they merge.
type composeFiles []string

// String names the files for messages: "compose.yaml + compose.override.yaml".
func (c composeFiles) String() string { return strings.Join(c, " + ") }

// composeFilesFlag is the repeatable -f flag: each -f adds a file, merged
// after the ones before it as `docker compose -f a.yaml -f b.yaml` merges
// them. The default stands until the first -f replaces it.
type composeFilesFlag struct {
	files *composeFiles
	given bool
}

func (f *composeFilesFlag) String() string {
	if f.files == nil {
		return ""
	}
	return strings.Join(*f.files, " -f ")
}

func (f *composeFilesFlag) Set(v string) error {
	if v == "" {
		return errors.New("empty file name")
	}
	if !f.given {
		*f.files, f.given = nil, true
	}
	*f.files = append(*f.files, v)
	return nil
}

// composeFiles defines the -f flag of a command that loads a system: def is
// its default file, or "" for none.
func (f *flagSet) composeFiles(def, usage string) *composeFiles {
	files := &composeFiles{}
	if def != "" {
		*files = composeFiles{def}
	}
	f.Var(&composeFilesFlag{files: files}, "f", usage+"; repeat -f to merge several, each overriding the ones before, as docker compose does")
	return files
}

// profiles defines the repeatable --profile flag of a command that loads a
// system. Without it, COMPOSE_PROFILES names the profiles, as for docker
// compose.
func (f *flagSet) profiles() *stringList {
	var p stringList
	f.Var(&p, "profile", "enable the services of this Compose `profile` (repeatable; default: $COMPOSE_PROFILES)")
	return &p
}

// loadOptions are the options of system.LoadWith for the --profile flags.
func loadOptions(profiles []string) []system.LoadOption {
	if len(profiles) == 0 {
		return nil // COMPOSE_PROFILES
	}
	return []system.LoadOption{system.WithProfiles(profiles...)}
}
