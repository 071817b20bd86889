package setup

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// Image is one of Tandem's own images, built from the tandem executable: an
// empty (scratch) image that holds the executable, what it needs to start,
// and runs one of its hidden commands.
type Image struct {
	// Name is what the image is built as (tandem.local/toxiproxy:2.12.0).
	Name string
	// Tags are more names for the same image (testcontainers/ryuk:0.14.0,
	// the image testcontainers starts as its reaper).
	Tags []string
	// Entrypoint and Cmd run the executable, at /tandem in the image.
	Entrypoint []string
	Cmd        []string
	// Port is the port it serves, for EXPOSE.
	Port string
}

// Labels every image Tandem builds carries; contextLabel holds the hash of
// what it was built from, so that an unchanged one is not built again.
const (
	imageLabel   = "dev.tandem.image"
	contextLabel = "dev.tandem.context-sha"
)

// dockerfile is the recipe of img: the executable and its runtime files are
// in the build context.
func (img Image) dockerfile(files []runtimeFile) string {
	var b strings.Builder
	b.WriteString("FROM scratch\n")
	if len(files) > 0 {
		b.WriteString("COPY rootfs/ /\n")
		fmt.Fprintf(&b, "ENV LD_LIBRARY_PATH=%s\n", libraryPath(files))
	}
	b.WriteString("COPY tandem /tandem\n")
	if img.Port != "" {
		fmt.Fprintf(&b, "EXPOSE %s\n", img.Port)
	}
	fmt.Fprintf(&b, "ENTRYPOINT %s\n", jsonList(img.Entrypoint))
	if len(img.Cmd) > 0 {
		fmt.Fprintf(&b, "CMD %s\n", jsonList(img.Cmd))
	}
	return b.String()
}

func jsonList(s []string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// buildContext is the files of an image's build context, by their path in it.
type buildContext struct {
	dockerfile string
	files      []contextFile
}

type contextFile struct {
	path string // in the context
	host string // on this machine
	mode int64
}

func newBuildContext(img Image, exe string, files []runtimeFile) buildContext {
	bc := buildContext{dockerfile: img.dockerfile(files)}
	bc.files = append(bc.files, contextFile{path: "tandem", host: exe, mode: 0o755})
	for _, f := range files {
		bc.files = append(bc.files, contextFile{path: "rootfs" + f.Image, host: f.Host, mode: 0o755})
	}
	return bc
}

// hash names what the image is built from: the recipe and every file's path
// and content.
func (bc buildContext) hash() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", bc.dockerfile)
	for _, f := range bc.files {
		fmt.Fprintf(h, "%s\x00", f.path)
		r, err := os.Open(f.host)
		if err != nil {
			return "", err
		}
		_, err = io.Copy(h, r)
		r.Close()
		if err != nil {
			return "", fmt.Errorf("read %s: %w", f.host, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// write writes the context as a tar stream.
func (bc buildContext) write(w io.Writer) error {
	tw := tar.NewWriter(w)
	if err := tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(bc.dockerfile))}); err != nil {
		return err
	}
	if _, err := io.WriteString(tw, bc.dockerfile); err != nil {
		return err
	}
	for _, f := range bc.files {
		r, err := os.Open(f.host)
		if err != nil {
			return err
		}
		fi, err := r.Stat()
		if err == nil {
			err = tw.WriteHeader(&tar.Header{Name: f.path, Mode: f.mode, Size: fi.Size()})
		}
		if err == nil {
			_, err = io.Copy(tw, r)
		}
		r.Close()
		if err != nil {
			return fmt.Errorf("add %s to the build context: %w", f.host, err)
		}
	}
	return tw.Close()
}

// buildImage makes sure img, built from exe, is on the engine under its name
// and tags, and says what it did: skipped (same content), built, or tagged.
func buildImage(ctx context.Context, cli *client.Client, img Image, exe string) (string, error) {
	files, err := runtimeFiles(exe)
	if err != nil {
		return "", err
	}
	bc := newBuildContext(img, exe, files)
	sum, err := bc.hash()
	if err != nil {
		return "", err
	}
	old, err := cli.ImageInspect(ctx, img.Name)
	switch {
	case err == nil && old.Config != nil && old.Config.Labels[contextLabel] == sum:
		tagged, err := tagImage(ctx, cli, img)
		if err != nil {
			return "", err
		}
		if tagged {
			return fmt.Sprintf("%s present, tagged %s", img.Name, strings.Join(img.Tags, ", ")), nil
		}
		return img.Name + " present (skipped)", nil
	case err != nil && !cerrdefs.IsNotFound(err):
		return "", fmt.Errorf("inspect %s: %w", img.Name, err)
	}

	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(bc.write(pw)) }()
	res, err := cli.ImageBuild(ctx, pr, client.ImageBuildOptions{
		Tags:        []string{img.Name},
		Remove:      true,
		ForceRemove: true,
		Labels:      map[string]string{imageLabel: "true", contextLabel: sum},
	})
	if err != nil {
		pr.CloseWithError(err)
		return "", fmt.Errorf("build %s: %w", img.Name, err)
	}
	defer res.Body.Close()
	if err := readBuildOutput(res.Body); err != nil {
		return "", fmt.Errorf("build %s: %w", img.Name, err)
	}
	if _, err := tagImage(ctx, cli, img); err != nil {
		return "", err
	}
	// The image the name left behind, if nothing else names or uses it.
	if old.ID != "" {
		if cur, err := cli.ImageInspect(ctx, img.Name); err == nil && cur.ID != old.ID {
			_, _ = cli.ImageRemove(ctx, old.ID, client.ImageRemoveOptions{PruneChildren: true})
		}
	}
	what := img.Name + " built from " + exe
	if len(img.Tags) > 0 {
		what += ", tagged " + strings.Join(img.Tags, ", ")
	}
	return what, nil
}

// tagImage gives the image its other names; it says whether one moved.
func tagImage(ctx context.Context, cli *client.Client, img Image) (bool, error) {
	src, err := cli.ImageInspect(ctx, img.Name)
	if err != nil {
		return false, fmt.Errorf("inspect %s: %w", img.Name, err)
	}
	moved := false
	for _, tag := range img.Tags {
		if cur, err := cli.ImageInspect(ctx, tag); err == nil && cur.ID == src.ID {
			continue
		}
		if _, err := cli.ImageTag(ctx, client.ImageTagOptions{Source: img.Name, Target: tag}); err != nil {
			return false, fmt.Errorf("tag %s as %s: %w", img.Name, tag, err)
		}
		moved = true
	}
	return moved, nil
}

// readBuildOutput reads the engine's build messages to the end and returns
// the build's error, with the last lines of its output.
func readBuildOutput(r io.Reader) error {
	dec := json.NewDecoder(r)
	var tail []string
	for {
		var m struct {
			Stream      string `json:"stream"`
			Error       string `json:"error"`
			ErrorDetail struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("read the engine's build output: %w", err)
		}
		if s := strings.TrimSpace(m.Stream); s != "" {
			tail = append(tail, s)
			if len(tail) > 5 {
				tail = tail[1:]
			}
		}
		if m.Error != "" {
			msg := m.Error
			if len(tail) > 0 {
				msg += " (after: " + strings.Join(tail, " | ") + ")"
			}
			return errors.New(msg)
		}
	}
}

// emptyTar is an archive with no files, what the lock image is made of.
func emptyTar() []byte {
	var b bytes.Buffer
	_ = tar.NewWriter(&b).Close()
	return b.Bytes()
}
