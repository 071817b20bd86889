package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Batch writes several files all or nothing: Commit writes every file to a
// temporary file first, and renames them over their names only once all of
// them are fully written. A failure (a full disk, a folder that cannot be
// created) leaves the destination folders as they were.
//
// The zero Batch is ready to use. A Batch is not safe for concurrent use.
type Batch struct {
	files []*pending
}

// pending is one file of a batch, and what Commit did for it so far.
type pending struct {
	path string
	data []byte
	// tmp is the written temporary file, until it is renamed to path.
	tmp string
	// existed says path had a file before the renames; backup is a second
	// name of that file (a hard link) while they run.
	existed bool
	backup  string
	// renamed says path holds the new content.
	renamed bool
}

// Add queues data to be written to path by Commit. Adding a path again
// replaces what was queued for it. The batch keeps data: do not change it
// before Commit returns.
func (b *Batch) Add(path string, data []byte) {
	path = filepath.Clean(path)
	for _, f := range b.files {
		if f.path == path {
			f.data = data
			return
		}
	}
	b.files = append(b.files, &pending{path: path, data: data})
}

// Commit writes the queued files and empties the batch.
//
// It writes each file to a temporary file in the file's folder (creating the
// folder if needed), syncs it, and only when every one is complete renames
// them all over their names. On failure it removes the temporary files and
// the folders it created, and puts back any file it had already replaced, so
// the destination is as it was. The error is a *DiskFullError when the disk
// is full, and "write PATH: cause" otherwise.
func (b *Batch) Commit() error {
	c := commit{files: b.files}
	b.files = nil
	return c.run()
}

// commit is one run of Batch.Commit.
type commit struct {
	files   []*pending
	created []string // folders it made, outermost first
}

func (c *commit) run() error {
	for _, f := range c.files {
		if err := c.stage(f); err != nil {
			return c.fail(f.path, err)
		}
	}
	if len(c.files) > 1 {
		// A rename can still fail (the target turned out to be a folder):
		// keep a second name of each file it replaces, to put it back.
		for _, f := range c.files {
			if err := f.keepOld(); err != nil {
				return c.fail(f.path, err)
			}
		}
	}
	for _, f := range c.files {
		if err := os.Rename(f.tmp, f.path); err != nil {
			if fi, serr := os.Stat(f.path); serr == nil && fi.IsDir() {
				err = errors.New("it is a folder") // rather than Go's "file exists"
			}
			return c.fail(f.path, err)
		}
		f.tmp, f.renamed = "", true
	}
	for _, f := range c.files {
		if f.backup != "" {
			_ = os.Remove(f.backup)
		}
	}
	c.syncFolders()
	return nil
}

// stage writes f's data to a synced temporary file next to f.path.
func (c *commit) stage(f *pending) error {
	dir := filepath.Dir(f.path)
	if err := c.mkdirAll(dir); err != nil {
		return err
	}
	tmp, err := createTemp(dir)
	if err != nil {
		return err
	}
	f.tmp = tmp.Name()
	_, err = tmp.Write(f.data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	return err
}

// keepOld gives the file at f.path, if any, a second name.
func (f *pending) keepOld() error {
	if _, err := os.Lstat(f.path); errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	f.existed = true
	name, err := link(f.path)
	switch {
	case err == nil:
		f.backup = name
	case isFull(err):
		return err
	default:
		// A filesystem without hard links: the renames go ahead, without a
		// way back for this file should a later rename fail.
	}
	return nil
}

// mkdirAll creates dir and its missing parents, remembering which it made.
func (c *commit) mkdirAll(dir string) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err == nil {
			if !fi.IsDir() {
				return &fs.PathError{Op: "mkdir", Path: d, Err: syscall.ENOTDIR}
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		err := os.Mkdir(missing[i], 0o755)
		switch {
		case err == nil:
			c.created = append(c.created, missing[i])
		case errors.Is(err, fs.ErrExist):
			// made by someone else meanwhile: theirs to keep
		default:
			return err
		}
	}
	return nil
}

// fail undoes what the commit did and explains err, the failure to write path.
func (c *commit) fail(path string, err error) error {
	var lost []string
	for _, f := range c.files {
		switch {
		case f.renamed && f.backup != "":
			if rerr := os.Rename(f.backup, f.path); rerr != nil {
				lost = append(lost, f.path)
				_ = os.Remove(f.backup)
			}
		case f.renamed && !f.existed:
			_ = os.Remove(f.path)
		case f.renamed:
			lost = append(lost, f.path) // no second name to put back
		case f.backup != "":
			_ = os.Remove(f.backup)
		}
		if f.tmp != "" {
			_ = os.Remove(f.tmp)
		}
	}
	for i := len(c.created) - 1; i >= 0; i-- {
		_ = os.Remove(c.created[i]) // only if empty: another writer may have put files there
	}
	werr := explain(path, err)
	if len(lost) > 0 {
		return fmt.Errorf("%w; %s already held the new content and could not be put back", werr, strings.Join(lost, ", "))
	}
	return werr
}

// syncFolders makes the renames durable, as far as the filesystem allows.
func (c *commit) syncFolders() {
	seen := map[string]bool{}
	sync := func(dir string) {
		if seen[dir] {
			return
		}
		seen[dir] = true
		if d, err := os.Open(dir); err == nil {
			_ = d.Sync()
			_ = d.Close()
		}
	}
	for _, d := range c.created {
		sync(filepath.Dir(d))
	}
	for _, f := range c.files {
		sync(filepath.Dir(f.path))
	}
}
