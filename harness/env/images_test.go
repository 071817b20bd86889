package env_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/internal/docker"
)

// A team's own images start under the names its Compose file gives them, in
// the three forms that testcontainers' hub prefix would rewrite: a Docker Hub
// style user/name:tag, a bare name, and a name spelled with docker.io —
// with testcontainers' reaper on, as on every machine after `make setup`.
func TestTeamImageNamesStartWithTheReaperOn(t *testing.T) {
	if on, why := docker.ReaperStatus(); !on {
		t.Fatalf("the reaper is off (%s); this test is about image names with it on: run `make setup`, which tags %s", why, docker.ReaperImage)
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b) // names of this run only: other runs may tag and remove theirs meanwhile
	images := map[string]string{
		"app":   "team" + id + "/app:1.0",                      // user/name:tag
		"proxy": "foreign-proxy-" + id,                         // a bare name (:latest)
		"db":    "docker.io/library/tandem-hub-" + id + ":1.0", // Docker Hub, spelled out
	}
	tagImages(t, images)

	yaml := "name: teamimages\nservices:\n"
	for _, name := range []string{"app", "proxy", "db"} {
		yaml += fmt.Sprintf("  %s:\n    image: %s\n    environment: {NAME: %s}\n    x-tandem: {port: 8080, ready: {http: /health}}\n", name, images[name], name)
	}
	sys := loadSystem(t, yaml, nil)
	e, err := start(t, sys)
	if err != nil {
		t.Fatalf("start with images %v: %v", images, err)
	}
	for name := range images {
		url, err := e.URL(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := get(t, url+"/whoami"); got != name {
			t.Errorf("%s (image %s) answered %q, want %q", name, images[name], got, name)
		}
	}
}

// tagImages tags the test image under each name, and removes those tags when
// the test ends.
func tagImages(t *testing.T, images map[string]string) {
	t.Helper()
	cli, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	for _, ref := range images {
		_, err := cli.ImageTag(t.Context(), client.ImageTagOptions{Source: testImage, Target: ref})
		t.Cleanup(func() {
			if _, err := cli.ImageRemove(context.Background(), ref, client.ImageRemoveOptions{}); err != nil {
				t.Errorf("remove tag %s: %v", ref, err)
			}
		})
		if err != nil {
			t.Fatalf("docker tag %s %s: %v", testImage, ref, err)
		}
	}
}
