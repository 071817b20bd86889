// Package imagetest builds variants of the reference shop's Go services, and
// tests' own Go services, into local images for tests: the source is changed
// through go build -overlay, so the tree is never touched.
package imagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/tandem-harness/tandem/internal/docker"
)

// Edit replaces Old with New in one source file (a path relative to the
// repository root). Old must occur in the file.
type Edit struct {
	File, Old, New string
}

// Root is the repository root.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// BuildShopService builds fixtures/shop/SERVICE with edits into the image
// tandem.local/shop-SERVICE:TAG and removes the image when the test ends.
func BuildShopService(tb testing.TB, service, tag string, edits ...Edit) string {
	tb.Helper()
	root := Root()
	dir := tb.TempDir()
	// Edits of one file apply in order, each to the result of the previous.
	edited := map[string]string{}
	var order []string
	for _, e := range edits {
		src := filepath.Join(root, e.File)
		text, seen := edited[src]
		if !seen {
			b, err := os.ReadFile(src)
			if err != nil {
				tb.Fatal(err)
			}
			text = string(b)
			order = append(order, src)
		}
		if !strings.Contains(text, e.Old) {
			tb.Fatalf("%s no longer contains %q; update the test's edit", e.File, e.Old)
		}
		edited[src] = strings.Replace(text, e.Old, e.New, 1)
	}
	replace := map[string]string{}
	for i, src := range order {
		dst := filepath.Join(dir, "edit", fmt.Sprintf("%d-%s", i, filepath.Base(src)))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(dst, []byte(edited[src]), 0o644); err != nil {
			tb.Fatal(err)
		}
		replace[src] = dst
	}
	overlay, _ := json.Marshal(map[string]any{"Replace": replace})
	if err := os.WriteFile(filepath.Join(dir, "overlay.json"), overlay, 0o644); err != nil {
		tb.Fatal(err)
	}
	ctxDir := filepath.Join(dir, "image")
	build := exec.Command("go", "build", "-trimpath", "-overlay", filepath.Join(dir, "overlay.json"),
		"-o", filepath.Join(ctxDir, "service"), "./fixtures/shop/"+service)
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("build %s with edits: %v\n%s", service, err, out)
	}
	return buildImage(tb, ctxDir, "tandem.local/shop-"+service, tag)
}

// BuildGo builds the Go command in pkg (a path relative to the repository
// root, such as ./cmd/tandem/testdata/secrets/echo), with go build's extra
// args (-ldflags …), into the scratch image REPO:TAG, and removes the image
// when the test ends.
func BuildGo(tb testing.TB, pkg, repo, tag string, args ...string) string {
	tb.Helper()
	ctxDir := filepath.Join(tb.TempDir(), "image")
	build := exec.Command("go", append(append([]string{"build", "-trimpath"}, args...), "-o", filepath.Join(ctxDir, "service"), pkg)...)
	build.Dir = Root()
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("build %s: %v\n%s", pkg, err, out)
	}
	return buildImage(tb, ctxDir, repo, tag)
}

// buildImage builds the binary ctxDir/service into the scratch image
// REPO:TAG and removes the image when the test ends.
func buildImage(tb testing.TB, ctxDir, repo, tag string) string {
	tb.Helper()
	df := "FROM scratch\nCOPY service /service\nEXPOSE 8080\nENTRYPOINT [\"/service\"]\n"
	if err := os.WriteFile(filepath.Join(ctxDir, "Dockerfile"), []byte(df), 0o644); err != nil {
		tb.Fatal(err)
	}
	docker.Configure() // before testcontainers reads its settings (the reaper, the session)
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		tb.Fatal(err)
	}
	defer p.Close()
	if _, err := p.BuildImage(context.Background(), &testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		Context: ctxDir, Repo: repo, Tag: tag, KeepImage: true,
	}}); err != nil {
		tb.Fatal(err)
	}
	image := repo + ":" + tag
	tb.Cleanup(func() {
		cli, err := docker.Client(context.Background())
		if err != nil {
			return
		}
		defer cli.Close()
		_, _ = cli.ImageRemove(context.Background(), image, client.ImageRemoveOptions{Force: true})
	})
	return image
}
