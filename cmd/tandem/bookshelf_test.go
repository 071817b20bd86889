package main

// The bookshelf (fixtures/bookshelf), a system kept as an outside team
// would keep it, verified by the installed tandem in a copy outside this
// repository.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/tandem-harness/tandem/internal/docker"
	"github.com/tandem-harness/tandem/internal/imagetest"
	"github.com/tandem-harness/tandem/internal/pactffi"
)

// TestTheBookshelfVerifiesOutsideTheRepository installs tandem, copies
// fixtures/bookshelf to a folder outside this repository and runs the
// installed `tandem verify` there, as the team's CI would: web's pact-js
// tests write their pact, books verifies it, the parallel run and the
// canary of books 1.1 pass, the team's Ginkgo suite (its own module, which
// imports Tandem's library) passes, can-i-deploy answers. Then a change to
// books breaks web's pact: the same run exits 1 and its report names the
// field.
func TestTheBookshelfVerifiesOutsideTheRepository(t *testing.T) {
	root := imagetest.Root()
	npmModules := bookshelfNeeds(t, root)
	lib, err := pactffi.Locate()
	if err != nil {
		t.Fatalf("the bookshelf's contracts are verified with the Pact library; run `make setup`: %v", err)
	}

	prefix := t.TempDir()
	install := exec.Command("make", "install", "PREFIX="+prefix)
	install.Dir = root
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("make install PREFIX=%s: %v\n%s", prefix, err, out)
	}
	bin := filepath.Join(prefix, "bin", "tandem")

	// The team's repository: the fixture with its images named for this
	// run, Tandem's library taken from this clone, pact-js from the
	// machine's copy (a test reaches no registry: no npm install).
	dir := filepath.Join(t.TempDir(), "bookshelf")
	copyFolder(t, root, "fixtures/bookshelf", dir)
	image := "bookshelf/books-" + randomSuffix(t)
	for _, f := range []string{"compose.yaml", "tandem.yaml"} {
		editFile(t, filepath.Join(dir, f), "bookshelf/books:", image+":")
	}
	editFile(t, filepath.Join(dir, "e2e", "go.mod"), "=> ../../..", "=> "+root)
	if err := os.Symlink(npmModules, filepath.Join(dir, "web", "node_modules")); err != nil {
		t.Fatal(err)
	}
	gitIn(t, dir, "init", "-q", "-b", "main")
	commitAll(t, dir, "the bookshelf")

	t.Cleanup(func() { removeImages(t, image+":1.0", image+":1.1") })
	buildBooks(t, dir, image, "1.0 1.1")

	env := []string{
		"TANDEM_PACT_FFI=" + lib, "PACT_DO_NOT_TRACK=true",
		// The suite's module builds from the module cache alone.
		"GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off",
	}
	verify := func(out string) (int, string) {
		t.Helper()
		start := time.Now()
		cmd := exec.Command(bin, "verify", "--out", out)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
		output, err := cmd.CombinedOutput()
		if cmd.ProcessState == nil {
			t.Fatalf("run %s verify: %v", bin, err)
		}
		t.Logf("tandem verify --out %s: exit %d in %s", out, cmd.ProcessState.ExitCode(), time.Since(start).Round(time.Second))
		left := processResources(t, cmd.ProcessState.Pid())
		left = append(left, containersOf(t, image+":1.0", image+":1.1")...) // the suite's too
		if len(left) > 0 {
			t.Errorf("tandem verify --out %s left %s behind", out, strings.Join(left, ", "))
		}
		return cmd.ProcessState.ExitCode(), string(output)
	}

	code, output := verify("out")
	if code != 0 {
		t.Fatalf("tandem verify of the bookshelf: exit %d, want 0\n%s", code, output)
	}
	sum := readSummary(t, filepath.Join(dir, "out", "summary.json"))
	for _, step := range []string{"consumer pacts", "publish pacts", "contracts books", "parallel run books", "canary books", "suites", "can-i-deploy"} {
		s, ok := sum.steps[step]
		if !ok || !s.Passed {
			t.Errorf("summary.json: step %q is %+v (found: %t), want passed; steps: %+v", step, s, ok, sum.Steps)
		}
	}
	if s := sum.steps["contracts books"]; !strings.Contains(s.Detail, "3 verified, 0 failed") {
		t.Errorf("contracts books: %q, want web's 3 interactions verified", s.Detail)
	}
	// What tandem ran itself (one spec per interaction, per parallel run,
	// per canary), then the team's suite.
	var suites []string
	for _, s := range sum.Suites {
		suites = append(suites, fmt.Sprintf("%s %d %t", s.Path, s.Specs, s.Passed))
	}
	if want := "contracts 3 true, parallelrun 1 true, canary 1 true, journeys 3 true"; strings.Join(suites, ", ") != want {
		t.Errorf("summary.json suites: %s, want %s", strings.Join(suites, ", "), want)
	}
	// What pact-js wrote, as published to the team's store.
	pacts, _ := filepath.Glob(filepath.Join(dir, "contracts", "pacts", "*", "*", "*.json"))
	if len(pacts) != 1 {
		t.Fatalf("the team's store holds pacts %v, want web's one", pacts)
	}
	var pact struct {
		Consumer, Provider struct{ Name string }
		Interactions       []struct{ Description string }
		Metadata           struct {
			PactJS            struct{ Version string } `json:"pact-js"`
			PactSpecification struct{ Version string }
		}
	}
	if err := json.Unmarshal([]byte(readFile(t, pacts[0])), &pact); err != nil {
		t.Fatalf("read %s: %v", pacts[0], err)
	}
	if pact.Consumer.Name != "web" || pact.Provider.Name != "books" || len(pact.Interactions) != 3 ||
		pact.Metadata.PactJS.Version != "16.5.0" || pact.Metadata.PactSpecification.Version != "4.0" {
		t.Errorf("%s is not web's V4 pact of 3 interactions with books written by pact-js 16.5.0: %+v", pacts[0], pact)
	}
	// 1.1 announces its version: a difference the ignore rule drops.
	var diffs struct {
		Report struct {
			Requests, Reported int
			Ignored            []struct {
				Rule string
				Raw  int
			}
		}
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "out", "parallelrun", "books", "diff.json"))), &diffs); err != nil {
		t.Fatal(err)
	}
	if r := diffs.Report; r.Requests != 3 || r.Reported != 0 || !slices.ContainsFunc(r.Ignored, func(i struct {
		Rule string
		Raw  int
	}) bool {
		return i.Rule == "path:body.version" && i.Raw == 1
	}) {
		t.Errorf("parallelrun/books/diff.json: %+v, want web's 3 requests, nothing reported, body.version ignored once", r)
	}
	if c := readFile(t, filepath.Join(dir, "out", "canary", "books", "canary.json")); !strings.Contains(c, `"verdict":"Pass"`) {
		t.Errorf("canary/books/canary.json is no Pass:\n%.2000s", c)
	}
	page := readFile(t, filepath.Join(dir, "out", "report.html"))
	for _, want := range []string{"contracts books", "books: 0 fields differ", "books: Pass", "a reader", "opens the first book"} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}

	// A developer renames books' title field; the image is rebuilt under
	// the version the system runs. web's pact no longer holds.
	editFile(t, filepath.Join(dir, "books", "shelf.go"), "`json:\"title\"`", "`json:\"name\"`")
	commitAll(t, dir, "books: title is now name")
	removeImages(t, image+":1.0") // not left behind untagged by the rebuild
	buildBooks(t, dir, image, "1.0")
	code, output = verify("out-broken")
	if code != 1 {
		t.Fatalf("tandem verify with web's pact broken: exit %d, want 1\n%s", code, output)
	}
	sum = readSummary(t, filepath.Join(dir, "out-broken", "summary.json"))
	mismatch := "Actual map is missing the following keys: title"
	if s := sum.steps["contracts books"]; s.Passed || !strings.Contains(s.Error, mismatch) {
		t.Errorf("summary.json: contracts books is %+v, want failed, naming the field title", s)
	}
	page = readFile(t, filepath.Join(dir, "out-broken", "report.html"))
	for _, want := range []string{"contracts books", "a request for book 1", mismatch,
		// The parallel run failed too (1.0 now differs from 1.1): never green.
		`<a href="#parallel-run">Parallel run</a></td><td class="fail">`} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html of the broken run lacks %q", want)
		}
	}
}

// bookshelfNeeds fails the test, saying what to do, when the machine lacks
// what the bookshelf needs: a Docker engine, Node, and pact-js where `make
// setup` puts it. It returns pact-js's node_modules folder.
func bookshelfNeeds(t *testing.T, root string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cli, err := docker.Client(ctx)
	if err != nil {
		t.Fatalf("the bookshelf runs in containers: %v", err)
	}
	cli.Close()
	for _, tool := range []string{"node", "npm", "docker", "git", "make"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the bookshelf needs %s on the PATH: %v", tool, err)
		}
	}
	npmDir := os.Getenv("TANDEM_NPM_DIR")
	if npmDir == "" {
		npmDir = filepath.Join(root, ".tandem", "npm")
	}
	modules, err := filepath.Abs(filepath.Join(npmDir, "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(modules, "@pact-foundation", "pact", "package.json")); err != nil {
		t.Fatalf("the bookshelf's web tests use pact-js from %s; run `make setup`, which installs it: %v", modules, err)
	}
	return modules
}

// bookshelfSummary is what the test reads of summary.json.
type bookshelfSummary struct {
	Steps  []bookshelfStep `json:"steps"`
	Suites []struct {
		Name   string
		Path   string
		Specs  int
		Passed bool
	} `json:"suites"`
	steps map[string]bookshelfStep
}

type bookshelfStep struct {
	Name, Detail, Error string
	Passed              bool
}

func readSummary(t *testing.T, file string) bookshelfSummary {
	t.Helper()
	var s bookshelfSummary
	if err := json.Unmarshal([]byte(readFile(t, file)), &s); err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	s.steps = map[string]bookshelfStep{}
	for _, st := range s.Steps {
		s.steps[st.Name] = st
	}
	return s
}

// copyFolder copies the files git has (tracked, or new and not ignored)
// under rel in root to dst: no node_modules, pacts or out.
func copyFolder(t *testing.T, root, rel, dst string) {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", rel).Output()
	if err != nil {
		t.Fatalf("git ls-files %s: %v", rel, err)
	}
	n := 0
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if fi, err := os.Lstat(filepath.Join(root, f)); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		copyFile(t, filepath.Join(root, f), filepath.Join(dst, strings.TrimPrefix(f, rel+"/")))
		n++
	}
	if n == 0 {
		t.Fatalf("%s has no files", rel)
	}
}

// editFile replaces every old in file with new; old must occur.
func editFile(t *testing.T, file, old, new string) {
	t.Helper()
	text := readFile(t, file)
	if !strings.Contains(text, old) {
		t.Fatalf("%s no longer contains %q; update the test", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.ReplaceAll(text, old, new)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.email=team@example.com", "-c", "user.name=team"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func commitAll(t *testing.T, dir, message string) {
	t.Helper()
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", message)
}

// buildBooks runs the bookshelf's own build script for the versions given.
func buildBooks(t *testing.T, dir, image, versions string) {
	t.Helper()
	cmd := exec.Command("./build.sh")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "IMAGE="+image, "VERSIONS="+versions)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("IMAGE=%s VERSIONS=%q ./build.sh: %v\n%s", image, versions, err, out)
	}
}

func removeImages(t *testing.T, images ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cli, err := docker.Client(ctx)
	if err != nil {
		t.Errorf("remove %s: %v", strings.Join(images, ", "), err)
		return
	}
	defer cli.Close()
	for _, img := range images {
		if _, err := cli.ImageRemove(ctx, img, client.ImageRemoveOptions{Force: true, PruneChildren: true}); err != nil {
			t.Errorf("remove image %s: %v", img, err)
		}
	}
}

// containersOf lists the containers, running or not, of the images given.
func containersOf(t *testing.T, images ...string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cli, err := docker.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	f := client.Filters{}
	for _, img := range images {
		f = f.Add("ancestor", img)
	}
	ctrs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, c := range ctrs.Items {
		left = append(left, fmt.Sprintf("container %s (%s, %s)", strings.Join(c.Names, ","), c.Image, c.State))
	}
	return left
}

func randomSuffix(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
