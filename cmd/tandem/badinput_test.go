package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// badInput is one row of the README's troubleshooting list: a mistake a user
// makes, the command they run, and what Tandem must answer.
type badInput struct {
	name string
	// args runs the built tandem; files are made by setup in dir first.
	args  func(dir string) []string
	setup func(t *testing.T, dir string)
	env   []string
	code  int
	want  []string // the cause and the fix, in stderr
	// store is a folder that must be byte-identical afterwards (relative to dir).
	store string
}

// badInputRows are the rows run by TestBadInputGetsAClearAnswerAndLeavesNothing,
// with bin the tandem binary their setups run.
func badInputRows(bin string) []badInput {
	sysTestdata := "../../harness/system/testdata/"
	pub := func(dir string, extra ...string) []string {
		return append([]string{"contracts", "publish", "--dir", filepath.Join(dir, "store"), "-f", shop}, extra...)
	}
	seedStore := func(t *testing.T, dir string) {
		code, _, stderr, _ := runTandem(t, bin, nil, pub(dir, "--consumer", "gateway", "--version", "1.0", "testdata/pacts/gateway-catalog.json")...)
		if code != 0 {
			t.Fatalf("seed the store: exit %d: %s", code, stderr)
		}
	}
	write := func(name, content string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	up := func(dir, file string) []string { return []string{"up", "-f", file, "--out", dir} }
	return []badInput{
		// Compose files.
		{name: "compose/YAML syntax", code: 1,
			args: func(dir string) []string { return up(dir, sysTestdata+"syntax.yaml") },
			want: []string{"syntax.yaml", "not valid YAML", "line 3", "fix the file at that line"}},
		{name: "compose/unknown field", code: 1,
			args: func(dir string) []string { return up(dir, "testdata/unknown-field.yaml") },
			want: []string{"services.catalog", `unknown field "enviroment"`, "check its spelling"}},
		{name: "compose/unsupported field", code: 1,
			setup: write("compose.yaml", "services:\n  catalog:\n    image: tandem.local/shop-catalog:1.0\n    privileged: true\n"),
			args:  func(dir string) []string { return up(dir, filepath.Join(dir, "compose.yaml")) },
			want:  []string{"compose.yaml:4", `service "catalog"`, "privileged: not supported by Tandem", "never run privileged; remove it"}},
		{name: "compose/external volume", code: 1,
			args: func(dir string) []string { return up(dir, sysTestdata+"external-volume.yaml") },
			want: []string{"external-volume.yaml:7", "volumes.data.external: not supported by Tandem", `service "db"`, "remove external: true"}},
		{name: "compose/dependency on a disabled profile", code: 1,
			setup: write("compose.yaml", "services:\n  catalog:\n    image: tandem.local/shop-catalog:1.0\n    depends_on: [debug]\n  debug:\n    image: tandem.local/shop-catalog:1.0\n    profiles: [debug]\n"),
			args:  func(dir string) []string { return up(dir, filepath.Join(dir, "compose.yaml")) },
			env:   []string{"COMPOSE_PROFILES="},
			want:  []string{"compose.yaml:4", `service "catalog" depends on service "debug"`, `profile "debug"`, "--profile debug"}},
		{name: "compose/unknown service in depends_on", code: 1,
			args: func(dir string) []string { return up(dir, sysTestdata+"unknown-dependency.yaml") },
			want: []string{`service "api" depends on undefined service "databse"`, "fix the name under depends_on"}},
		{name: "compose/dependency cycle", code: 1,
			args: func(dir string) []string { return up(dir, sysTestdata+"cycle.yaml") },
			want: []string{"dependency cycle detected: a -> b -> a", "remove one of these depends_on"}},
		{name: "compose/missing image", code: 1,
			args: func(dir string) []string { return up(dir, "testdata/missing-image.yaml") },
			want: []string{`image "tandem.local/shop-catalog:0.0-never-built" is not on this machine`, "make setup", "fix image:"}},
		{name: "compose/build needs BuildKit", code: 1,
			setup: func(t *testing.T, dir string) {
				write("Dockerfile", "FROM scratch\nRUN --mount=type=cache,target=/cache true\n")(t, dir)
				write("compose.yaml", "services:\n  app:\n    build: .\n")(t, dir)
			},
			args: func(dir string) []string { return up(dir, filepath.Join(dir, "compose.yaml")) },
			want: []string{"build app:", "Dockerfile:2: RUN --mount: BuildKit only", "COPY what the step needs into the image"}},
		{name: "compose/host port published twice", code: 1,
			args: func(dir string) []string { return up(dir, "testdata/port-twice.yaml") },
			want: []string{"host port 18080 is published twice", "gateway", "recommendations", "leave the host port out"}},
		{name: "compose/host port in use", code: 1,
			setup: func(t *testing.T, dir string) {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { l.Close() }) // held while the row runs
				write("compose.yaml", fixedPortSystem(l.Addr().(*net.TCPAddr).Port))(t, dir)
			},
			args: func(dir string) []string { return up(dir, filepath.Join(dir, "compose.yaml")) },
			want: []string{"host port", "is already in use", "leave the host port out", "or free the port"}},
		{name: "compose/service never ready", code: 1,
			args: func(dir string) []string { return up(dir, "testdata/never-healthy.yaml") },
			want: []string{"catalog did not become ready within 4s", "last answer:", "log lines of catalog", "raise x-tandem.ready.timeout"}},
		{name: "compose/service exits at start", code: 1,
			args: func(dir string) []string { return up(dir, "testdata/exits-at-start.yaml") },
			want: []string{"catalog exited with code 1 before it became ready", "log lines of catalog", "DATABASE_URL is not set", "fix its image, command or environment"}},
		{name: "compose/file missing", code: 1,
			args: func(dir string) []string { return up(dir, "testdata/nothing-here.yaml") },
			want: []string{"nothing-here.yaml does not exist", "-f"}},

		// Pact files and the contract store.
		{name: "pact/not JSON", code: 1, setup: seedStore, store: "store",
			args: func(dir string) []string {
				return pub(dir, "--consumer", "gateway", "--version", "1.1", "testdata/pacts/malformed.json")
			},
			want: []string{"malformed.json", "not a pact: invalid JSON"}},
		{name: "pact/provider not in the system", code: 1, setup: seedStore, store: "store",
			args: func(dir string) []string {
				return pub(dir, "--consumer", "gateway", "--version", "1.1", "testdata/pacts/unknown-provider.json")
			},
			want: []string{`provider "catalgo" is not a service of`, "fix the provider name"}},
		{name: "pact/no interactions", code: 1, setup: seedStore, store: "store",
			args: func(dir string) []string {
				return pub(dir, "--consumer", "gateway", "--version", "1.1", "testdata/pacts/empty-interactions.json")
			},
			want: []string{"interactions: the pact has none"}},
		{name: "pact/changed content for a published version", code: 1, setup: seedStore, store: "store",
			args: func(dir string) []string {
				return pub(dir, "--consumer", "gateway", "--version", "1.0", "testdata/pacts/gateway-catalog-changed.json")
			},
			want: []string{"a different pact is already published for this consumer version", "new consumer version", "--force"}},
		{name: "pact/one bad file among good ones", code: 1, setup: seedStore, store: "store",
			args: func(dir string) []string {
				return pub(dir, "--consumer", "gateway", "--version", "1.2", "testdata/pacts/gateway-catalog-changed.json", "testdata/pacts/malformed.json")
			},
			want: []string{"malformed.json", "invalid JSON"}},
		{name: "pact/library not where TANDEM_PACT_FFI says", code: 1, store: "store",
			setup: func(t *testing.T, dir string) {
				code, _, stderr, _ := runTandem(t, bin, nil, pub(dir, "--consumer", "gateway", "--version", "1.0", "--branch", "main", "testdata/pacts/gateway-catalog.json")...)
				if code != 0 {
					t.Fatalf("seed the store: exit %d: %s", code, stderr)
				}
			},
			env: []string{"TANDEM_PACT_FFI=/nonexistent/libpact_ffi.so"},
			args: func(dir string) []string {
				return []string{"contracts", "verify", "--dir", filepath.Join(dir, "store"), "--provider", "catalog", "-f", shop, "--out", dir}
			},
			want: []string{"TANDEM_PACT_FFI is /nonexistent/libpact_ffi.so, which is not a file", "npm pack @pact-foundation/pact-core-linux-x64-glibc@20.1.0", "unset it"}},

		// Recorded traffic.
		{name: "traffic/malformed HAR", code: 2, setup: write("bad.har", `{"log": {"entries": [`),
			args: func(dir string) []string {
				return []string{"diff", "--primary", "a", "--candidate", "b", "--traffic", filepath.Join(dir, "bad.har")}
			},
			want: []string{"bad.har", "not a HAR file"}},
		{name: "traffic/malformed JSON Lines", code: 2, setup: write("bad.jsonl", "{\"method\":\"GET\",\"path\":\"/products\"}\n{\"method\": GET}\n"),
			args: func(dir string) []string {
				return []string{"diff", "--primary", "a", "--candidate", "b", "--traffic", filepath.Join(dir, "bad.jsonl")}
			},
			want: []string{"bad.jsonl: line 2", "not a request", `expected {"method":"GET","path":"/…"}`}},
		{name: "traffic/file missing", code: 2,
			args: func(dir string) []string {
				return []string{"diff", "--primary", "a", "--candidate", "b", "--traffic", filepath.Join(dir, "none.har")}
			},
			want: []string{"none.har", "no such file", "--traffic"}},

		// Canary configuration.
		{name: "canary config/not YAML", code: 2, setup: write("canary.yaml", "metrics: [oops\n"),
			args: func(dir string) []string {
				return []string{"canary", "--baseline", "a", "--canary", "b", "--request", "GET /", "--config", filepath.Join(dir, "canary.yaml")}
			},
			want: []string{"canary.yaml: line 1", "fix the YAML syntax"}},
		{name: "canary config/invalid value", code: 2,
			setup: write("canary.yaml", "metrics:\n  - name: latency\n    analysisConfigurations:\n      canary:\n        direction: sideways\n"),
			args: func(dir string) []string {
				return []string{"canary", "--baseline", "a", "--canary", "b", "--request", "GET /", "--config", filepath.Join(dir, "canary.yaml")}
			},
			want: []string{"direction", "sideways"}},
		{name: "canary config/zero rate", code: 2,
			args: func(dir string) []string {
				return []string{"canary", "--baseline", "tandem.local/shop-catalog:1.0", "--canary", "tandem.local/shop-catalog:1.0",
					"-f", shop, "--service", "catalog", "--request", "GET /products", "--rate", "0", "--out", dir}
			},
			want: []string{"--rate"}},
		{name: "canary config/negative warm-up", code: 2,
			args: func(dir string) []string {
				return []string{"canary", "--baseline", "tandem.local/shop-catalog:1.0", "--canary", "tandem.local/shop-catalog:1.0",
					"-f", shop, "--service", "catalog", "--request", "GET /products", "--warmup", "-1s", "--out", dir}
			},
			want: []string{"a warm-up of -1s", "give zero (none) or a positive duration such as 2s"}},

		// Command lines.
		{name: "flags/unknown flag", code: 2,
			args: func(string) []string { return []string{"up", "--servcie", "catalog"} },
			want: []string{"there is no flag --servcie (did you mean --service?)", "see tandem up --help"}},
		{name: "flags/bad value", code: 2,
			args: func(string) []string { return []string{"canary", "--rate", "fast"} },
			want: []string{`invalid value "fast" for flag -rate`, "see tandem canary --help"}},
		{name: "flags/missing required flag", code: 2,
			args: func(string) []string { return []string{"contracts", "publish", "testdata/pacts/gateway-catalog.json"} },
			want: []string{"--consumer, --version and at least one pact file are required", "see tandem contracts publish --help"}},
		{name: "flags/unexpected argument", code: 2,
			args: func(string) []string { return []string{"up", "compose.yaml"} },
			want: []string{`unexpected argument "compose.yaml"`, "see tandem up --help"}},
		{name: "flags/unknown command", code: 2,
			args: func(string) []string { return []string{"launch"} },
			want: []string{`unknown command "launch"`, "tandem COMMAND --help"}},
		{name: "flags/unknown subcommand", code: 2,
			args: func(string) []string { return []string{"contracts", "pubish"} },
			want: []string{`unknown subcommand "pubish"`, "see tandem contracts --help"}},
	}
}

// Every row of the bad-input list, run as a user runs it: the real binary in a
// child process. Each must exit non-zero with a message that names the cause
// and the fix, print no stack trace, leave no container, network or volume of
// that process on the engine, and (for the contract store) change no file.
// The rows that need a stopped engine or a full disk are in engine_test.go and
// diskfull_test.go.
func TestBadInputGetsAClearAnswerAndLeavesNothing(t *testing.T) {
	bin := buildTandem(t)
	rows := badInputRows(bin)
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			dir := t.TempDir()
			if row.setup != nil {
				row.setup(t, dir)
			}
			var before string
			if row.store != "" {
				before = storeHash(t, filepath.Join(dir, row.store))
			}
			args := row.args(dir)
			begin := time.Now()
			code, _, stderr, pid := runTandem(t, bin, row.env, args...)
			took := time.Since(begin)
			if code != row.code {
				t.Errorf("tandem %s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), code, row.code, stderr)
			}
			for _, w := range row.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic:") {
				t.Errorf("stderr holds a stack trace:\n%s", stderr)
			}
			if left := processResources(t, pid); len(left) > 0 {
				t.Errorf("tandem (pid %d) left behind:\n  %s", pid, strings.Join(left, "\n  "))
			}
			if row.store != "" && storeHash(t, filepath.Join(dir, row.store)) != before {
				t.Errorf("the contract store changed")
			}
			t.Logf("exit %d in %s: %s", code, took.Round(time.Millisecond), errorLines(stderr))
		})
	}
}

// The README's troubleshooting section lists every bad input that has a test,
// under the test's name, and nothing that has none.
func TestTheREADMEListsEveryBadInput(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n### Bad input\n")
	if !ok {
		t.Fatal("README.md has no \"### Bad input\" section")
	}
	section, _, _ = strings.Cut(section, "\n#")
	listed := map[string]bool{}
	for _, l := range strings.Split(section, "\n") {
		if name, ok := strings.CutPrefix(l, "| `"); ok {
			name, _, _ = strings.Cut(name, "`")
			listed[name] = true
		}
	}
	// The rows of engine_test.go and diskfull_test.go.
	tested := []string{"engine/missing", "engine/stopped mid-run", "disk/full"}
	for _, row := range badInputRows("") {
		tested = append(tested, row.name)
	}
	for _, name := range tested {
		if !listed[name] {
			t.Errorf("README.md's troubleshooting section does not list %q: add a row for it", name)
		}
		delete(listed, name)
	}
	for name := range listed {
		t.Errorf("README.md lists %q, which no test runs", name)
	}
}

// A Compose file that fixes a host port is honoured; a second run of it at
// the same time is refused before it creates anything, and says how to let
// Tandem pick ports instead.
func TestFixedHostPortIsHonouredAndASecondRunIsRefused(t *testing.T) {
	bin := buildTandem(t)
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	file := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(file, []byte(fixedPortSystem(port)), 0o644); err != nil {
		t.Fatal(err)
	}
	runID := leakRunID("fixed-port")
	first := startChild(t, "tandem up", nil, []string{runID}, bin, "up", "-f", file, "--run-id", runID, "--out", dir)
	lines := first.waitLine(t, "up in ", 60*time.Second)
	want := "http://127.0.0.1:" + strconv.Itoa(port)
	if got := printedEndpoint(lines, "recommendations"); got != want {
		t.Fatalf("recommendations is at %q, want the fixed port %s:\n%s", got, want, strings.Join(lines, "\n"))
	}

	code, _, stderr, pid := runTandem(t, bin, nil, "up", "-f", file, "--out", dir)
	if code != 1 || !strings.Contains(stderr, fmt.Sprintf("host port %d on 127.0.0.1", port)) || !strings.Contains(stderr, "leave the host port out") {
		t.Errorf("second run: exit %d, want 1 and the port named:\n%s", code, stderr)
	}
	if left := processResources(t, pid); len(left) > 0 {
		t.Errorf("the refused run left behind:\n  %s", strings.Join(left, "\n  "))
	}
	if len(runResources(t, runID)) == 0 {
		t.Errorf("the first run lost its environment to the refused one")
	}
	first.signal(t, syscall.SIGINT)
	first.waitExit(t, 15*time.Second)
}

// fixedPortSystem is a one-service system published on a fixed host port.
func fixedPortSystem(port int) string {
	return fmt.Sprintf(`services:
  recommendations:
    image: tandem.local/shop-recommendations:1.0
    ports: ["%d:8080"]
    x-tandem: {port: 8080, ready: {http: /health}}
`, port)
}

// errorLines is the error a command ended with: its lines that start with
// "tandem …: " and are not progress ("tandem: starting …").
func errorLines(stderr string) string {
	var errs []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "tandem ") || strings.HasPrefix(l, "tandem: unknown") {
			errs = append(errs, l)
		}
	}
	return strings.Join(errs, "\n")
}
