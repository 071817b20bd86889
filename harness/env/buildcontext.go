package env

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/tandem-harness/tandem/harness/system"
)

// buildContext is a service's build context as a tar file for the engine,
// with the Dockerfile's path inside it and a hash of everything that decides
// the image: the files the context sends (names, modes, link targets,
// contents; not times), the Dockerfile, the target and the build args.
type buildContext struct {
	tar        string // path of the tar file; remove it when done
	dockerfile string // the Dockerfile's path in the tar
	text       []byte // the Dockerfile
	hash       string // hex sha256
}

// outsideDockerfile is the name under which a Dockerfile from outside the
// context travels in the tar, as the docker CLI does it.
const outsideDockerfile = ".dockerfile.tandem"

// packContext writes b's context into a tar file in dir, leaving out what its
// .dockerignore excludes, with the docker client's rules (the Dockerfile and
// .dockerignore are sent all the same).
func packContext(b *system.Build, dir string) (*buildContext, error) {
	root := b.Context
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("build.context: %s is not a folder; fix the path (relative paths start at the Compose file's folder)", root)
	}
	name := b.Dockerfile
	if name == "" {
		name = "Dockerfile"
	}
	dfPath := name
	if !filepath.IsAbs(dfPath) {
		dfPath = filepath.Join(root, name)
	}
	text, err := os.ReadFile(dfPath)
	if err != nil {
		return nil, fmt.Errorf("build.dockerfile: cannot read %s (%v); fix build.dockerfile (relative to build.context %s)", dfPath, err, root)
	}
	bc := &buildContext{text: text}
	if rel, err := filepath.Rel(root, dfPath); err == nil && filepath.IsLocal(rel) {
		bc.dockerfile = filepath.ToSlash(rel)
	} else {
		bc.dockerfile = outsideDockerfile
	}
	excludes, err := readDockerignore(root)
	if err != nil {
		return nil, err
	}
	// The docker client always sends these two, whatever .dockerignore says.
	keep := map[string]bool{bc.dockerfile: true, ".dockerignore": true}
	pm, err := patternmatcher.New(excludes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(root, ".dockerignore"), err)
	}
	f, err := os.CreateTemp(dir, "context-*.tar")
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	bc.tar = f.Name()
	h := sha256.New()
	tw := tar.NewWriter(f)
	werr := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !keep[rel] {
			skip, err := pm.MatchesOrParentMatches(rel) //nolint:staticcheck // the docker CLI's own rule for contexts
			if err != nil {
				return err
			}
			if skip {
				if d.IsDir() && !pm.Exclusions() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		return addFile(tw, h, path, rel)
	})
	if werr == nil && bc.dockerfile == outsideDockerfile {
		werr = addFile(tw, h, dfPath, outsideDockerfile)
	}
	werr = errors.Join(werr, tw.Close(), f.Close())
	if werr != nil {
		os.Remove(bc.tar)
		return nil, fmt.Errorf("build.context %s: pack it for the engine: %w", root, werr)
	}
	fmt.Fprintf(h, "dockerfile %s\ntarget %s\n", bc.dockerfile, b.Target)
	keys := make([]string, 0, len(b.Args))
	for k := range b.Args {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "arg %q=%q\n", k, b.Args[k])
	}
	bc.hash = hex.EncodeToString(h.Sum(nil))
	return bc, nil
}

// addFile writes one file, folder or symbolic link to the tar and what
// decides the image of it to the hash: name, type, mode, link target and
// content. Owners are root's, as the docker client sends them.
func addFile(tw *tar.Writer, h hash.Hash, path, name string) error {
	info, err := os.Lstat(path)
	if err != nil {
		return err
	}
	link := ""
	if info.Mode()&fs.ModeSymlink != 0 {
		if link, err = os.Readlink(path); err != nil {
			return err
		}
	}
	if !info.Mode().IsRegular() && !info.IsDir() && link == "" {
		return nil // sockets, devices and pipes are not sent
	}
	hdr, err := tar.FileInfoHeader(info, link)
	if err != nil {
		return err
	}
	hdr.Name = name
	if info.IsDir() {
		hdr.Name += "/"
	}
	hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
	hdr.Format = tar.FormatPAX
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	fmt.Fprintf(h, "%q %c %o %q %d\n", hdr.Name, hdr.Typeflag, hdr.Mode, hdr.Linkname, hdr.Size)
	if !info.Mode().IsRegular() {
		return nil
	}
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	_, err = io.Copy(io.MultiWriter(tw, h), src)
	return err
}

// readDockerignore reads the context's .dockerignore, if it has one.
func readDockerignore(root string) ([]string, error) {
	f, err := os.Open(filepath.Join(root, ".dockerignore"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name(), err)
	}
	return slices.DeleteFunc(patterns, func(p string) bool { return strings.TrimSpace(p) == "" }), nil
}
