package env_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/tandem-harness/tandem/internal/imagetest"
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
	dir, err := os.MkdirTemp("", "envtest-image-")
	if err != nil {
		return "", err
	}
	if testImage, err = imagetest.Envtest(dir); err != nil {
		return "", err
	}
	return dir, nil
}
