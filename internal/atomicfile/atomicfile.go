// Package atomicfile writes result files whole or not at all: each is written
// to a hidden temporary file in its folder, synced, and renamed over its name,
// so a reader never sees half a file and a failed write (a full disk) leaves
// nothing behind.
package atomicfile

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// TempPrefix starts the names of the temporary files that Write and Batch
// create next to the files they write. None is left once they return.
const TempPrefix = ".tandem-tmp-"

// Write writes data to path, creating path's folder if needed. path then
// holds either its old content or all of data, never part of it. On failure
// Write removes its temporary file and the folders it created; the error is a
// *DiskFullError when the disk is full, and "write PATH: cause" otherwise.
func Write(path string, data []byte) error {
	var b Batch
	b.Add(path, data)
	return b.Commit()
}

// createTemp creates an empty temporary file in dir, readable by all as
// os.WriteFile's files are (os.CreateTemp's are private).
func createTemp(dir string) (*os.File, error) {
	for range 100 {
		f, err := os.OpenFile(tempName(dir), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, errors.New("no free temporary file name in " + dir)
}

// link makes a new hidden name in path's folder for path's file.
func link(path string) (string, error) {
	for range 100 {
		name := tempName(filepath.Dir(path))
		err := os.Link(path, name)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return name, err
	}
	return "", errors.New("no free temporary file name next to " + path)
}

func tempName(dir string) string {
	return filepath.Join(dir, TempPrefix+strconv.FormatUint(rand.Uint64(), 36))
}
