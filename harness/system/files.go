package system

import (
	"os"
	"path/filepath"
	"strings"
)

// SplitFiles splits a list of Compose files written as one string, separated
// by the OS path list separator (":" on Linux and macOS, ";" on Windows), the
// way docker compose reads COMPOSE_FILE. Empty entries are dropped. Tandem
// hands a system's files to its suites this way ($TANDEM_SYSTEM).
func SplitFiles(list string) []string {
	var files []string
	for _, f := range filepath.SplitList(list) {
		if f != "" {
			files = append(files, f)
		}
	}
	return files
}

// JoinFiles writes files as one string that SplitFiles reads back.
func JoinFiles(files []string) string {
	return strings.Join(files, string(os.PathListSeparator))
}

// files names the system's Compose files for messages.
func (s *System) files() string {
	if len(s.Files) > 1 {
		return strings.Join(s.Files, " + ")
	}
	return s.File
}
