package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
)

// DiskFullError is a write that failed because the disk, or the user's quota
// on it, is full (ENOSPC or EDQUOT). Its message names the cause and the fix.
type DiskFullError struct {
	// Path is the file that was being written.
	Path string
	// Dir is the nearest folder above Path that exists: where to point df.
	// Empty means Path's folder.
	Dir string
	// Err is the cause: syscall.ENOSPC or syscall.EDQUOT, possibly wrapped.
	Err error
}

// Error says which disk is full, while writing what, and what to do, e.g.
//
//	the disk that holds /x/out is full (no space left on device while writing
//	report.html); free space on it (df -h /x/out), or point Tandem at a folder
//	on another disk (--out for results; --dir, or --contracts for tandem
//	verify, for the contract store)
func (e *DiskFullError) Error() string {
	dir := e.Dir
	if dir == "" {
		dir = filepath.Dir(e.Path)
	}
	what := e.Path
	if r, err := filepath.Rel(dir, e.Path); err == nil && !strings.HasPrefix(r, "..") {
		what = r
	}
	const fix = "or point Tandem at a folder on another disk (--out for results; --dir, or --contracts for tandem verify, for the contract store)"
	if errors.Is(e.Err, syscall.EDQUOT) {
		return fmt.Sprintf("your disk quota is full on the disk that holds %s (disk quota exceeded while writing %s); free space in it (quota -s; df -h %s), %s",
			dir, what, shellQuote(dir), fix)
	}
	return fmt.Sprintf("the disk that holds %s is full (no space left on device while writing %s); free space on it (df -h %s), %s",
		dir, what, shellQuote(dir), fix)
}

// Unwrap returns the cause, so errors.Is(err, syscall.ENOSPC) holds.
func (e *DiskFullError) Unwrap() error { return e.Err }

// WriteError explains err, the failure to write path, for a file written as
// a stream, which cannot be atomic (a log): a *DiskFullError when the disk is
// full, "write PATH: cause" otherwise, and nil for nil.
func WriteError(path string, err error) error {
	if err == nil {
		return nil
	}
	return explain(path, err)
}

// explain turns err, the failure to write path, into the error Write and
// Commit return.
func explain(path string, err error) error {
	err = withoutTempPath(path, err)
	if isFull(err) {
		return &DiskFullError{Path: path, Dir: existingDir(filepath.Dir(path)), Err: err}
	}
	return fmt.Errorf("write %s: %w", path, err)
}

func isFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// withoutTempPath unwraps an error about path or one of its temporary files
// to its cause: "write PATH: " already names the file, and the temporary
// file's name means nothing to people.
func withoutTempPath(path string, err error) error {
	named := func(p string) bool { return p == path || strings.HasPrefix(filepath.Base(p), TempPrefix) }
	switch e := err.(type) {
	case *fs.PathError:
		if named(e.Path) {
			return e.Err
		}
	case *os.LinkError:
		if named(e.Old) || named(e.New) {
			return e.Err
		}
	}
	return err
}

// existingDir is dir, or its nearest parent that exists.
func existingDir(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./+:,@%=-]+$`)

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
