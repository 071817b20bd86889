package system_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tandem-harness/tandem/harness/system"
)

// env_file, extends and include are honoured because compose-go resolves
// them when it loads the file, as the table of Compose fields says: their
// settings are in the Service like any written inline.
func TestLoadResolvesEnvFileExtendsAndInclude(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"compose.yaml": `include: [./deps.yaml]
services:
  base:
    image: tandem.local/base:1
    environment: {FROM_BASE: "yes"}
    user: "1000"
  app:
    extends: {service: base}
    image: tandem.local/app:1
    env_file: [./app.env]
    depends_on: [cache]
`,
		"deps.yaml": "services:\n  cache:\n    image: tandem.local/cache:1\n",
		"app.env":   "FROM_ENV_FILE=1\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sys, err := system.Load(context.Background(), filepath.Join(dir, "compose.yaml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	app, err := sys.Service("app")
	if err != nil {
		t.Fatal(err)
	}
	if app.Environment["FROM_ENV_FILE"] != "1" || app.Environment["FROM_BASE"] != "yes" {
		t.Errorf("app environment = %v, want FROM_ENV_FILE (env_file) and FROM_BASE (extends)", app.Environment)
	}
	if app.Container.User != "1000" || app.Image != "tandem.local/app:1" {
		t.Errorf("app user %q, image %q; want 1000 from base, its own image", app.Container.User, app.Image)
	}
	if _, err := sys.Service("cache"); err != nil {
		t.Errorf("the included file's service: %v", err)
	}
}
