// Package docker is Tandem's plumbing to the Docker engine: the client, the labels
// every resource carries, image checks, and the sweep that removes what runs left.
package docker

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

// Labels on every container, network and volume Tandem creates.
const (
	LabelRun     = "dev.tandem.run"     // the run id
	LabelService = "dev.tandem.service" // the Compose service name
	LabelSystem  = "dev.tandem.system"  // the Compose project name
	LabelPID     = "dev.tandem.pid"     // the process that started the run
	LabelHost    = "dev.tandem.host"    // the host name of the machine that process runs on
)

var configureOnce sync.Once

// Configure sets the testcontainers settings Tandem needs when the user has not
// set them:
//   - the reaper: when the image testcontainers starts as its reaper
//     (ReaperImage, which `make setup` tags on Tandem's own reaper) is on this
//     machine, testcontainers' Ryuk is on (TESTCONTAINERS_RYUK_DISABLED=false),
//     so that nothing outlives a killed process by more than seconds. No hub
//     prefix is set: every other image runs under the name it is given.
//     Otherwise the reaper stays off, and Tandem removes what it starts by
//     label (Stop, and `tandem down` for what a killed run left). TANDEM_KEEP=1
//     turns it off too. ReaperStatus says what was decided and why;
//   - a testcontainers session per process (TESTCONTAINERS_SESSION_ID), so
//     that a process's reaper does not wait for its siblings;
//   - with a local engine, mapped ports are reached on 127.0.0.1.
//
// It also silences testcontainers' logging unless TANDEM_DEBUG=1.
// It must run before the first testcontainers call; Client calls it.
func Configure() {
	configureOnce.Do(func() {
		if os.Getenv("TANDEM_DEBUG") != "1" {
			tclog.SetDefault(tclog.NewNoopLogger()) // the connection banner and pull chatter
		}
		configureReaper()
		host := os.Getenv("DOCKER_HOST")
		if os.Getenv("TESTCONTAINERS_HOST_OVERRIDE") == "" && (host == "" || strings.HasPrefix(host, "unix://")) {
			os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")
		}
	})
}

// Hostname is the value of LabelHost for runs started by this process.
func Hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return h
}

// Client returns a client for the Docker engine, after checking that the engine
// answers. The error says how to get one when none does.
//
// When DOCKER_HOST names an engine, only that engine will do: testcontainers
// would otherwise fall back silently to /var/run/docker.sock when nothing
// answers there, and run everything on an engine the user did not choose.
// The check takes at most answerWithin, so that an address that swallows
// packets fails as promptly as a socket nobody listens on.
func Client(ctx context.Context) (*testcontainers.DockerClient, error) {
	Configure()
	ctx, cancel := context.WithTimeout(ctx, answerWithin)
	defer cancel()
	if host := os.Getenv("DOCKER_HOST"); host != "" && readProperties()["tc.host"] == "" {
		if err := ping(ctx, host); err != nil {
			return nil, noEngine(err)
		}
	}
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return nil, noEngine(err)
	}
	if _, err := cli.Ping(ctx, client.PingOptions{}); err != nil {
		cli.Close()
		return nil, noEngine(err)
	}
	return cli, nil
}

// answerWithin bounds how long Client waits for the engine to answer.
const answerWithin = 10 * time.Second

// ping asks the engine at host (a DOCKER_HOST value) whether it answers.
func ping(ctx context.Context, host string) error {
	cli, err := client.New(client.FromEnv, client.WithHost(host))
	if err != nil {
		return err
	}
	defer cli.Close()
	_, err = cli.Ping(ctx, client.PingOptions{})
	return err
}

// engineHost is the address of the engine Tandem uses, as DOCKER_HOST says it.
func engineHost() string {
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		return h
	}
	return "unix:///var/run/docker.sock"
}

func noEngine(err error) error {
	return fmt.Errorf("no Docker engine answers at %s (%v); run `tandem setup` (`make setup` in Tandem's repository), which starts one (and installs docker.io on Debian as root), or start Docker yourself", engineHost(), err)
}

// ImageExists reports whether ref is present in the engine's image store.
func ImageExists(ctx context.Context, cli *testcontainers.DockerClient, ref string) (bool, error) {
	_, err := cli.ImageInspect(ctx, ref)
	if err == nil {
		return true, nil
	}
	if isNotFound(err) {
		return false, nil
	}
	return false, fmt.Errorf("inspect image %s: %w", ref, err)
}

func isNotFound(err error) bool {
	return cerrdefs.IsNotFound(err)
}
