package env

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/docker"
)

// LabelBuildHash is the label on an image Tandem built: the hash of its
// context, Dockerfile, target, build args and the IDs of the images it starts
// from. An image whose label matches is not built again.
const LabelBuildHash = "dev.tandem.build.hash"

// BuildRepository is where images of services with build and no image are
// tagged: BuildRepository/SERVICE:HASH.
const BuildRepository = "tandem.local/build"

// buildsAtOnce bounds the builds that run at the same time.
const buildsAtOnce = 2

// buildImages builds the image of every service with build, before any
// container starts, so that a broken build fails the start with nothing
// created. An image already built from the same context, Dockerfile, target
// and args is used as it is. The names to run are in e.images.
func (e *Env) buildImages(ctx context.Context) error {
	e.images = map[string]string{}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, buildsAtOnce)
	)
	for _, name := range e.System.Names() {
		svc := e.System.Services[name]
		if svc.Build == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			image, err := e.build(ctx, svc)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("build %s: %w", svc.Name, err))
				return
			}
			e.images[svc.Name] = image
		}()
	}
	wg.Wait()
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// image is the image a service runs: the one built for it, else its image.
func (e *Env) image(svc *system.Service) string {
	if img, ok := e.images[svc.Name]; ok {
		return img
	}
	return svc.Image
}

// build builds one service's image, unless an image built from the same
// inputs is on the engine, and returns its name.
func (e *Env) build(ctx context.Context, svc *system.Service) (string, error) {
	bc, err := packContext(svc.Build, "")
	if err != nil {
		return "", err
	}
	defer os.Remove(bc.tar)
	dfPath := dockerfilePath(svc.Build)
	df, err := parseDockerfile(dfPath, bc.text, svc.Build.Args)
	if err != nil {
		return "", err
	}
	refs, err := df.external(svc.Build.Target)
	if err != nil {
		return "", err
	}
	bases, err := e.baseImages(ctx, dfPath, refs)
	if err != nil {
		return "", err
	}
	// The image also depends on the images it starts from: a base rebuilt
	// under the same name makes a new hash.
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", bc.hash)
	for _, id := range bases {
		fmt.Fprintf(h, "base %s\n", id)
	}
	bc.hash = hex.EncodeToString(h.Sum(nil))
	name := svc.Image
	if name == "" {
		name = BuildRepository + "/" + strings.ToLower(svc.Name) + ":" + bc.hash[:16]
	}
	var superseded string // the image of ours this build replaces under name
	if r, err := e.cli.ImageInspect(ctx, name); err == nil {
		var labels map[string]string
		if r.Config != nil {
			labels = r.Config.Labels
		}
		switch h, ours := labels[LabelBuildHash]; {
		case ours && h == bc.hash:
			e.progressf("%s: image %s is up to date with its build context", svc.Name, name)
			return name, nil
		case !ours && svc.Image != "":
			// As docker compose does: an image that is there is used, not
			// rebuilt (it was built or imported by other means).
			e.progressf("%s: using image %s, which is on the engine (not built by Tandem); remove it to have it built from %s", svc.Name, name, svc.Build.Context)
			return name, nil
		case ours:
			superseded = r.ID
		}
	}
	begin := time.Now()
	e.progressf("building %s (%s) from %s", svc.Name, name, svc.Build.Context)
	if err := e.imageBuild(ctx, svc, bc, dfPath, name); err != nil {
		return "", err
	}
	e.progressf("built %s in %s", name, time.Since(begin).Round(time.Millisecond))
	if superseded != "" {
		// The old build lost its name: remove it, with the untagged
		// intermediate images under it that nothing else builds on, rather
		// than leave it nameless. The engine refuses while a container or
		// another tag still uses it, and then it stays.
		_, _ = e.cli.ImageRemove(ctx, superseded, client.ImageRemoveOptions{PruneChildren: true})
	}
	return name, nil
}

// dockerfilePath is the Dockerfile's path on this machine, for messages.
func dockerfilePath(b *system.Build) string {
	name := b.Dockerfile
	if name == "" {
		name = "Dockerfile"
	}
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(b.Context, name)
}

// baseImages returns the IDs of the images the build starts from (FROM and
// COPY --from), and fails, naming each line, when one is not on the engine.
// Tandem does not pull it: builds work without a registry (none is reachable
// on test machines), and the classic builder would otherwise stall on the
// pull mid-build.
func (e *Env) baseImages(ctx context.Context, dfPath string, refs []imageRef) ([]string, error) {
	var errs []error
	var ids []string
	for _, ref := range refs {
		r, err := e.cli.ImageInspect(ctx, ref.image)
		switch {
		case err == nil:
			ids = append(ids, r.ID)
		case !cerrdefs.IsNotFound(err):
			errs = append(errs, fmt.Errorf("%s:%d: inspect image %s: %w", dfPath, ref.line, ref.image, err))
		default:
			errs = append(errs, fmt.Errorf("%s:%d: image %s is not on the engine, and no registry is reachable to pull it; build or import it first (docker build -t %s …, or docker import ROOTFS.tar %s; docker pull %s where a registry is reachable), or name an image the engine has", dfPath, ref.line, ref.image, ref.image, ref.image, ref.image))
		}
	}
	return ids, errors.Join(errs...)
}

// buildMessage is one line of the engine's build output.
type buildMessage struct {
	Stream      string `json:"stream"`
	Error       string `json:"error"`
	ErrorDetail *struct {
		Message string `json:"message"`
	} `json:"errorDetail"`
}

// step is the classic builder's line that begins a step; stepImage the one
// that gives the image a step made.
var (
	stepLine  = regexp.MustCompile(`^Step \d+/\d+ : (\S+)`)
	stepImage = regexp.MustCompile(`^ ---> ([0-9a-f]{12,64})$`)
)

// imageBuild has the engine's classic builder build bc into name, labelled
// with the hash. A failed build leaves nothing of its own behind: its
// intermediate containers (ForceRemove) and the intermediate images its steps
// made (not those it found in the cache, nor base images).
func (e *Env) imageBuild(ctx context.Context, svc *system.Service, bc *buildContext, dfPath, name string) error {
	f, err := os.Open(bc.tar)
	if err != nil {
		return err
	}
	defer f.Close()
	args := map[string]*string{}
	for k, v := range svc.Build.Args {
		args[k] = &v
	}
	res, err := e.cli.ImageBuild(ctx, f, client.ImageBuildOptions{
		Tags:        []string{name},
		Dockerfile:  bc.dockerfile,
		Target:      svc.Build.Target,
		BuildArgs:   args,
		Labels:      map[string]string{LabelBuildHash: bc.hash, docker.LabelSystem: e.System.Name, docker.LabelService: svc.Name},
		Remove:      true,
		ForceRemove: true,
		Version:     build.BuilderV1,
	})
	if err != nil {
		return fmt.Errorf("ask the engine to build %s: %w", name, err)
	}
	defer res.Body.Close()
	var (
		made   []string // images the steps made, in order
		cached bool
		from   bool
		tail   []string
		failed string
	)
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		var m buildMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			continue
		}
		if m.Error != "" {
			failed = m.Error
			if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
				failed = m.ErrorDetail.Message
			}
		}
		for _, line := range strings.Split(strings.TrimRight(m.Stream, "\n"), "\n") {
			if line == "" {
				continue
			}
			tail = append(tail, line)
			if len(tail) > logTailLines {
				tail = tail[1:]
			}
			switch {
			case stepLine.MatchString(line):
				from = strings.EqualFold(stepLine.FindStringSubmatch(line)[1], "FROM")
				cached = false
			case strings.TrimSpace(line) == "---> Using cache":
				cached = true
			case stepImage.MatchString(line):
				if !cached && !from {
					made = append(made, stepImage.FindStringSubmatch(line)[1])
				}
			}
		}
	}
	if err := sc.Err(); err != nil && failed == "" {
		failed = "reading the build output: " + err.Error()
	}
	if failed == "" {
		if ok, err := docker.ImageExists(ctx, e.cli, name); err != nil || !ok {
			failed = fmt.Sprintf("the engine reported no error, but image %s is not there (%v)", name, err)
		}
	}
	if failed == "" {
		return nil
	}
	e.removeIntermediates(context.WithoutCancel(ctx), made)
	return fmt.Errorf("the engine's classic builder failed: %s\nlast lines of the build:\n  | %s\nfix: the lines above say which step of %s failed and why", failed, strings.Join(tail, "\n  | "), dfPath)
}

// removeIntermediates removes, newest first, the images a failed build's
// steps made; it stops at one that another image builds on (another build
// found it in its cache since), which must stay.
func (e *Env) removeIntermediates(ctx context.Context, made []string) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for _, id := range slices.Backward(made) {
		if _, err := e.cli.ImageRemove(ctx, id, client.ImageRemoveOptions{PruneChildren: false}); err != nil {
			return
		}
	}
}
