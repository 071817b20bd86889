package envtest_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/testcontainers/testcontainers-go"

	"github.com/tandem-harness/tandem/internal/docker"
)

// envtestSource is the tiny HTTP service of harness/env's tests.
const envtestSource = "../env/testdata/envtest"

// buildServiceImage builds the envtest service into a local image tagged with
// a hash of its source (as harness/env's tests do, so both share it) and
// returns its name. It fails the test without a Docker engine: no silent skip.
func buildServiceImage(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	cli, err := docker.Client(ctx)
	if err != nil {
		t.Fatalf("these tests need a Docker engine: %v", err)
	}
	cli.Close()
	dir := t.TempDir()
	build := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(dir, "envtest"), "./"+envtestSource)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build envtest: %v\n%s", err, out)
	}
	df, err := os.ReadFile(filepath.Join(envtestSource, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), df, 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(envtestSource, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	tag := fmt.Sprintf("dev-%x", sha256.Sum256(append(src, df...)))[:16]
	_, err = p.BuildImage(ctx, &testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		Context: dir, Repo: "tandem.local/envtest", Tag: tag, KeepImage: true,
	}})
	if err != nil {
		t.Fatalf("build tandem.local/envtest:%s: %v", tag, err)
	}
	return "tandem.local/envtest:" + tag
}
