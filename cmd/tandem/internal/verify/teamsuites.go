package verify

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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

// runTeamSuites runs each suite with the environment a suite of tandem
// verify gets ($TANDEM_SYSTEM, $TANDEM_CONTRACTS, $TANDEM_OUT), gathers
// their results as Ginkgo reports (a command's JUnit XML is read into one),
// and writes and summarizes them as the repository's suites are: in
// OUT/ginkgo-report.json, JUnit XML, summary.json and the release report.
func runTeamSuites(ctx context.Context, cfg Config, p *progress.Writer, tools *toolLogs, sum *Summary, out string, env map[string]string) (string, error) {
	var all []types.Report
	var failed []string
	for _, s := range cfg.TeamSuites {
		p.Status("running suite %s", s.Name)
		var reps []types.Report
		var err error
		if s.Ginkgo != "" {
			reps, err = runGinkgoSuite(ctx, cfg, tools, out, env, s)
		} else {
			reps, err = runCommandSuite(ctx, cfg, tools, env, s)
		}
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s (%s): %v", s.Name, s.Line, err))
		}
		all = append(all, reps...)
	}
	ginkgoReport := filepath.Join(out, results.GinkgoFile)
	b, err := json.Marshal(all)
	if err != nil {
		return "", err
	}
	if err := atomicfile.Write(ginkgoReport, b); err != nil {
		return "", err
	}
	var runErr error
	if len(failed) > 0 {
		runErr = errors.New(strings.Join(failed, "; "))
	}
	detail, err := collectSuites(cfg, sum, out, ginkgoReport, runErr)
	if err != nil && runErr != nil {
		return detail, fmt.Errorf("%s: %w", detail, runErr)
	}
	return detail, err
}

// suiteEnv is the environment a suite runs with.
func suiteEnv(cmd *exec.Cmd, cfg Config, dir string, env map[string]string) {
	setup(cmd, cfg)
	cmd.Dir = dir
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
}

// runGinkgoSuite builds the package's test binary in its own module and
// runs it with a JSON report, which is what it returns.
func runGinkgoSuite(ctx context.Context, cfg Config, tools *toolLogs, out string, env map[string]string, s TeamSuite) ([]types.Report, error) {
	bin := filepath.Join(out, "bin", s.Name+".test")
	build := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, ".")
	suiteEnv(build, cfg, s.Ginkgo, nil)
	if err := tools.run(build, "suite-"+s.Name+"-build.log"); err != nil {
		return nil, fmt.Errorf("go test -c in %s: %w", s.Ginkgo, err)
	}
	defer os.Remove(bin)
	jsonReport := filepath.Join(out, "bin", s.Name+".json")
	defer os.Remove(jsonReport)
	run := exec.CommandContext(ctx, bin, "-ginkgo.json-report="+jsonReport, "-ginkgo.no-color", "-ginkgo.timeout=15m", "-test.timeout=0")
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
