package env_test

import (
	"errors"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/internal/docker"
)

// Each container setting of the Compose file reaches the container: the
// engine's record of it is inspected, and where the running process can see
// it, the process is asked (its user id, /etc/hosts, /etc/hostname, its
// mounts, PID 1). Before, user and the rest were dropped without a word, or
// refused.
func TestContainerSettingsReachTheContainer(t *testing.T) {
	sys := loadSystem(t, `
name: settingstest
services:
	app:
		image: IMAGE
		environment: {NAME: app}
		user: "1234:5678"
		working_dir: /srv/app
		tmpfs: [/scratch, "/cache:size=8m"]
		extra_hosts: ["legacy.internal:127.0.0.1"]
		init: true
		stop_signal: SIGINT
		stop_grace_period: 3s
		mem_limit: 64m
		cpus: 0.5
		hostname: app-host
		labels: {team: payments}
		shm_size: 128m
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 30s}
	limited:
		image: IMAGE
		environment: {NAME: limited}
		deploy: {resources: {limits: {memory: 48m, cpus: "0.25"}}}
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 30s}
`, nil)
	e, err := start(t, sys)
	if err != nil {
		t.Fatalf("start: %v", err)
	}

	cli, err := docker.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	inspect := func(service string) (cfgUser, workDir, stopSignal string, stopTimeout *int, tmpfs map[string]string, hosts []string, init *bool, memory, nanoCPUs int64) {
		t.Helper()
		s, err := e.Service(service)
		if err != nil {
			t.Fatal(err)
		}
		res, err := cli.ContainerInspect(t.Context(), s.Container.GetContainerID(), client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c := res.Container
		return c.Config.User, c.Config.WorkingDir, c.Config.StopSignal, c.Config.StopTimeout,
			c.HostConfig.Tmpfs, c.HostConfig.ExtraHosts, c.HostConfig.Init, c.HostConfig.Memory, c.HostConfig.NanoCPUs
	}

	user, wd, sig, stop, tmpfs, hosts, init, mem, cpus := inspect("app")
	if user != "1234:5678" || wd != "/srv/app" || sig != "SIGINT" {
		t.Errorf("User %q, WorkingDir %q, StopSignal %q; want 1234:5678, /srv/app, SIGINT", user, wd, sig)
	}
	if stop == nil || *stop != 3 {
		t.Errorf("StopTimeout = %v, want 3 (seconds)", stop)
	}
	if len(tmpfs) != 2 || tmpfs["/scratch"] != "" || tmpfs["/cache"] != "size=8m" {
		t.Errorf("Tmpfs = %v, want /scratch and /cache with size=8m", tmpfs)
	}
	if !slices.Contains(hosts, "legacy.internal:127.0.0.1") {
		t.Errorf("ExtraHosts = %v, want legacy.internal:127.0.0.1", hosts)
	}
	if init == nil || !*init {
		t.Errorf("Init = %v, want true", init)
	}
	if mem != 64<<20 || cpus != 500_000_000 {
		t.Errorf("Memory %d, NanoCPUs %d; want %d and 500000000", mem, cpus, 64<<20)
	}
	appSvc, err := e.Service("app")
	if err != nil {
		t.Fatal(err)
	}
	res, err := cli.ContainerInspect(t.Context(), appSvc.Container.GetContainerID(), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Container; c.Config.Hostname != "app-host" || c.Config.Labels["team"] != "payments" || c.HostConfig.ShmSize != 128<<20 {
		t.Errorf("Hostname %q, Labels %v, ShmSize %d; want app-host, team=payments, %d", c.Config.Hostname, c.Config.Labels, c.HostConfig.ShmSize, 128<<20)
	}
	if c := res.Container; c.Config.Labels[docker.LabelRun] != e.RunID || c.Config.Labels[docker.LabelService] != "app" {
		t.Errorf("Tandem's own labels = %v, want run %s and service app beside the file's", c.Config.Labels, e.RunID)
	}
	_, _, _, _, _, _, _, mem, cpus = inspect("limited")
	if mem != 48<<20 || cpus != 250_000_000 {
		t.Errorf("limited: Memory %d, NanoCPUs %d; want %d and 250000000 (from deploy.resources.limits)", mem, cpus, 48<<20)
	}

	// What the running process sees.
	app := mustURL(t, e, "app")
	if status := get(t, app+"/file?path=/proc/self/status"); !strings.Contains(status, "Uid:\t1234\t") || !strings.Contains(status, "Gid:\t5678\t") {
		t.Errorf("the process does not run as 1234:5678; /proc/self/status:\n%s", status)
	}
	if hostsFile := get(t, app+"/file?path=/etc/hosts"); !strings.Contains(hostsFile, "legacy.internal") {
		t.Errorf("/etc/hosts has no legacy.internal:\n%s", hostsFile)
	}
	mounts := get(t, app+"/file?path=/proc/mounts")
	if hostname := get(t, app+"/file?path=/etc/hostname"); strings.TrimSpace(hostname) != "app-host" {
		t.Errorf("/etc/hostname = %q, want app-host", hostname)
	}
	for _, m := range []string{"tmpfs /scratch tmpfs", "tmpfs /cache tmpfs", "size=131072k"} {
		if !strings.Contains(mounts, m) {
			t.Errorf("/proc/mounts has no %q:\n%s", m, mounts)
		}
	}
	if pid1 := get(t, app+"/file?path=/proc/1/cmdline"); !strings.Contains(pid1, "init") {
		t.Errorf("PID 1 is %q, want the engine's init process (docker-init)", pid1)
	}
}

// The case of issue 17: PostgreSQL with user: postgres. Its healthcheck runs
// psql as the container's user over the local socket (peer authentication),
// so the service becomes healthy only if it runs as postgres; as root, psql
// fails with `role "root" does not exist` and the start times out.
func TestPostgresRunsAsTheUserTheFileNames(t *testing.T) {
	sys := loadSystem(t, `
name: pguser
services:
	db:
		image: tandem.local/postgres:15
		user: postgres
		environment: {POSTGRES_HOST_AUTH_METHOD: trust}
		healthcheck:
			test: ["CMD", "psql", "-h", "/var/run/postgresql", "-d", "postgres", "-tAc", "select 1"]
			interval: 1s
			retries: 60
		x-tandem:
			ready: {timeout: 60s}
`, nil)
	e, err := start(t, sys)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	s, err := e.Service("db")
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.ReadFile(s.LogFile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(log), `role "root" does not exist`) {
		t.Errorf("db's log says the healthcheck ran as root:\n%s", log)
	}
}

// StopService stops a service with its stop_signal, as docker compose stop
// does: the engine's own record of the kill it sent is read back.
func TestStopServiceSendsTheStopSignal(t *testing.T) {
	sys := loadSystem(t, `
name: stopsignal
services:
	app:
		image: IMAGE
		environment: {NAME: app}
		stop_signal: SIGINT
		stop_grace_period: 5s
		x-tandem:
			port: 8080
			ready: {http: /health, timeout: 30s}
`, nil)
	e, err := start(t, sys)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	s, err := e.Service("app")
	if err != nil {
		t.Fatal(err)
	}
	cli, err := docker.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	since := time.Now().Add(-time.Second)
	if err := e.StopService(t.Context(), "app"); err != nil {
		t.Fatalf("StopService: %v", err)
	}
	res := cli.Events(t.Context(), client.EventsListOptions{
		Since:   strconv.FormatInt(since.Unix(), 10),
		Until:   strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10),
		Filters: client.Filters{}.Add("container", s.Container.GetContainerID()).Add("event", "kill"),
	})
	var signals []string
	for done := false; !done; {
		select {
		case m, ok := <-res.Messages:
			if !ok {
				done = true
				break
			}
			signals = append(signals, m.Actor.Attributes["signal"])
		case err := <-res.Err:
			if err != nil && !errors.Is(err, io.EOF) {
				t.Fatalf("read the engine's events: %v", err)
			}
			done = true
		}
	}
	if len(signals) == 0 || signals[0] != "2" {
		t.Errorf("the engine sent signals %v to app, want SIGINT (2) first", signals)
	}
}
