package env_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/docker"
)

const volumesSystem = `
name: volumestest
services:
	app:
		image: VOLUME_IMAGE
		environment: {NAME: app}
		volumes:
			- data:/var/lib/data
			- /var/cache/anon
		secrets:
			- db_password
			- source: api_key
				mode: 0400
				uid: "1000"
				gid: "1001"
		configs:
			- app_conf
			- source: flags
				target: /etc/app/flags.json
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 30s}
	reader:
		image: IMAGE
		environment: {NAME: reader}
		volumes: ["data:/shared:ro"]
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 30s}
	debug:
		image: IMAGE
		environment: {NAME: debug}
		profiles: [debug]
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 30s}
volumes:
	data:
		labels: {team: payments}
secrets:
	db_password: {file: ./db_password.txt}
	api_key: {environment: VOLTEST_API_KEY}
configs:
	app_conf: {file: ./app.conf}
	flags: {environment: VOLTEST_FLAGS}
`

const (
	filePassword = "pa55-from-a-file"
	envAPIKey    = "k3y-from-the-environment"
)

// Named and anonymous volumes (and the image's own VOLUME), secrets and
// configs, and profiles, checked inside the running containers: the named
// volume is shared and its data survives StopService/StartService; every
// volume carries the run's and the reaper's labels and is gone after Stop;
// secrets and configs arrive with their content, mode and owner, and no
// secret value reaches the progress output or the logs; a service with a
// profile starts only when the profile is enabled. Before, all of these were
// refused when the file was loaded.
func TestVolumesSecretsConfigsAndProfilesReachTheContainers(t *testing.T) {
	t.Setenv("VOLTEST_API_KEY", envAPIKey)
	t.Setenv("VOLTEST_FLAGS", `{"beta": true}`)
	t.Setenv(system.ProfilesVariable, "")
	compose := strings.ReplaceAll(volumesSystem, "VOLUME_IMAGE", imageWithVolume(t))
	files := map[string]string{"db_password.txt": filePassword, "app.conf": "level=debug\n"}
	sys := loadSystem(t, compose, files)
	progress := &syncWriter{w: &strings.Builder{}}
	e, err := start(t, sys, env.WithProgress(progress))
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	if _, err := e.Service("debug"); err == nil {
		t.Errorf("debug started without its profile enabled")
	}
	app, reader := mustURL(t, e, "app"), mustURL(t, e, "reader")

	// Secrets and configs, with their modes and owners.
	for _, c := range []struct{ path, content, mode, owner string }{
		{"/run/secrets/db_password", filePassword, "444", "0:0"},
		{"/run/secrets/api_key", envAPIKey, "400", "1000:1001"},
		{"/app_conf", "level=debug\n", "444", "0:0"},
		{"/etc/app/flags.json", `{"beta": true}`, "444", "0:0"},
	} {
		body, mode, owner := getFile(t, app, c.path)
		if body != c.content || mode != c.mode || owner != c.owner {
			t.Errorf("%s: %q, mode %s, owner %s; want %q, %s, %s", c.path, body, mode, owner, c.content, c.mode, c.owner)
		}
	}

	// The named volume is shared; what app writes, reader sees.
	putFile(t, app, "/var/lib/data/note", "written by app")
	putFile(t, app, "/var/cache/anon/note", "anonymous")
	putFile(t, app, "/var/lib/imgvol/note", "image volume")
	if got, _, _ := getFile(t, reader, "/shared/note"); got != "written by app" {
		t.Errorf("reader sees %q in the shared volume, want %q", got, "written by app")
	}

	// Every mount is a volume of this run, with its labels.
	cli, err := docker.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	s, _ := e.Service("app")
	res, err := cli.ContainerInspect(t.Context(), s.Container.GetContainerID(), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mounts := map[string]string{}
	for _, m := range res.Container.Mounts {
		if m.Type == mount.TypeVolume {
			mounts[m.Destination] = m.Name
		}
	}
	for _, target := range []string{"/var/lib/data", "/var/cache/anon", "/var/lib/imgvol"} {
		name, ok := mounts[target]
		if !ok {
			t.Errorf("app has no volume at %s; its volumes: %v", target, mounts)
			continue
		}
		if !strings.HasPrefix(name, "tandem-"+e.RunID+"-") {
			t.Errorf("the volume at %s is %s, want tandem-%s-…", target, name, e.RunID)
		}
		v, err := cli.VolumeInspect(t.Context(), name, client.VolumeInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		l := v.Volume.Labels
		if l[docker.LabelRun] != e.RunID || l["org.testcontainers.sessionId"] != testcontainers.SessionID() {
			t.Errorf("volume %s labels = %v, want %s=%s and the testcontainers session %s", name, l, docker.LabelRun, e.RunID, testcontainers.SessionID())
		}
	}
	if got, want := mounts["/var/lib/data"], env.VolumeName(e.RunID, "data"); got != want {
		t.Errorf("the named volume is %s, want %s", got, want)
	}
	if v, err := cli.VolumeInspect(t.Context(), env.VolumeName(e.RunID, "data"), client.VolumeInspectOptions{}); err != nil || v.Volume.Labels["team"] != "payments" {
		t.Errorf("the named volume's labels lack the file's team=payments: %v %v", v.Volume.Labels, err)
	}

	// The data survives a stop and a start of the service.
	if err := e.StopService(t.Context(), "app"); err != nil {
		t.Fatalf("StopService: %v", err)
	}
	if err := e.StartService(t.Context(), "app"); err != nil {
		t.Fatalf("StartService: %v", err)
	}
	app = mustURL(t, e, "app")
	for path, want := range map[string]string{"/var/lib/data/note": "written by app", "/var/cache/anon/note": "anonymous", "/var/lib/imgvol/note": "image volume"} {
		if got, _, _ := getFile(t, app, path); got != want {
			t.Errorf("after StopService/StartService %s = %q, want %q", path, got, want)
		}
	}

	// Stop removes the run's volumes.
	left, err := docker.Leftovers(t.Context(), cli, e.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if left.Volumes != 3 {
		t.Errorf("the run has %d volume(s) while up, want 3 (data, the anonymous one, the image's)", left.Volumes)
	}
	if err := e.Stop(context.Background()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if left, err = docker.Leftovers(context.Background(), cli, e.RunID); err != nil || left.Volumes != 0 {
		t.Errorf("after Stop the run has %s (%v), want no volume", left, err)
	}

	// No secret value in what Tandem wrote.
	logs, _ := os.ReadDir(filepath.Join(e.Dir, "logs"))
	written := progress.String()
	for _, l := range logs {
		b, _ := os.ReadFile(filepath.Join(e.Dir, "logs", l.Name()))
		written += string(b)
	}
	for _, secret := range []string{filePassword, envAPIKey} {
		if strings.Contains(written, secret) {
			t.Errorf("a secret's value reached the progress output or a log")
		}
	}

	// With its profile enabled, debug starts.
	t.Setenv(system.ProfilesVariable, "debug")
	sys = loadSystem(t, compose, files)
	e2, err := start(t, sys, env.WithServices("debug"))
	if err != nil {
		t.Fatalf("start with the debug profile: %v", err)
	}
	if got := get(t, mustURL(t, e2, "debug")+"/whoami"); got != "debug" {
		t.Errorf("debug answers %q, want debug", got)
	}
}

// imageWithVolume builds the test image with a VOLUME of its own.
func imageWithVolume(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	df := fmt.Sprintf("FROM %s\nVOLUME /var/lib/imgvol\n", testImage)
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	tag := strings.TrimPrefix(testImage, "tandem.local/envtest:")
	image, err := p.BuildImage(t.Context(), &testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		Context: dir, Repo: "tandem.local/envtest-volume", Tag: tag, KeepImage: true,
	}})
	if err != nil {
		t.Fatalf("build the image with a VOLUME: %v", err)
	}
	return image
}

// getFile reads a file in the container through the envtest service, with
// its mode (octal) and owner (uid:gid).
func getFile(t *testing.T, url, path string) (body, mode, owner string) {
	t.Helper()
	resp, err := http.Get(url + "/file?path=" + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", path, resp.Status, b)
	}
	return string(b), resp.Header.Get("X-Mode"), resp.Header.Get("X-Owner")
}

func putFile(t *testing.T, url, path, content string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, url+"/file?path="+path, strings.NewReader(content))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("PUT %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("PUT %s: %s %s", path, resp.Status, b)
	}
}
