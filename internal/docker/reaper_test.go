package docker

import (
	"maps"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func TestReaperImageIsWhatTestcontainersAsksFor(t *testing.T) {
	if ReaperImage != "testcontainers/ryuk:0.14.0" || ReaperBuild != "tandem.local/testcontainers/ryuk:0.14.0" {
		t.Errorf("ReaperImage = %s, ReaperBuild = %s; scripts/setup.sh (step_reaper_image) and the README name testcontainers/ryuk:0.14.0 and tandem.local/testcontainers/ryuk:0.14.0",
			ReaperImage, ReaperBuild)
	}
}

func TestDecideReaper(t *testing.T) {
	const (
		ours  = "testcontainers/ryuk:0.14.0"              // the tag setup puts on our build
		build = "tandem.local/testcontainers/ryuk:0.14.0" // our build, untagged by an older setup
	)
	tests := []struct {
		name    string
		env     map[string]string
		props   map[string]string
		images  []string
		wantSet map[string]string
		wantOn  bool
		why     string
	}{
		{"the image testcontainers asks for is here: on, with no hub prefix and a short reconnection timeout", nil, nil, []string{ours, build},
			map[string]string{"TESTCONTAINERS_RYUK_DISABLED": "false", "TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT": "5s"},
			true, "testcontainers/ryuk:0.14.0 is on this machine"},
		{"no image: off, as before", nil, nil, nil,
			map[string]string{"TESTCONTAINERS_RYUK_DISABLED": "true"}, false, "tandem setup"},
		{"only our build, not its tag: off, and says how to tag it", nil, nil, []string{build},
			map[string]string{"TESTCONTAINERS_RYUK_DISABLED": "true"}, false, "docker tag tandem.local/testcontainers/ryuk:0.14.0 testcontainers/ryuk:0.14.0"},
		{"the user turned it off", map[string]string{"TESTCONTAINERS_RYUK_DISABLED": "true"}, nil, []string{ours},
			map[string]string{}, false, "set to true"},
		{"the user turned it on", map[string]string{"TESTCONTAINERS_RYUK_DISABLED": "false"}, nil, nil,
			map[string]string{}, true, "set to false"},
		{"the user turned it off in the properties file", nil, map[string]string{"ryuk.disabled": "true"}, []string{ours},
			map[string]string{}, false, "set to true"},
		{"the user's prefix with the image there", map[string]string{"TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX": "mirror.corp/"}, nil, []string{"mirror.corp/testcontainers/ryuk:0.14.0"},
			map[string]string{"TESTCONTAINERS_RYUK_DISABLED": "false", "TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT": "5s"}, true, "mirror.corp/testcontainers/ryuk:0.14.0"},
		{"the user's prefix without the image", nil, map[string]string{"hub.image.name.prefix": "mirror.corp"}, []string{ours},
			map[string]string{"TESTCONTAINERS_RYUK_DISABLED": "true"}, false, "mirror.corp/testcontainers/ryuk:0.14.0 is not on this machine"},
		{"the user's reconnection timeout", map[string]string{"RYUK_RECONNECTION_TIMEOUT": "2s"}, nil, []string{ours},
			map[string]string{"TESTCONTAINERS_RYUK_DISABLED": "false"}, true, ""},
		{"TANDEM_KEEP=1: off", map[string]string{"TANDEM_KEEP": "1"}, nil, []string{ours},
			map[string]string{"TESTCONTAINERS_RYUK_DISABLED": "true"}, false, "TANDEM_KEEP=1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := settings{getenv: func(k string) string { return tc.env[k] }, props: tc.props}
			exists := func(ref string) bool {
				for _, i := range tc.images {
					if i == ref {
						return true
					}
				}
				return false
			}
			set, on, why := decideReaper(s, exists)
			if !maps.Equal(set, tc.wantSet) || on != tc.wantOn || !strings.Contains(why, tc.why) {
				t.Errorf("decideReaper = %v, %v, %q; want %v, %v, …%q…", set, on, why, tc.wantSet, tc.wantOn, tc.why)
			}
			if _, ok := set["TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX"]; ok {
				t.Errorf("decideReaper sets TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX, which renames every image without a registry host")
			}
		})
	}
}

func TestDecideSession(t *testing.T) {
	const pid = 4242
	tests := []struct {
		name  string
		env   map[string]string
		props map[string]string
		own   bool // a new session of this process
	}{
		{"none set: one of its own", nil, nil, true},
		{"set by the user: kept", map[string]string{"TESTCONTAINERS_SESSION_ID": "ci-42"}, nil, false},
		{"set by the user in the properties file: kept", nil, map[string]string{"session.id": "ci-42"}, false},
		{"inherited from a Tandem parent: one of its own",
			map[string]string{"TESTCONTAINERS_SESSION_ID": "tandem-1-abcd", sessionOwner: "1"}, nil, true},
		{"chosen by this process: kept",
			map[string]string{"TESTCONTAINERS_SESSION_ID": "tandem-4242-abcd", sessionOwner: "4242"}, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set := decideSession(settings{getenv: func(k string) string { return tc.env[k] }, props: tc.props}, pid)
			if !tc.own {
				if set != nil {
					t.Errorf("set %v, want nothing", set)
				}
				return
			}
			if !strings.HasPrefix(set["TESTCONTAINERS_SESSION_ID"], "tandem-4242-") || set[sessionOwner] != "4242" {
				t.Errorf("set %v, want a session tandem-4242-… owned by 4242", set)
			}
		})
	}
}

func TestProcessRunning(t *testing.T) {
	if !ProcessRunning(os.Getpid()) {
		t.Error("this process does not run")
	}
	done := exec.Command("true")
	if err := done.Run(); err != nil {
		t.Fatal(err)
	}
	if ProcessRunning(done.Process.Pid) {
		t.Errorf("process %d, waited for, still runs", done.Process.Pid)
	}
	zombie := exec.Command("sleep", "60")
	if err := zombie.Start(); err != nil {
		t.Fatal(err)
	}
	zombie.Process.Kill()
	// Not waited for yet: a zombie until Wait.
	for i := 0; i < 100 && ProcessRunning(zombie.Process.Pid); i++ {
		exec.Command("sleep", "0.01").Run()
	}
	if ProcessRunning(zombie.Process.Pid) {
		t.Errorf("killed process %d (a zombie) still runs", zombie.Process.Pid)
	}
	zombie.Wait()
	if ProcessRunning(0) || ProcessRunning(-1) {
		t.Error("pid 0 or -1 runs")
	}
}

func TestRunAlive(t *testing.T) {
	running := func(pid int) bool { return pid == 7 }
	tests := []struct {
		run   Run
		alive bool
		why   string
	}{
		{Run{PID: 7, Host: "here"}, true, "process 7 still runs"},
		{Run{PID: 8, Host: "here"}, false, "process 8 is gone"},
		{Run{PID: 8}, false, "process 8 is gone"},
		{Run{PID: 8, Host: "there"}, true, "started on host there"},
		{Run{Host: "here"}, false, "names no process"},
	}
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.run.PID)+"@"+tc.run.Host, func(t *testing.T) {
			alive, why := tc.run.Alive("here", running)
			if alive != tc.alive || !strings.Contains(why, tc.why) {
				t.Errorf("Alive = %v, %q; want %v, …%q…", alive, why, tc.alive, tc.why)
			}
		})
	}
}
