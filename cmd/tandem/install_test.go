package main

// Tandem outside its repository: `make install`, then the installed binary
// run from another folder with no clone and no Pact library behind it.

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/internal/imagetest"
	"github.com/tandem-harness/tandem/internal/pactffi"
)

// installSystem is a small system in a team's own folder: a provider and
// its consumer.
const installSystem = `name: team
services:
  echo:
    image: tandem.local/install-echo:1.0
    ports: ["8080"]
    x-tandem:
      port: 8080
      ready: {http: /health, timeout: 30s}
  client:
    image: tandem.local/install-echo:1.0
    ports: ["8080"]
    x-tandem:
      port: 8080
      ready: {http: /health, timeout: 30s}
`

// installPact is a pact the echo service honours.
const installPact = `{
  "consumer": {"name": "client"}, "provider": {"name": "echo"},
  "interactions": [{
    "description": "a login",
    "request": {"method": "POST", "path": "/login", "headers": {"Content-Type": "application/json"}, "body": {"user": "bob"}},
    "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"user": "bob", "version": "1.0"}}
  }],
  "metadata": {"pactSpecification": {"version": "3.0.0"}}
}
`

// TestInstalledTandemRunsWithoutTheClone installs Tandem from a copy of this
// clone with `make install PREFIX=…`, deletes the copy, and runs the
// installed binary from a folder outside any repository, as a new user
// would: --help and up with no Pact library anywhere it looks, then
// `tandem setup`, contracts verify, and tandem verify driven by the
// tandem.yaml that tandem init wrote.
func TestInstalledTandemRunsWithoutTheClone(t *testing.T) {
	root := imagetest.Root()
	image := imagetest.BuildGo(t, "./cmd/tandem/testdata/secrets/echo", "tandem.local/install-echo", "1.0")

	prefix := t.TempDir()
	clone := filepath.Join(t.TempDir(), "clone")
	copyTracked(t, root, clone)
	make := exec.Command("make", "install", "PREFIX="+prefix)
	make.Dir = clone
	if out, err := make.CombinedOutput(); err != nil {
		t.Fatalf("make install PREFIX=%s: %v\n%s", prefix, err, out)
	}
	if err := os.RemoveAll(clone); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(prefix, "bin", "tandem")
	if out, err := exec.Command("go", "version", "-m", bin).CombinedOutput(); err != nil || !strings.Contains(string(out), "CGO_ENABLED=0") {
		t.Errorf("the installed binary is not built with CGO_ENABLED=0 (go version -m: %v):\n%s", err, out)
	}

	// A team's folder, and a home with nothing of Tandem's in it.
	project := t.TempDir()
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(project, "compose.yaml"), []byte(installSystem), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(project, "client-echo.json"), []byte(installPact), 0o644); err != nil {
		t.Fatal(err)
	}
	env := userEnv(home)
	tandem := func(args ...string) (int, string, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = project, env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if cmd.ProcessState == nil {
			t.Fatalf("run tandem %s: %v", strings.Join(args, " "), err)
		}
		return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
	}

	t.Run("help with no Pact library", func(t *testing.T) {
		code, stdout, stderr := tandem("--help")
		if code != 0 || !strings.Contains(stdout, "Usage: tandem COMMAND") {
			t.Fatalf("tandem --help: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
	})

	t.Run("up with no Pact library", func(t *testing.T) {
		runID := fmt.Sprintf("clitest-install-%d", time.Now().UnixNano())
		up := startChildAt(t, project, "installed tandem up", userEnvOverrides(home), []string{runID}, bin, "up", "-f", "compose.yaml", "--run-id", runID, "--out", "out-up")
		url := printedEndpoint(up.waitLine(t, "up in ", 3*time.Minute), "echo")
		if url == "" {
			t.Fatalf("up printed no endpoint for echo; %s", up.output())
		}
		resp, err := http.Post(url+"/login", "application/json", strings.NewReader(`{"user":"bob"}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"version":"1.0"`) {
			t.Fatalf("POST %s/login = %d %s, want 200 from %s", url, resp.StatusCode, body, image)
		}
		sent := up.signal(t, syscall.SIGINT)
		up.waitExit(t, 2*time.Minute)
		goneWithin(t, runID, sent, 2*time.Minute)
	})

	if code, _, stderr := tandem("contracts", "publish", "--dir", "contracts", "--consumer", "client", "--version", "1.0", "--branch", "main", "-f", "compose.yaml", "client-echo.json"); code != 0 {
		t.Fatalf("tandem contracts publish: exit %d\n%s", code, stderr)
	}

	t.Run("contracts verify says how to get the missing library", func(t *testing.T) {
		code, _, stderr := tandem("contracts", "verify", "--dir", "contracts", "--provider", "echo", "-f", "compose.yaml", "--out", "out-nolib")
		if code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
		for _, want := range []string{"libpact_ffi.so) is not on this machine", "TANDEM_PACT_FFI: not set", filepath.Join(home, ".local/share/tandem/lib/libpact_ffi.so"), "`tandem setup`", "npm pack @pact-foundation/pact-core-linux-x64-glibc@20.1.0"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
		// It says so before it starts the provider.
		if _, err := os.Stat(filepath.Join(project, "out-nolib", "runs")); !os.IsNotExist(err) {
			t.Errorf("contracts verify started the provider before it found the Pact library missing (out-nolib/runs: %v)", err)
		}
	})

	t.Run("contracts verify with the library where tandem setup puts it", func(t *testing.T) {
		src, err := pactffi.Locate()
		if err != nil {
			t.Fatalf("this test copies the Pact library of this machine; run `make setup`: %v", err)
		}
		// What a user runs once: npm is not asked (tests reach no registry),
		// the machine's library is installed with --pact-ffi.
		code, stdout, stderr := tandem("setup", "--pact-ffi", src)
		if code != 0 {
			t.Fatalf("tandem setup: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		for _, want := range []string{
			"tandem setup: docker     using running engine",
			"tandem setup: pact ffi   installed " + filepath.Join(home, ".local", "share", "tandem", "lib", pactffi.LibraryFile),
			"tandem setup: reaper", "tandem setup: toxiproxy", "tandem setup: done in",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("tandem setup printed no %q:\n%s", want, stdout)
			}
		}
		code, stdout, stderr = tandem("contracts", "verify", "--dir", "contracts", "--provider", "echo", "-f", "compose.yaml", "--provider-version", "1.0", "--out", "out")
		if code != 0 {
			t.Fatalf("tandem contracts verify: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		// Verified, not a pending failure (which also exits 0).
		if !strings.Contains(stdout, "echo 1.0: 1 verified, 0 failed") {
			t.Errorf("contracts verify did not verify the interaction:\n%s", stdout)
		}
		junit, err := os.ReadFile(filepath.Join(project, "out", "contracts-echo.xml"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(junit), `failures="0"`) || strings.Contains(string(junit), "<skipped") || !strings.Contains(string(junit), "a login") {
			t.Errorf("the JUnit file does not show the interaction verified:\n%s", junit)
		}
	})

	t.Run("verify driven by the tandem.yaml that init wrote", func(t *testing.T) {
		if code, stdout, stderr := tandem("init"); code != 0 {
			t.Fatalf("tandem init: exit %d\n%s%s", code, stdout, stderr)
		}
		text, err := os.ReadFile(filepath.Join(project, "tandem.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		// The team declares its consumer, whose command writes its pact.
		declared := strings.Replace(string(text), "consumers: []\n", "consumers:\n  - name: client\n    command: cp client-echo.json \"$TANDEM_PACT_DIR\"\n", 1)
		if declared == string(text) {
			t.Fatalf("tandem init wrote no consumers line:\n%s", text)
		}
		if err := os.WriteFile(filepath.Join(project, "tandem.yaml"), []byte(declared), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := tandem("verify", "--out", "out-verify")
		if code != 0 {
			t.Fatalf("tandem verify: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		for _, want := range []string{"consumer pacts", "contracts echo", "echo 1.0: 1 verified, 0 failed", "PASSED"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("tandem verify printed no %q:\n%s", want, stdout)
			}
		}
		if _, err := os.Stat(filepath.Join(project, "out-verify", "report.html")); err != nil {
			t.Errorf("no release report: %v", err)
		}
	})
}

// userEnv is this process's environment as a new user's shell has it: HOME
// is home, and nothing points at a Pact library or at this clone.
func userEnv(home string) []string {
	return append(os.Environ(), userEnvOverrides(home)...)
}

// userEnvOverrides are the variables userEnv sets over this process's (the
// last value of a variable wins): empty is unset for each of them.
func userEnvOverrides(home string) []string {
	return []string{"HOME=" + home, pactffi.EnvLibrary + "=", "XDG_DATA_HOME=", "LD_LIBRARY_PATH=", "CGO_LDFLAGS="}
}

// copyTracked copies the files git tracks in root (with their changes in the
// work tree, and new files not ignored) to dst: a clone without .tandem,
// bin or out.
func copyTracked(t *testing.T, root, dst string) {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, rel)
		fi, err := os.Lstat(src)
		if os.IsNotExist(err) {
			continue // deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		copyFile(t, src, filepath.Join(dst, rel))
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, fi.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
}

// TestModuleImportingTandemBuildsWithoutCgo builds a team's module that
// imports every package of Tandem outside internal/ (the library teams' suites
// use) with CGO_ENABLED=0, through a replace to this clone and from the
// module cache alone (GOPROXY=off), and runs it.
func TestModuleImportingTandemBuildsWithoutCgo(t *testing.T) {
	root := imagetest.Root()
	list := exec.Command("go", "list", "-f", "{{if ne .Name \"main\"}}{{.ImportPath}}{{end}}", "./...")
	list.Dir = root
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const module = "github.com/tandem-harness/tandem/"
	var pkgs []string
	listed := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		rel := strings.TrimPrefix(p, module)
		if strings.Contains("/"+rel+"/", "/internal/") || strings.HasPrefix(rel, "fixtures/") || strings.HasPrefix(rel, "suites/") {
			continue // not importable, or the reference shop's own code
		}
		pkgs = append(pkgs, p)
		listed[rel] = true
	}
	for _, must := range []string{"harness/contract", "harness/env", "harness/system", "harness/link", "harness/traffic"} {
		if !listed[must] {
			t.Fatalf("go list does not list %s%s: update this test (packages: %s)", module, must, strings.Join(pkgs, " "))
		}
	}

	mod := t.TempDir()
	goMod := "module example.com/team\n\ngo 1.26.0\n\nrequire github.com/tandem-harness/tandem v0.0.0\n\nreplace github.com/tandem-harness/tandem => " + root + "\n"
	var src strings.Builder
	src.WriteString("// Command team is a team's program that imports Tandem's packages.\npackage main\n\nimport (\n\t\"fmt\"\n\n")
	for _, p := range pkgs {
		fmt.Fprintf(&src, "\t_ %q\n", p)
	}
	src.WriteString(")\n\nfunc main() { fmt.Println(\"team built without cgo\") }\n")
	copyFile(t, filepath.Join(root, "go.sum"), filepath.Join(mod, "go.sum"))
	for name, text := range map[string]string{"go.mod": goMod, "main.go": src.String()} {
		if err := os.WriteFile(filepath.Join(mod, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	bin := filepath.Join(t.TempDir(), "team")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = mod
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "CC=/nonexistent/cc")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build of a module importing %d Tandem packages: %v\n%s\nmain.go:\n%s", len(pkgs), err, out, src.String())
	}
	run := exec.Command(bin)
	run.Env = userEnv(t.TempDir())
	if out, err := run.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "team built without cgo" {
		t.Fatalf("run the team's program: %v\n%s", err, out)
	}
}
