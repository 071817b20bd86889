package system_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tandem-harness/tandem/harness/system"
)

// build.target reaches the service with the context, Dockerfile and args;
// before, it was refused, and before that silently dropped (the last stage
// was built).
func TestLoadKeepsBuildTargetAndArgs(t *testing.T) {
	path := writeCompose(t, "build: {context: ., dockerfile: Dockerfile, target: test, args: {GREETING: hello}}")
	sys, err := system.Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	b := sys.Services["app"].Build
	if b == nil {
		t.Fatal("app has no build")
	}
	if b.Target != "test" || b.Args["GREETING"] != "hello" || b.Dockerfile != "Dockerfile" || b.Context != filepath.Dir(path) {
		t.Errorf("build = %+v; want target test, arg GREETING=hello, Dockerfile in %s", b, filepath.Dir(path))
	}
}
