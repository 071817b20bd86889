package imagetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/testcontainers/testcontainers-go"

	"github.com/tandem-harness/tandem/internal/docker"
)

// Envtest builds harness/env's tiny HTTP test service
// (harness/env/testdata/envtest) with dir as its build context (binary and
// Dockerfile) into tandem.local/envtest, tagged with a hash of its source so
// that checkouts of other versions on the same engine do not overwrite it,
// and returns the image's name. Without a Docker engine it fails: no silent
// skip.
func Envtest(dir string) (string, error) {
	ctx := context.Background()
	cli, err := docker.Client(ctx)
	if err != nil {
		return "", err
	}
	cli.Close()
	src := filepath.Join(Root(), "harness", "env", "testdata", "envtest")
	build := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(dir, "envtest"), ".")
	build.Dir = src
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build envtest: %v\n%s", err, out)
	}
	df, err := os.ReadFile(filepath.Join(src, "Dockerfile"))
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), df, 0o644); err != nil {
		return "", err
	}
	main, err := os.ReadFile(filepath.Join(src, "main.go"))
	if err != nil {
		return "", err
	}
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return "", err
	}
	defer p.Close()
	tag := fmt.Sprintf("dev-%x", sha256.Sum256(append(main, df...)))[:16]
	image := "tandem.local/envtest:" + tag
	_, err = p.BuildImage(ctx, &testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		Context: dir, Repo: "tandem.local/envtest", Tag: tag, KeepImage: true,
	}})
	if err != nil {
		return "", fmt.Errorf("build %s: %w", image, err)
	}
	return image, nil
}
