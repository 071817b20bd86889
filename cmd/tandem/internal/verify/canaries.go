package verify

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

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
	// Line is where the canary is declared ("tandem.yaml:20"), for errors.
	Line string
}

func (c Canary) name() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Service
}

// runCanary is one canary's step. It writes canary.json, canary.html and
// canary.md to OUT/canary/NAME, which the release report shows. A Fail
// fails the step; so does a Marginal verdict, as `tandem canary` exits
// non-zero (3) on it: a person must look before the release goes.
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
	p.Status("judging %s %s against %s", c.Service, c.Canary, c.Baseline)
	o, err := canary.Run(ctx, s)
	if err != nil {
		if o != nil && len(o.Samples) > 0 && ctx.Err() == nil {
			_ = report.WriteCanaryFiles(dir, o) // what was measured before the run failed
		}
		return "", fmt.Errorf("%s: canary of %s: %w", c.Line, c.Service, err)
	}
	if err := report.WriteCanaryFiles(dir, o); err != nil {
		return "", err
	}
	sc := o.Scorecard
	detail := fmt.Sprintf("%s %s vs %s: %s (score %.0f): %s", c.Service, c.Canary, c.Baseline, sc.Verdict, sc.Score, sc.Reason)
	switch sc.Verdict {
	case canary.VerdictPass:
		return detail, nil
	case canary.VerdictMarginal:
		return detail, fmt.Errorf("%s A Marginal verdict fails the step, as tandem canary exits 3 on it: read %s, then run it again or give the canary at %s a longer load",
			detail, filepath.Join(dir, "canary.html"), c.Line)
	}
	return detail, fmt.Errorf("%s See %s", detail, filepath.Join(dir, "canary.html"))
}
