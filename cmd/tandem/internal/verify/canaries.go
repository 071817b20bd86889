package verify

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/progress"
)

// Canary is a canary tandem verify runs itself (a tandem.yaml's canaries):
// the baseline and the canary image of a service, each with its own
// dependencies, sent the same interleaved load and judged.
type Canary struct {
	// Name names the step (canary NAME) and its folder, OUT/canary/NAME.
	// Default: the service.
	Name    string
	Service string
	// Baseline is the released image; Canary the one judged against it.
	Baseline, Canary string
	// Rate is the requests per second to each side (default
	// canary.DefaultRate); Duration how long the load lasts (zero:
	// canary.DefaultRequests requests per side), as `tandem canary`.
	Rate     int
	Duration time.Duration
	// Traffic is the request mix, a .har or .jsonl file. Empty: the
	// requests of the stored pacts whose provider is the service.
	Traffic string
	// Judge is the canary config; nil: canary.DefaultConfig.
	Judge *canary.Config
	// MarginalPasses lets a Marginal verdict pass the step (tandem.yaml's
	// marginal: warn): the report still shows it as a warning for a person
	// to read. Default: a Marginal fails the step, as tandem canary exits 3.
	MarginalPasses bool
	// Line is where the canary is declared ("tandem.yaml:20"), for errors.
	Line string
}

// spec is the canary's spec in the canary suite.
func (c Canary) spec(took time.Duration, err error) types.SpecReport {
	return spec("canary "+c.name(), fmt.Sprintf("%s %s is not worse than %s under the same load", c.Service, c.Canary, c.Baseline),
		canaryLabels, took, err)
}

func (c Canary) name() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Service
}

// runCanary is one canary's step. It writes canary.json, canary.html and
// canary.md to OUT/canary/NAME, which the release report shows. A Fail
// fails the step, and so does a Marginal verdict unless MarginalPasses, as
// `tandem canary` exits non-zero (3) on it: a person must look before the
// release goes. A verdict that would fail the step is confirmed by a second
// run first, whose verdict stands: on a shared CI machine one side can be
// starved for seconds by a neighbour, which no statistic tells from a
// regression; a real regression fails twice.
func runCanary(ctx context.Context, p *progress.Writer, sys *system.System, store, out string, c Canary) (string, error) {
	mix, err := requests(c.Traffic, store, c.Service, c.Line)
	if err != nil {
		return "", err
	}
	s := canary.Setup{
		System: sys, Service: c.Service, Images: [2]string{c.Baseline, c.Canary},
		Mix: mix, Rate: c.Rate, Duration: c.Duration, Warmup: canary.DefaultWarmup,
		Config: c.Judge, Progress: p,
	}
	if s.Rate == 0 {
		s.Rate = canary.DefaultRate
	}
	if s.Duration == 0 {
		s.Requests = canary.DefaultRequests
	}
	dir := filepath.Join(out, "canary", c.name())
	s.OutDir = dir
	var first string // the first run's verdict, when a second run was needed
	for attempt := 1; ; attempt++ {
		p.Status("judging %s %s against %s", c.Service, c.Canary, c.Baseline)
		o, err := canary.Run(ctx, s)
		if err != nil {
			if o != nil && len(o.Samples) > 0 && ctx.Err() == nil {
				_ = report.WriteCanaryFiles(dir, o) // what was measured before the run failed
			}
			return "", fmt.Errorf("%s: canary of %s: %w", c.Line, c.Service, err)
		}
		sc := o.Scorecard
		detail := fmt.Sprintf("%s %s vs %s: %s (score %.0f): %s", c.Service, c.Canary, c.Baseline, sc.Verdict, sc.Score, sc.Reason)
		fails := sc.Verdict == canary.VerdictFail || (sc.Verdict == canary.VerdictMarginal && !c.MarginalPasses)
		if fails && attempt == 1 {
			first = fmt.Sprintf("%s (score %.0f)", sc.Verdict, sc.Score)
			p.Status("%s; running it again to confirm", detail)
			continue
		}
		switch {
		case first != "" && fails:
			detail = fmt.Sprintf("a second run confirmed the first's %s: %s", first, detail)
		case first != "":
			detail = fmt.Sprintf("a second run did not confirm the first's %s: %s", first, detail)
		}
		if err := report.WriteCanaryFiles(dir, o); err != nil {
			return "", err
		}
		switch {
		case !fails:
			return detail, nil
		case sc.Verdict == canary.VerdictMarginal:
			return detail, fmt.Errorf("%s A Marginal verdict fails the step, as tandem canary exits 3 on it: read %s; if a person may judge a Marginal, set marginal: warn on the canary at %s, or give it a longer load",
				detail, filepath.Join(dir, "canary.html"), c.Line)
		}
		return detail, fmt.Errorf("%s See %s", detail, filepath.Join(dir, "canary.html"))
	}
}
