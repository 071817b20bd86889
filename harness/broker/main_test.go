package broker_test

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tandemBin != "" {
		_ = os.RemoveAll(filepath.Dir(tandemBin))
	}
	os.Exit(code)
}
