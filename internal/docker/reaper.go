package docker

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/tandem-harness/tandem/internal/reaper"
)

// ReaperImage is the image testcontainers starts as its reaper: the constant
// testcontainers/ryuk:0.14.0 with testcontainers-go v0.45.0. It cannot be
// pulled here, so `tandem setup` builds Tandem's reaper (`tandem reaper`, the Ryuk
// protocol) as ReaperBuild and tags it under this name too; testcontainers
// does not pull an image that is already on the engine. No other image name
// is touched: Tandem sets no hub prefix, which testcontainers would put in
// front of every image named without a registry host (team/app:1.0,
// foreign-proxy, docker.io/library/postgres:15).
//
//nolint:staticcheck // The deprecated variable is the only exported name of the image testcontainers starts.
var ReaperImage = testcontainers.ReaperDefaultImage

// ReaperBuild is the name `tandem setup` builds Tandem's reaper under, in
// Tandem's local image namespace, before tagging it as ReaperImage.
var ReaperBuild = "tandem.local/" + ReaperImage

// sessionOwner names the environment variable that records which process
// chose TESTCONTAINERS_SESSION_ID, so that child processes (the suites that
// `tandem verify` runs) choose their own instead of inheriting it.
const sessionOwner = "TANDEM_SESSION_PID"

// reaperState is what Configure decided, for ReaperStatus.
var reaperState struct {
	on  bool
	why string
}

// ReaperStatus says whether testcontainers' reaper is on in this process and
// why. It calls Configure.
func ReaperStatus() (on bool, why string) {
	Configure()
	return reaperState.on, reaperState.why
}

// settings are the testcontainers settings a user can make: environment
// variables win over ~/.testcontainers.properties, as in testcontainers.
type settings struct {
	getenv func(string) string
	props  map[string]string
}

func (s settings) user(envs []string, prop string) (string, bool) {
	for _, e := range envs {
		if v := s.getenv(e); v != "" {
			return v, true
		}
	}
	v, ok := s.props[prop]
	return v, ok && v != ""
}

// decideReaper returns the environment variables to set so that
// testcontainers' reaper runs when Tandem's reaper image is on this machine,
// and why. What the user set is left alone.
func decideReaper(s settings, imageExists func(ref string) bool) (set map[string]string, on bool, why string) {
	set = map[string]string{}
	if v, ok := s.user([]string{"TESTCONTAINERS_RYUK_DISABLED"}, "ryuk.disabled"); ok {
		disabled, _ := strconv.ParseBool(v)
		return set, !disabled, "TESTCONTAINERS_RYUK_DISABLED (or ryuk.disabled) is set to " + v
	}
	if s.getenv("TANDEM_KEEP") == "1" {
		set["TESTCONTAINERS_RYUK_DISABLED"] = "true"
		return set, false, "TANDEM_KEEP=1: a kept environment must outlive the process, so the reaper is off; `tandem down` removes leftovers"
	}
	image := ReaperImage
	if prefix, ok := s.user([]string{"TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX"}, "hub.image.name.prefix"); ok {
		// The user's prefix, which testcontainers puts in front of the reaper's image too.
		image = strings.TrimSuffix(prefix, "/") + "/" + ReaperImage
	}
	if !imageExists(image) {
		set["TESTCONTAINERS_RYUK_DISABLED"] = "true"
		fix := "`tandem setup` builds it"
		if image == ReaperImage && imageExists(ReaperBuild) {
			fix = fmt.Sprintf("`tandem setup` tags it, or `docker tag %s %s`", ReaperBuild, ReaperImage)
		}
		return set, false, fmt.Sprintf("the reaper image %s is not on this machine (%s); `tandem down` removes leftovers", image, fix)
	}
	set["TESTCONTAINERS_RYUK_DISABLED"] = "false"
	if _, ok := s.user([]string{"RYUK_RECONNECTION_TIMEOUT", "TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT"}, "ryuk.reconnection.timeout"); !ok {
		// testcontainers passes its own default (10 s) when a properties file
		// exists; Tandem's is shorter so that a killed run is gone within 15 s.
		set["TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT"] = reaper.DefaultReconnectionTimeout.String()
	}
	return set, true, "the reaper image " + image + " is on this machine"
}

// decideSession gives this process a testcontainers session of its own, so
// that its reaper removes its resources as soon as it is gone, whatever other
// processes of the same run do (testcontainers' default session is shared by
// every child of the same parent process: all packages of `go test ./...`,
// all processes of `ginkgo -p`). A session id the user set is kept.
func decideSession(s settings, pid int) map[string]string {
	id, owner := s.getenv("TESTCONTAINERS_SESSION_ID"), s.getenv(sessionOwner)
	if id != "" && owner == "" {
		return nil // the user's
	}
	if id == "" && owner == "" && s.props["session.id"] != "" {
		return nil // the user's
	}
	if id != "" && owner == strconv.Itoa(pid) {
		return nil
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return map[string]string{
		"TESTCONTAINERS_SESSION_ID": fmt.Sprintf("tandem-%d-%s", pid, hex.EncodeToString(b)),
		sessionOwner:                strconv.Itoa(pid),
	}
}

// configureReaper applies decideReaper and decideSession to the process
// environment, before testcontainers reads it.
func configureReaper() {
	s := settings{getenv: os.Getenv, props: readProperties()}
	set, on, why := decideReaper(s, localImageExists)
	for k, v := range decideSession(s, os.Getpid()) {
		set[k] = v
	}
	for k, v := range set {
		os.Setenv(k, v)
	}
	reaperState.on, reaperState.why = on, why
	if os.Getenv("TANDEM_DEBUG") == "1" {
		state := "off"
		if on {
			state = "on"
		}
		fmt.Fprintf(os.Stderr, "tandem: reaper %s: %s\n", state, why)
	}
}

// localImageExists asks the engine, briefly, whether ref is in its image store.
// Any failure counts as no: the reaper stays off, as it always was.
func localImageExists(ref string) bool {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return false
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, err = cli.ImageInspect(ctx, ref)
	return err == nil
}

// readProperties reads ~/.testcontainers.properties (key=value or key: value
// lines), which testcontainers reads too. A missing file is no settings.
func readProperties() map[string]string {
	props := map[string]string{}
	home, err := os.UserHomeDir()
	if err != nil {
		return props
	}
	f, err := os.Open(filepath.Join(home, ".testcontainers.properties"))
	if err != nil {
		return props
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i < 0 {
			continue
		}
		props[strings.TrimSpace(line[:i])] = strings.TrimSpace(line[i+1:])
	}
	return props
}
