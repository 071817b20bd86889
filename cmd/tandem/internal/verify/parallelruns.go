package verify

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/harness/traffic"
	"github.com/tandem-harness/tandem/internal/progress"
)

// ParallelRun is a parallel run tandem verify runs itself (a tandem.yaml's
// parallelRuns): the system with the service's image replaced by the
// primary, a second copy of it (the secondary, for noise) and the
// candidate, each in a stack of its own, sent the same requests.
type ParallelRun struct {
	// Name names the step (parallel run NAME) and its folder,
	// OUT/parallelrun/NAME. Default: the service.
	Name    string
	Service string
	// Primary is the released image; Candidate the one compared with it.
	Primary, Candidate string
	// Traffic is a recorded traffic file (.har or .jsonl). Empty: the
	// requests of the stored pacts whose provider is the service.
	Traffic string
	// Ignore drops the differences that are expected.
	Ignore []diff.Rule
	// Line is where the run is declared ("tandem.yaml:12"), for errors.
	Line string
}

func (r ParallelRun) name() string {
	if r.Name != "" {
		return r.Name
	}
	return r.Service
}

// spec is the run's spec in the parallelrun suite.
func (r ParallelRun) spec(took time.Duration, err error) types.SpecReport {
	return spec("parallel run "+r.name(), fmt.Sprintf("%s %s against %s: every request answered alike, beyond the ignore rules", r.Service, r.Candidate, r.Primary),
		parallelRunLabels, took, err)
}

// runParallelRun is one parallel run's step. It writes diff.json, diff.html
// and diff.md to OUT/parallelrun/NAME, which the release report shows, and
// fails when a difference is reported that no ignore rule covers: the rule
// of `tandem diff`'s exit code.
func runParallelRun(ctx context.Context, p *progress.Writer, sys *system.System, store, out string, r ParallelRun) (string, error) {
	reqs, err := requests(r.Traffic, store, r.Service, r.Line)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(out, "parallelrun", r.name())
	p.Status("comparing %s %s with %s on %d request(s)", r.Service, r.Candidate, r.Primary, len(reqs))
	o, runErr := parallelrun.Run(ctx, parallelrun.Config{
		Setup: parallelrun.Setup{
			System: sys, Service: r.Service,
			Images: [3]string{parallelrun.Primary: r.Primary, parallelrun.Candidate: r.Candidate},
			OutDir: dir, Progress: p,
		},
		Requests:   reqs,
		Diff:       diff.Options{Ignore: r.Ignore},
		Thresholds: diff.DefaultThresholds(),
	})
	if o == nil {
		return "", fmt.Errorf("%s: parallel run of %s: %w", r.Line, r.Service, runErr)
	}
	if err := report.WriteDiffFiles(dir, o); err != nil {
		return "", err
	}
	detail := fmt.Sprintf("%s %s vs %s: %s", r.Service, r.Candidate, r.Primary, report.DiffVerdict(o))
	switch {
	case runErr != nil:
		return detail, fmt.Errorf("%s: parallel run of %s: %w", r.Line, r.Service, runErr)
	case o.Report.Reported > 0:
		return detail, fmt.Errorf("%s See %s; if the differences are expected, add ignore rules to the parallel run at %s",
			detail, filepath.Join(dir, "diff.html"), r.Line)
	}
	return detail, nil
}

// requests are those of the traffic file, or else of the stored pacts
// whose provider is service.
func requests(file, store, service, line string) ([]traffic.Request, error) {
	if file != "" {
		reqs, err := traffic.Load(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", line, err)
		}
		return reqs, nil
	}
	reqs, err := traffic.FromStore(store, service)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", line, err)
	}
	return reqs, nil
}
