package verify

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/internal/atomicfile"
	"github.com/tandem-harness/tandem/internal/progress"
)

// TeamSuite is one of a project's own suites (tandem.yaml's suites): a
// Ginkgo package of the team's module, or any command that writes JUnit XML.
type TeamSuite struct {
	Name string
	// Ginkgo is the package's folder; its test binary is built with go test
	// -c in that folder (the team's module) and run there.
	Ginkgo string
	// Command runs through sh -c in Dir and writes JUnit XML to JUnit.
	Command, Dir, JUnit string
	// Line is where the suite is declared ("tandem.yaml:12"), for errors.
	Line string
}

// suiteBuild is the compilation of a project's Ginkgo suites, started
// when the run starts so that it overlaps the steps before the suites.
type suiteBuild struct {
	done  chan struct{}
	took  time.Duration
	bins  map[string]string // by suite name
	errs  map[string]error  // why a suite did not build
	clean func()
}

// buildSuites starts compiling the Ginkgo suites among suites with go test
// -c in their own folders (the team's module), two at a time, into
// OUT/bin (not a temporary folder: /tmp may be noexec).
func buildSuites(ctx context.Context, cfg Config, tools *toolLogs, out string, suites []TeamSuite) *suiteBuild {
	dir := filepath.Join(out, "bin")
	_ = os.RemoveAll(dir) // a killed run's
	b := &suiteBuild{done: make(chan struct{}), bins: map[string]string{}, errs: map[string]error{},
		clean: func() { os.RemoveAll(dir) }}
	begin := time.Now()
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, 2)
	for _, s := range suites {
		if s.Ginkgo == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			bin := filepath.Join(dir, s.Name+".test")
			build := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, ".")
			suiteEnv(build, cfg, s.Ginkgo, nil)
			err := tools.run(build, "suite-"+s.Name+"-build.log")
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				b.errs[s.Name] = fmt.Errorf("go test -c in %s: %w", s.Ginkgo, err)
				return
			}
			b.bins[s.Name] = bin
		}()
	}
	go func() { wg.Wait(); b.took = time.Since(begin); close(b.done) }()
	return b
}

// wait waits for the build and records its time as compiling, within the
// suites step.
func (b *suiteBuild) wait(sum *Summary) {
	<-b.done
	if len(b.bins)+len(b.errs) > 0 {
		sum.Compile = append(sum.Compile, results.CompileTime{Name: "suite binaries", Step: "suites", Duration: Duration(b.took)})
	}
}

// runTeamSuites runs the suites one after another, with the environment a suite of tandem verify
// gets ($TANDEM_SYSTEM, $TANDEM_CONTRACTS, $TANDEM_OUT, and
// $TANDEM_PROGRESS, a file whose lines tandem shows live), and returns
// their results as Ginkgo reports, in the order they are declared (a
// command's JUnit XML is read into one).
func runTeamSuites(ctx context.Context, cfg Config, p *progress.Writer, tools *toolLogs, sum *Summary, build *suiteBuild, suites []TeamSuite, env map[string]string) ([]types.Report, string, error) {
	select {
	case <-build.done:
	default:
		p.Status("compiling the suites")
	}
	build.wait(sum)
	progressFile := filepath.Join(tools.dir, "progress.log")
	if err := os.MkdirAll(tools.dir, 0o755); err != nil {
		return nil, "", err
	}
	// The suites append to it; a full disk loses lines of progress only,
	// and shows in the suites' own results.
	if err := atomicfile.Write(progressFile, nil); err != nil {
		return nil, "", err
	}
	env = maps.Clone(env)
	env[results.EnvProgress] = progressFile
	stop, followed := make(chan struct{}), make(chan struct{})
	go func() { p.Follow(progressFile, 250*time.Millisecond, stop); close(followed) }()
	defer func() { close(stop); <-followed }()

	reps := make([][]types.Report, len(suites))
	errs := make([]error, len(suites))
	var wg sync.WaitGroup
	slots := make(chan struct{}, 1) // one at a time: each starts a whole system
	for i, s := range suites {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			p.Status("running suite %s", s.Name)
			switch {
			case build.errs[s.Name] != nil:
				errs[i] = build.errs[s.Name]
				reps[i] = []types.Report{failedSuite(s, errs[i])}
			case s.Ginkgo != "":
				reps[i], errs[i] = runGinkgoSuite(ctx, cfg, tools, build.bins[s.Name], env, s)
			default:
				reps[i], errs[i] = runCommandSuite(ctx, cfg, tools, env, s)
			}
		}()
	}
	wg.Wait()
	var all []types.Report
	var failed []string
	for i, s := range suites {
		all = append(all, reps[i]...)
		if errs[i] != nil {
			failed = append(failed, fmt.Sprintf("%s (%s): %v", s.Name, s.Line, errs[i]))
		}
	}
	var specs, failures int
	suiteCounts, _ := summarize(all)
	for _, su := range suiteCounts {
		specs += su.Specs
		failures += su.Failed
	}
	detail := fmt.Sprintf("%d suite(s), %d spec(s), %d failed", len(suites), specs, failures)
	if len(failed) > 0 {
		return all, detail, fmt.Errorf("%s: %s", detail, strings.Join(failed, "; "))
	}
	return all, detail, nil
}

// suiteEnv is the environment a suite runs with.
func suiteEnv(cmd *exec.Cmd, cfg Config, dir string, env map[string]string) {
	setup(cmd, cfg)
	cmd.Dir = dir
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
}

// runGinkgoSuite runs the suite's test binary in its package's folder with
// a JSON report, which is what it returns.
func runGinkgoSuite(ctx context.Context, cfg Config, tools *toolLogs, bin string, env map[string]string, s TeamSuite) ([]types.Report, error) {
	jsonReport := strings.TrimSuffix(bin, ".test") + ".json"
	defer os.Remove(jsonReport)
	args := []string{"-ginkgo.json-report=" + jsonReport, "-ginkgo.no-color", "-ginkgo.timeout=15m", "-test.timeout=0",
		"-ginkgo.randomize-all", "-ginkgo.fail-on-pending", "-ginkgo.fail-on-empty", "-ginkgo.poll-progress-after=120s"}
	if cfg.LabelFilter != "" {
		args = append(args, "-ginkgo.label-filter="+cfg.LabelFilter)
	}
	run := exec.CommandContext(ctx, bin, args...)
	suiteEnv(run, cfg, s.Ginkgo, env)
	runErr := tools.run(run, "suite-"+s.Name+".log")
	var reps []types.Report
	b, err := os.ReadFile(jsonReport)
	if err == nil {
		err = json.Unmarshal(b, &reps)
	}
	if err != nil {
		if runErr != nil {
			return []types.Report{failedSuite(s, runErr)}, runErr
		}
		return []types.Report{failedSuite(s, err)}, fmt.Errorf("the suite wrote no Ginkgo report: %w", err)
	}
	for i := range reps {
		reps[i].SuitePath = s.Name // the report's and the JUnit file's name
	}
	return reps, runErr
}

// runCommandSuite runs the command and reads the JUnit XML it wrote.
func runCommandSuite(ctx context.Context, cfg Config, tools *toolLogs, env map[string]string, s TeamSuite) ([]types.Report, error) {
	_ = os.Remove(s.JUnit) // an old file must not pass for this run's
	cmd := exec.CommandContext(ctx, "sh", "-c", s.Command)
	suiteEnv(cmd, cfg, s.Dir, env)
	start := time.Now()
	runErr := tools.run(cmd, "suite-"+s.Name+".log")
	b, err := os.ReadFile(s.JUnit)
	if err != nil {
		err = fmt.Errorf("`%s` wrote no JUnit XML at %s (%v); make it write its results there, or fix junit:", s.Command, s.JUnit, err)
		return []types.Report{failedSuite(s, err)}, err
	}
	rep, err := junitReport(s.Name, b, time.Since(start))
	if err != nil {
		err = fmt.Errorf("read %s: %w", s.JUnit, err)
		return []types.Report{failedSuite(s, err)}, err
	}
	if runErr != nil && rep.SuiteSucceeded {
		// A command that fails with no failing test: its own failure is one.
		rep.SuiteSucceeded = false
		rep.SpecReports = append(rep.SpecReports, types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "`" + s.Command + "` exits 0",
			State: types.SpecStateFailed, Failure: types.Failure{Message: runErr.Error()}})
	}
	if !rep.SuiteSucceeded {
		return []types.Report{rep}, errors.New("failed")
	}
	return []types.Report{rep}, nil
}

// failedSuite is the report of a suite that could not report itself.
func failedSuite(s TeamSuite, err error) types.Report {
	return types.Report{SuitePath: s.Name, SuiteDescription: s.Name, SuiteSucceeded: false,
		SpecReports: types.SpecReports{{LeafNodeType: types.NodeTypeIt, LeafNodeText: "suite " + s.Name + " runs and reports", State: types.SpecStateFailed,
			Failure: types.Failure{Message: err.Error()}}}}
}

// junitFile is what JUnit XML holds that a report shows: a <testsuites>
// root or a single <testsuite>, with test cases that failed, errored or
// were skipped.
type junitFile struct {
	XMLName xml.Name     `xml:""`
	Suites  []junitSuite `xml:"testsuite"`
	junitSuite
}

type junitSuite struct {
	Name  string      `xml:"name,attr"`
	Cases []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	Time      string `xml:"time,attr"`
	Failure   *struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
	Error *struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	} `xml:"error"`
	Skipped *struct{} `xml:"skipped"`
}

// junitReport reads JUnit XML into a Ginkgo report of the suite name.
func junitReport(name string, b []byte, took time.Duration) (types.Report, error) {
	var f junitFile
	if err := xml.Unmarshal(b, &f); err != nil {
		return types.Report{}, err
	}
	suites := f.Suites
	if f.XMLName.Local == "testsuite" {
		suites = []junitSuite{f.junitSuite}
	}
	rep := types.Report{SuitePath: name, SuiteDescription: name, SuiteSucceeded: true, RunTime: took}
	for _, su := range suites {
		for _, c := range su.Cases {
			sr := types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: c.Name, State: types.SpecStatePassed}
			if c.Classname != "" {
				sr.ContainerHierarchyTexts = []string{c.Classname}
			}
			if secs, err := strconv.ParseFloat(c.Time, 64); err == nil {
				sr.RunTime = time.Duration(secs * float64(time.Second))
			}
			switch {
			case c.Failure != nil:
				sr.State, sr.Failure.Message = types.SpecStateFailed, strings.TrimSpace(c.Failure.Message+"\n"+c.Failure.Text)
			case c.Error != nil:
				sr.State, sr.Failure.Message = types.SpecStatePanicked, strings.TrimSpace(c.Error.Message+"\n"+c.Error.Text)
			case c.Skipped != nil:
				sr.State = types.SpecStateSkipped
			}
			if sr.State.Is(types.SpecStateFailureStates) {
				rep.SuiteSucceeded = false
			}
			rep.SpecReports = append(rep.SpecReports, sr)
		}
	}
	if len(rep.SpecReports) == 0 {
		return rep, errors.New("it holds no test case")
	}
	return rep, nil
}
