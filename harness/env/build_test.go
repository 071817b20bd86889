package env_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/internal/docker"
)

// buildContextDir makes a build context: the envtest binary, the given files,
// and a Dockerfile whose stages start FROM the envtest image (on the engine;
// no registry is needed).
func buildContextDir(t *testing.T, dockerfile string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	bin, err := os.ReadFile(filepath.Join(testImageDir, "envtest"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "envtest"), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	files["Dockerfile"] = strings.ReplaceAll(dockerfile, "IMAGE", testImage)
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// removeImagesOf removes, when the test ends, the images tagged
// tandem.local/build/SERVICE (whatever their hash).
func removeImagesOf(t *testing.T, cli *client.Client, service string) {
	t.Helper()
	t.Cleanup(func() {
		ctx := context.Background()
		list, err := cli.ImageList(ctx, client.ImageListOptions{Filters: make(client.Filters).Add("reference", "tandem.local/build/"+service)})
		if err != nil {
			t.Errorf("list images: %v", err)
			return
		}
		for _, img := range list.Items {
			if _, err := cli.ImageRemove(ctx, img.ID, client.ImageRemoveOptions{Force: true, PruneChildren: true}); err != nil {
				t.Errorf("remove %v: %v", img.RepoTags, err)
			}
		}
	})
}

func randomID(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// A multi-stage Dockerfile with build.target naming a stage before the last
// and a build arg: the container runs the target stage (its file is there,
// the last stage's is not), with the arg's value, and without what
// .dockerignore leaves out of the context. The image is named
// tandem.local/build/SERVICE:HASH; a second start builds nothing (same image
// ID); before, target was dropped and every start rebuilt under a random name.
func TestBuildTargetStageWithArgsAndCache(t *testing.T) {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	service := "built" + randomID(t) // names of this test only: other runs share the engine
	removeImagesOf(t, cli, service)
	dir := buildContextDir(t, `
ARG GREETING=unset
FROM IMAGE AS test
ARG GREETING
ENV GREETING=${GREETING}
COPY stage-test.txt /stage/test.txt
COPY . /ctx/

FROM IMAGE AS release
COPY stage-release.txt /stage/release.txt
`, map[string]string{
		"stage-test.txt":    "from the test stage",
		"stage-release.txt": "from the release stage",
		"secret.txt":        "must not reach the engine",
		".dockerignore":     "secret.txt\n",
	})
	compose := `
services:
	` + service + `:
		build: {context: ` + dir + `, target: test, args: {GREETING: hello-from-compose}}
		environment: {NAME: api}
		x-tandem: {port: 8080, ready: {http: /health}}
`
	imageID := func(e *env.Env) (string, string) {
		t.Helper()
		s, err := e.Service(service)
		if err != nil {
			t.Fatal(err)
		}
		r, err := cli.ContainerInspect(t.Context(), s.Container.GetContainerID(), client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return r.Container.Image, r.Container.Config.Image
	}

	var progress strings.Builder
	e, err := start(t, loadSystem(t, compose, nil), env.WithProgress(&progress))
	if err != nil {
		t.Fatalf("start: %v\n%s", err, progress.String())
	}
	url := mustURL(t, e, service)
	for path, want := range map[string]string{
		"/file?path=/stage/test.txt":     "from the test stage",
		"/env?name=GREETING":             "hello-from-compose",
		"/file?path=/ctx/stage-test.txt": "from the test stage",
	} {
		if got := get(t, url+path); got != want {
			t.Errorf("GET %s = %q, want %q", path, got, want)
		}
	}
	for _, path := range []string{"/stage/release.txt", "/ctx/secret.txt"} {
		resp, err := http.Get(url + "/file?path=" + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET /file?path=%s: %s; want 404: the file must not be in the container", path, resp.Status)
		}
	}
	firstID, name := imageID(e)
	if !regexp.MustCompile(`^tandem\.local/build/` + service + `:[0-9a-f]{16}$`).MatchString(name) {
		t.Errorf("the container runs image %q; want tandem.local/build/%s:HASH", name, service)
	}

	progress.Reset()
	e2, err := start(t, loadSystem(t, compose, nil), env.WithProgress(&progress))
	if err != nil {
		t.Fatalf("second start: %v", err)
	}
	secondID, secondName := imageID(e2)
	if secondID != firstID || secondName != name {
		t.Errorf("second start runs %s (%s); want the first build %s (%s), not a rebuild", secondName, secondID, name, firstID)
	}
	if strings.Contains(progress.String(), "building ") {
		t.Errorf("second start built again:\n%s", progress.String())
	}
}

// A Dockerfile that fails to build fails the start before any container of
// the run is created, and leaves no image behind: neither a randomly named
// one nor the intermediate image of the step that succeeded before the
// failing one. Before, the dependencies started first and the failure came
// when the service's turn came.
func TestBrokenBuildFailsBeforeAnythingStarts(t *testing.T) {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	service := "broken" + randomID(t)
	removeImagesOf(t, cli, service)
	dir := buildContextDir(t, `
FROM IMAGE
COPY marker.txt /marker.txt
COPY missing.txt /missing.txt
`, map[string]string{"marker.txt": randomID(t)}) // a step the engine cannot have cached
	sys := loadSystem(t, `
services:
	db:
		image: IMAGE
		environment: {NAME: db}
		x-tandem: {port: 8080, ready: {http: /health}}
	`+service+`:
		build: {context: `+dir+`}
		depends_on: [db]
		x-tandem: {port: 8080, ready: {http: /health}}
`, nil)
	before := imageIDs(t, cli)
	e, err := start(t, sys)
	if err == nil {
		t.Fatal("start succeeded; want the build to fail")
	}
	for _, want := range []string{"build " + service, "missing.txt", filepath.Join(dir, "Dockerfile")} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
	ctrs, err := cli.ContainerList(t.Context(), client.ContainerListOptions{All: true, Filters: make(client.Filters).Add("label", docker.LabelRun+"="+e.RunID)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ctrs.Items); n != 0 {
		t.Errorf("%d container(s) of the run were created before the build failed; want none", n)
	}
	testImageID := imageID(t, cli, testImage)
	for id, img := range imageIDs(t, cli) {
		if _, old := before[id]; old {
			continue
		}
		for _, tag := range img.tags {
			if regexp.MustCompile(`^tandem\.local/[0-9a-f-]{32,36}:`).MatchString(tag) || strings.Contains(tag, service) {
				t.Errorf("the failed build left image %s (%s)", tag, id)
			}
		}
		if img.parent == testImageID && len(img.tags) == 0 {
			t.Errorf("the failed build left the intermediate image %s (FROM the test image)", id)
		}
	}
}

type listedImage struct {
	tags   []string
	parent string
}

// imageIDs lists every image on the engine, intermediate ones too, with its
// tags and parent.
func imageIDs(t *testing.T, cli *client.Client) map[string]listedImage {
	t.Helper()
	list, err := cli.ImageList(t.Context(), client.ImageListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]listedImage{}
	for _, img := range list.Items {
		var tags []string
		for _, tag := range img.RepoTags {
			if tag != "<none>:<none>" {
				tags = append(tags, tag)
			}
		}
		ids[img.ID] = listedImage{tags: tags, parent: img.ParentID}
	}
	return ids
}

func imageID(t *testing.T, cli *client.Client, ref string) string {
	t.Helper()
	r, err := cli.ImageInspect(t.Context(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// A FROM of an image the engine lacks, and BuildKit-only syntax, are refused
// by file:line before anything is built or started.
func TestBuildRefusedBeforeBuilding(t *testing.T) {
	missing := "tandem.local/no-such-base-" + randomID(t) + ":1"
	tests := []struct {
		name, dockerfile string
		want             []string
	}{
		{"missing FROM", "FROM IMAGE AS tools\n\nFROM " + missing + "\nCOPY --from=tools /envtest /envtest\n",
			[]string{"Dockerfile:3: image " + missing + " is not on the engine, and no registry is reachable", "build or import it first"}},
		{"RUN --mount", "FROM IMAGE\nRUN --mount=type=cache,target=/cache /envtest check /cache\n",
			[]string{"Dockerfile:2: RUN --mount: BuildKit only"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := buildContextDir(t, tc.dockerfile, map[string]string{})
			service := "refused" + randomID(t)
			sys := loadSystem(t, `
services:
	`+service+`:
		build: {context: `+dir+`}
		x-tandem: {port: 8080, ready: {http: /health}}
`, nil)
			var progress strings.Builder
			e, err := start(t, sys, env.WithProgress(&progress))
			if err == nil {
				t.Fatal("start succeeded; want the build refused")
			}
			for _, want := range append([]string{"build " + service + ": " + dir + "/"}, tc.want...) {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not contain %q:\n%v", want, err)
				}
			}
			if strings.Contains(progress.String(), "building ") || e.Network != "" {
				t.Errorf("the build ran or the environment was created (network %q):\n%s", e.Network, progress.String())
			}
		})
	}
}

// A service's image: name is the built image's name, as in docker compose.
// A change in the context builds it again, and the build it replaces is
// removed rather than left nameless on the engine.
func TestBuildUnderImageNameRebuildsOnChange(t *testing.T) {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	image := "tandem.local/build-named-" + randomID(t) + ":1"
	t.Cleanup(func() {
		_, _ = cli.ImageRemove(context.Background(), image, client.ImageRemoveOptions{Force: true, PruneChildren: true})
	})
	dir := buildContextDir(t, "FROM IMAGE\nCOPY version.txt /version.txt\n", map[string]string{"version.txt": "one"})
	compose := `
services:
	api:
		build: {context: ` + dir + `}
		image: ` + image + `
		environment: {NAME: api}
		x-tandem: {port: 8080, ready: {http: /health}}
`
	run := func(want string) string {
		t.Helper()
		e, err := start(t, loadSystem(t, compose, nil))
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		if got := get(t, mustURL(t, e, "api")+"/file?path=/version.txt"); got != want {
			t.Errorf("/version.txt = %q, want %q", got, want)
		}
		if err := e.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		return imageID(t, cli, image)
	}
	first := run("one")
	r, err := cli.ImageInspect(t.Context(), first)
	if err != nil {
		t.Fatal(err)
	}
	firstHash := r.Config.Labels[env.LabelBuildHash]
	if err := os.WriteFile(filepath.Join(dir, "version.txt"), []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	second := run("two")
	if second == first {
		t.Fatalf("the image was not rebuilt after the context changed (ID %s)", first)
	}
	list, err := cli.ImageList(t.Context(), client.ImageListOptions{All: true, Filters: make(client.Filters).Add("label", env.LabelBuildHash+"="+firstHash)})
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range list.Items {
		t.Errorf("the replaced build left image %s %v on the engine", img.ID, img.RepoTags)
	}
}

// An image built FROM a base is built again when the base changes under the
// same name: the hash covers the base image's ID, as the classic builder's
// own cache does.
func TestBuildFollowsItsBaseImage(t *testing.T) {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	id := randomID(t)
	image, base := "tandem.local/build-follows-"+id+":1", "tandem.local/build-base-"+id+":1"
	t.Cleanup(func() {
		_, _ = cli.ImageRemove(context.Background(), image, client.ImageRemoveOptions{Force: true, PruneChildren: true})
	})
	tag := func(src string) {
		t.Helper()
		if _, err := cli.ImageTag(t.Context(), client.ImageTagOptions{Source: src, Target: base}); err != nil {
			t.Fatal(err)
		}
	}
	tag(testImage)
	t.Cleanup(func() {
		_, _ = cli.ImageRemove(context.Background(), base, client.ImageRemoveOptions{PruneChildren: true})
	})
	dir := buildContextDir(t, "FROM "+base+"\nCOPY version.txt /version.txt\n", map[string]string{"version.txt": "one"})
	compose := `
services:
	api:
		build: {context: ` + dir + `}
		image: ` + image + `
		environment: {NAME: api}
		x-tandem: {port: 8080, ready: {http: /health}}
`
	run := func() string {
		t.Helper()
		e, err := start(t, loadSystem(t, compose, nil))
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		if err := e.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		return imageID(t, cli, image)
	}
	first := run()
	tag(image) // the base is now another image (the first build: it runs too)
	if second := run(); second == first {
		t.Errorf("the image was not rebuilt after its base changed (ID %s)", first)
	}
}
