package env_test

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

// testImage is built once per test binary from testdata/envtest, tagged
// with a hash of its source: test runs of other versions of the source on
// the same engine (other checkouts) do not overwrite it.
var testImage string

// testImageDir holds the image's build context (binary + Dockerfile), for the
// test of compose build contexts.
var testImageDir string

func TestMain(m *testing.M) {
	dir, err := buildTestImage()
	if err != nil {
		fmt.Fprintln(os.Stderr, "env tests need a Docker engine and the envtest image:", err)
		os.Exit(1)
	}
	testImageDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func buildTestImage() (string, error) {
	ctx := context.Background()
	cli, err := docker.Client(ctx) // fails loudly without an engine: no silent skip
	if err != nil {
		return "", err
	}
	cli.Close()
	dir, err := os.MkdirTemp("", "envtest-image-")
	if err != nil {
		return "", err
	}
	build := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(dir, "envtest"), "./testdata/envtest")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build envtest: %v\n%s", err, out)
	}
	df, err := os.ReadFile("testdata/envtest/Dockerfile")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), df, 0o644); err != nil {
		return "", err
	}
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return "", err
	}
	defer p.Close()
	src, err := os.ReadFile("testdata/envtest/main.go")
	if err != nil {
		return "", err
	}
	tag := fmt.Sprintf("dev-%x", sha256.Sum256(append(src, df...)))[:16]
	testImage = "tandem.local/envtest:" + tag
	_, err = p.BuildImage(ctx, &testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		Context: dir, Repo: "tandem.local/envtest", Tag: tag, KeepImage: true,
	}})
	if err != nil {
		return "", fmt.Errorf("build %s: %w", testImage, err)
	}
	return dir, nil
}
