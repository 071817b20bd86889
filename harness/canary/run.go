package canary

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/load"
	"github.com/tandem-harness/tandem/harness/stack"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/harness/traffic"
	"github.com/tandem-harness/tandem/internal/docker"
)

// Setup is a canary comparison: what runs on each side, the load, and the
// judge's configuration.
type Setup struct {
	// System is the Compose system of the service; nil runs each image alone
	// (Port and Health describe it).
	System  *system.System
	Service string
	// Images: baseline (the released version) and canary.
	Images [2]string
	// Environment adds variables to the service on one side (by load.Side),
	// e.g. a feature flag only the canary gets.
	Environment [2]map[string]string
	// Instances per side (default 1), each with its own dependencies.
	Instances int
	Port      int
	Health    string
	// Load: the request mix, rate per side, and a duration or request count.
	Mix      []traffic.Request
	Rate     int
	Duration time.Duration
	Requests int
	// Warmup sends both sides the same load for this long before the judged
	// load starts; its requests and resource readings are not judged. It fills
	// caches, connection pools and the database's buffers, which a cold side
	// on a busy machine would otherwise pay for in the first seconds.
	// Zero: no warm-up.
	Warmup time.Duration
	// Routes name endpoints ("GET /products/{id}"); others are guessed.
	Routes []string
	Config *Config
	// Looks > 0 judges sequentially at that many looks and stops early when
	// the verdict is certain.
	Looks    int
	OutDir   string
	Progress io.Writer
}

// Outcome is a canary run: the scorecard and everything it was computed from.
type Outcome struct {
	Service   string    `json:"service"`
	Images    [2]string `json:"images"`
	StartedAt time.Time `json:"startedAt"`
	Scorecard Scorecard `json:"scorecard"`
	// Died says why a side's container stopped during the run, by side.
	Died [2]string `json:"died,omitempty"`
	// StoppedEarly is set when the sequential judge stopped before the end.
	StoppedEarly bool `json:"stoppedEarly,omitempty"`
	// Samples are the raw request samples; Usage the resource readings, by
	// side and container — enough to judge again.
	Samples []load.Sample     `json:"samples"`
	Usage   [2][]docker.Usage `json:"usage"`
	Sent    [2]int            `json:"sent"`
	// WarmupSent counts the warm-up's requests per side (not in Samples).
	WarmupSent [2]int        `json:"warmupSent,omitempty"`
	Elapsed    time.Duration `json:"elapsedNs"`
}

// Run starts both sides, sends them the same interleaved load, collects
// latency, status, CPU and memory, judges, and removes everything.
func Run(ctx context.Context, s Setup) (*Outcome, error) {
	if s.Instances <= 0 {
		s.Instances = 1
	}
	if s.Instances > 8 {
		return nil, fmt.Errorf("%d instances per side: at most 8 on one machine", s.Instances)
	}
	if s.Config == nil {
		s.Config = DefaultConfig()
	}
	if s.Warmup < 0 {
		return nil, fmt.Errorf("a warm-up of %s: give zero (none) or a positive duration such as 2s", s.Warmup)
	}
	router, err := diff.NewRouter(s.Routes...)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Service: s.Service, Images: s.Images, StartedAt: time.Now().UTC()}
	begin := time.Now()
	// Check the load before starting anything (URLs are filled in later).
	check := load.Plan{Mix: s.Mix, Rate: s.Rate, Duration: s.Duration, Requests: s.Requests, URLs: [2][]string{{"-"}, {"-"}}}
	if err := check.Validate(); err != nil {
		return out, err
	}

	sides, err := startSides(ctx, s)
	defer sides.stop(context.WithoutCancel(ctx))
	if err != nil {
		return out, err
	}
	plan := load.Plan{Mix: s.Mix, Rate: s.Rate, Duration: s.Duration, Requests: s.Requests, Route: router.Route}
	for side := range 2 {
		for _, in := range sides.list[side] {
			plan.URLs[side] = append(plan.URLs[side], in.URL)
		}
	}

	// Watch resources and deaths while the load runs.
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	var usageMu sync.Mutex
	warming := s.Warmup > 0 // guarded by usageMu: readings of the warm-up are dropped
	var wg sync.WaitGroup
	for side := range 2 {
		for _, in := range sides.list[side] {
			id, err := in.ContainerID()
			if err != nil {
				return out, err
			}
			wg.Go(func() {
				_ = docker.FollowUsage(runCtx, sides.cli, id, func(u docker.Usage) {
					usageMu.Lock()
					if !warming {
						out.Usage[side] = append(out.Usage[side], u)
					}
					usageMu.Unlock()
				})
			})
			wg.Go(func() {
				if why := in.Watch(runCtx); why != "" {
					out.Died[side] = fmt.Sprintf("the %s's container (%s) %s", load.Side(side), in.Image, why)
					if load.Side(side) == load.Canary {
						stopRun() // no point loading a dead canary
					}
				}
			})
		}
	}

	if s.Warmup > 0 {
		if s.Progress != nil {
			fmt.Fprintf(s.Progress, "tandem: load: warming both sides up for %s (not judged)\n", s.Warmup)
		}
		warm := plan
		warm.Duration, warm.Requests = s.Warmup, 0
		wres, err := load.Run(runCtx, warm)
		if err != nil {
			return out, err
		}
		out.WarmupSent = wres.Sent
		usageMu.Lock()
		warming = false
		usageMu.Unlock()
	}

	var seq *Sequential
	if s.Looks > 0 {
		seq = NewSequential(s.Config, s.Looks)
	}
	stopProgress := loadProgress(runCtx, s.Progress, plan)
	res, err := &load.Result{}, error(nil)
	if runCtx.Err() == nil { // not when the canary died during the warm-up
		res, err = runLoad(runCtx, plan, seq, out)
	}
	stopProgress()
	stopRun()
	wg.Wait()
	if err != nil {
		return out, err
	}
	out.Samples, out.Sent = res.Samples, res.Sent
	if ctx.Err() != nil {
		// A load cut short proves nothing either way: no verdict.
		return out, fmt.Errorf("interrupted after %d baseline and %d canary requests, before the load was complete: no verdict; run it again to the end (%w)",
			res.Sent[load.Baseline], res.Sent[load.Canary], context.Cause(ctx))
	}
	if !out.StoppedEarly {
		out.Scorecard = Judge(s.Config, Inputs(s.Service, res.Samples, out.Usage))
	}
	if out.Died[load.Canary] != "" {
		out.Scorecard.Verdict = VerdictFail
		out.Scorecard.Reason = "Fail: " + out.Died[load.Canary] + fmt.Sprintf(" after %d of the canary's requests.", out.WarmupSent[load.Canary]+out.Sent[load.Canary])
	}
	out.Elapsed = time.Since(begin)
	if out.Died[load.Baseline] != "" {
		return out, errors.New(out.Died[load.Baseline] + ": the comparison is void")
	}
	return out, nil
}

// runLoad sends the plan; with a sequential judge it runs the load in looks
// and stops as soon as the verdict is certain.
func runLoad(ctx context.Context, plan load.Plan, seq *Sequential, out *Outcome) (*load.Result, error) {
	if seq == nil {
		return load.Run(ctx, plan)
	}
	looks := len(seq.bounds)
	total := &load.Result{}
	part := plan
	if plan.Requests > 0 {
		part.Requests = max(1, plan.Requests/looks)
	}
	if plan.Duration > 0 {
		part.Duration = max(time.Second, plan.Duration/time.Duration(looks))
	}
	for look := 0; look < looks; look++ {
		r, err := load.Run(ctx, part)
		if err != nil {
			return total, err
		}
		total.Samples = append(total.Samples, r.Samples...)
		total.Sent[0] += r.Sent[0]
		total.Sent[1] += r.Sent[1]
		total.Duration += r.Duration
		card, done := seq.Look(Inputs(out.Service, total.Samples, out.Usage))
		out.Scorecard = card
		if done || ctx.Err() != nil {
			out.StoppedEarly = look < looks-1
			break
		}
	}
	return total, nil
}

// Inputs turns raw samples into the judge's input: per endpoint, latency of
// the answered requests (ms) and the error share; per side, CPU and memory.
func Inputs(service string, samples []load.Sample, usage [2][]docker.Usage) Input {
	in := Input{Continuous: map[string]Samples{}, Proportions: map[string]Counts{}}
	for _, s := range samples {
		lat := "latency " + s.Endpoint
		errs := "errors " + s.Endpoint
		c := in.Proportions[errs]
		v := in.Continuous[lat]
		failed := s.Failed()
		ms := float64(s.Latency.Microseconds()) / 1000
		if s.Side == load.Canary {
			c.CanaryTotal++
			if failed {
				c.CanaryEvents++
			} else {
				v.Canary = append(v.Canary, ms)
			}
		} else {
			c.BaselineTotal++
			if failed {
				c.BaselineEvents++
			} else {
				v.Baseline = append(v.Baseline, ms)
			}
		}
		in.Proportions[errs] = c
		in.Continuous[lat] = v
	}
	cpu, mem := Samples{}, Samples{}
	for _, u := range usage[load.Baseline] {
		cpu.Baseline = append(cpu.Baseline, u.CPU)
		mem.Baseline = append(mem.Baseline, u.MemoryMB)
	}
	for _, u := range usage[load.Canary] {
		cpu.Canary = append(cpu.Canary, u.CPU)
		mem.Canary = append(mem.Canary, u.MemoryMB)
	}
	if len(usage[load.Baseline])+len(usage[load.Canary]) > 0 { // no readings: not measured, not "no data"
		in.Continuous["cpu "+service] = cpu
		in.Continuous["memory "+service] = mem
	}
	return in
}

// Endpoints lists the endpoints seen in samples, sorted.
func Endpoints(samples []load.Sample) []string {
	seen := map[string]bool{}
	for _, s := range samples {
		seen[s.Endpoint] = true
	}
	var eps []string
	for e := range seen {
		eps = append(eps, e)
	}
	sort.Strings(eps)
	return eps
}

// sides are the instances of the baseline and of the canary, each a stack
// of its own.
type sides struct {
	cli  *testcontainers.DockerClient
	list [2][]*stack.Stack
}

func (s *sides) stop(ctx context.Context) {
	if s == nil {
		return
	}
	_ = stack.Stop(ctx, append(append([]*stack.Stack{}, s.list[0]...), s.list[1]...)...)
	if s.cli != nil {
		s.cli.Close()
	}
}

// startSides starts Instances copies of each side concurrently, each with its
// own dependencies.
func startSides(ctx context.Context, s Setup) (*sides, error) {
	if s.Images[load.Baseline] == "" || s.Images[load.Canary] == "" {
		return nil, errors.New("both --baseline and --canary images are required")
	}
	cli, err := docker.Client(ctx)
	if err != nil {
		return nil, err
	}
	sd := &sides{cli: cli}
	var specs []stack.Spec
	for side := range 2 {
		for i := range s.Instances {
			specs = append(specs, stack.Spec{
				Name: fmt.Sprintf("%s-%d", load.Side(side), i+1), System: s.System, Service: s.Service, Image: s.Images[side],
				Port: s.Port, Health: s.Health, Environment: s.Environment[side], OutDir: s.OutDir, Progress: s.Progress,
			})
		}
	}
	started, err := stack.Start(ctx, specs...)
	sd.list[load.Baseline], sd.list[load.Canary] = started[:s.Instances], started[s.Instances:]
	return sd, err
}
