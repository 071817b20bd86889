package canary

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// These simulations check the judge's error rates on lognormal latencies, the
// usual shape of response times, with fixed seeds so that they are
// reproducible and fast.

const (
	simLatency = "latency GET /products/{id}"
	simMedian  = 20.0 // ms
	simSigma   = 0.5
)

// latencyOnly is the default latency metric alone, so that the verdict is the
// metric's: Pass, or Fail when it is High or Low.
func latencyOnly(mod func(*Analysis)) *Config {
	cfg := DefaultConfig()
	cfg.Metrics = cfg.Metrics[:1]
	if mod != nil {
		mod(&cfg.Metrics[0].Analysis.Canary)
	}
	return cfg
}

// strictConfig fails on any significant change in either direction: no
// allowed ratio hides a false alarm, so its rate is the test's own.
func strictConfig() *Config {
	return latencyOnly(func(a *Analysis) {
		a.Direction = Either
		a.EffectSize.AllowedIncrease, a.EffectSize.AllowedDecrease = 1, 1
		a.EffectSize.CriticalIncrease, a.EffectSize.CriticalDecrease = 1, 1
	})
}

func simulate(seed uint64, n int, factor float64) Input {
	rng := rand.New(rand.NewPCG(seed, 2024))
	return Input{Continuous: map[string]Samples{simLatency: {
		Baseline: lognormal(rng, n, simMedian, simSigma),
		Canary:   scaled(lognormal(rng, n, simMedian, simSigma), factor),
	}}}
}

// failRate judges runs comparisons and returns the share classified High or Low.
func failRate(runs int, cfg *Config, n int, factor float64, seed uint64) float64 {
	rate, _ := rates(runs, cfg, n, factor, seed)
	return rate
}

// rates judges runs comparisons and returns the share classified High or Low
// and the share whose interval excludes 0.
func rates(runs int, cfg *Config, n int, factor float64, seed uint64) (failed, excluded float64) {
	for _, r := range parallel(runs, func(i int) [2]bool {
		m := Judge(cfg, simulate(seed+uint64(i), n, factor)).Metrics[0]
		return [2]bool{m.Classification == High || m.Classification == Low, m.Interval[0] > 0 || m.Interval[1] < 0}
	}) {
		failed += float64(b2i(r[0]))
		excluded += float64(b2i(r[1]))
	}
	return failed / float64(runs), excluded / float64(runs)
}

func TestSimulationAA(t *testing.T) {
	// 200 A/A comparisons at 500 a side with the default latency metric.
	if rate := failRate(200, latencyOnly(nil), 500, 1, 1000); rate > 0.02 {
		t.Errorf("A/A: %.1f %% Fail, want at most 2 %%", 100*rate)
	}
	// Without an allowed ratio, the interval excludes 0 at its own error
	// rate: 2 % at 98 %. 2000 runs put the standard error at 0.31 %. Kayenta's
	// tolerance (the interval must clear a quarter of the estimate) makes a
	// High or Low much rarer still.
	failed, excluded := rates(2000, strictConfig(), 500, 1, 5000)
	t.Logf("strict A/A: interval excludes 0 in %.2f %% (nominal 2 %%), High or Low in %.2f %%", 100*excluded, 100*failed)
	if excluded < 0.01 || excluded > 0.03 {
		t.Errorf("strict A/A: interval excludes 0 in %.2f %%, want 2 %% ± 1 %%", 100*excluded)
	}
	if failed > excluded {
		t.Errorf("strict A/A: %.2f %% High or Low, more than the %.2f %% whose interval excludes 0", 100*failed, 100*excluded)
	}
}

func TestSimulationPower(t *testing.T) {
	if rate := failRate(200, latencyOnly(nil), 500, 1.5, 9000); rate < 0.95 {
		t.Errorf("+50 %% latency detected in %.1f %% of runs, want at least 95 %%", 100*rate)
	}
	// A 10 % rise exactly at the allowed ratio fails about half the time.
	rate := failRate(200, latencyOnly(nil), 2000, 1.1, 9500)
	t.Logf("+10 %% at allowedIncrease 1.1: %.0f %% High", 100*rate)
}

// sequentialRun is what runSequential saw: whether the metric was ever High
// or Low, whether a repeated interval ever excluded 0, whether a look at the
// fixed level would have (for continuous data the fixed 98 % interval excludes
// 0 exactly when p < 0.02), and the look at which it stopped.
type sequentialRun struct {
	failed, excluded, naive bool
	stop                    int
}

// runSequential looks at a tenth, two tenths, … of the samples.
func runSequential(seq *Sequential, in Input, looks int) sequentialRun {
	full := in.Continuous[simLatency]
	n := len(full.Baseline)
	var run sequentialRun
	for k := 1; k <= looks; k++ {
		m := n * k / looks
		sc, done := seq.Look(Input{Continuous: map[string]Samples{simLatency: {
			Baseline: full.Baseline[:m], Canary: full.Canary[:m]}}})
		r := sc.Metrics[0]
		run.failed = run.failed || r.Classification == High || r.Classification == Low
		run.excluded = run.excluded || r.Interval[0] > 0 || r.Interval[1] < 0
		run.naive = run.naive || r.PValue < 1-seq.cfg.Confidence
		run.stop = k
		if done {
			run.naive = run.naive || run.excluded
			return run
		}
	}
	return run
}

// parallel runs f(0) … f(runs−1) on every processor; each run has its own seed,
// so the results do not depend on the scheduling.
func parallel[T any](runs int, f func(i int) T) []T {
	out := make([]T, runs)
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				out[i] = f(i)
			}
		})
	}
	for i := range runs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// TestSequentialFalseAlarms is the repeated-looks guarantee, empirically: with
// ten looks the repeated intervals exclude 0 at some look in at most the
// nominal 2 % of A/A runs, while judging each look at the fixed 98 % level
// multiplies that. High or Low, which must also clear Kayenta's tolerance, is
// rarer still.
func TestSequentialFalseAlarms(t *testing.T) {
	const runs, looks, alpha = 1000, 10, 0.02
	cfg := strictConfig()
	results := parallel(runs, func(i int) sequentialRun {
		return runSequential(NewSequential(cfg, looks), simulate(20000+uint64(i), 500, 1), looks)
	})
	var failed, excluded, naive int
	for _, r := range results {
		failed += b2i(r.failed)
		excluded += b2i(r.excluded)
		naive += b2i(r.naive)
	}
	failRate, seqRate, naiveRate := float64(failed)/runs, float64(excluded)/runs, float64(naive)/runs
	t.Logf("A/A with %d looks: a repeated interval excluded 0 in %.1f %%, fixed 98 %% at every look %.1f %%; High or Low in %.1f %%",
		looks, 100*seqRate, 100*naiveRate, 100*failRate)
	if seqRate > 1.5*alpha {
		t.Errorf("sequential false alarms %.1f %%, want at most %.1f %%", 100*seqRate, 150*alpha)
	}
	if failRate > seqRate {
		t.Errorf("High or Low in %.1f %% of runs, more than the %.1f %% whose interval excluded 0", 100*failRate, 100*seqRate)
	}
	if naiveRate < 2*seqRate || naiveRate < 2*alpha {
		t.Errorf("looking ten times at 98 %% gave only %.1f %% false alarms; the simulation does not show the problem", 100*naiveRate)
	}
}

// TestSequentialPower: a 50 % regression is caught, and early.
func TestSequentialPower(t *testing.T) {
	const runs, looks = 200, 10
	detected, stops := 0, 0
	for i := range runs {
		run := runSequential(NewSequential(latencyOnly(nil), looks), simulate(30000+uint64(i), 500, 1.5), looks)
		if run.failed {
			detected++
		}
		stops += run.stop
	}
	rate, mean := float64(detected)/runs, float64(stops)/runs
	t.Logf("+50 %%: detected in %.1f %% of runs, stopping at look %.1f of %d on average", 100*rate, mean, looks)
	if rate < 0.95 {
		t.Errorf("+50 %% detected in %.1f %% of runs, want at least 95 %%", 100*rate)
	}
	if mean > looks/2 {
		t.Errorf("stopped at look %.1f on average; a 50 %% regression should stop in the first half", mean)
	}
}

// TestSequentialPassesEarly: an unchanged canary is passed before the last
// look once its intervals rule out a 10 % rise.
func TestSequentialPassesEarly(t *testing.T) {
	const runs, looks = 100, 10
	passed, stops := 0, 0
	for i := range runs {
		seq := NewSequential(latencyOnly(nil), looks)
		in := simulate(40000+uint64(i), 5000, 1)
		run := runSequential(seq, in, looks)
		if !run.failed && seq.last.Verdict == VerdictPass {
			passed++
		}
		stops += run.stop
	}
	mean := float64(stops) / runs
	t.Logf("A/A at up to 5000 a side: %d of %d passed, stopping at look %.1f of %d on average", passed, runs, mean, looks)
	if passed != runs || mean >= looks {
		t.Errorf("%d of %d passed, mean stop %.1f: want all passed, some before the last look", passed, runs, mean)
	}
}

func TestSequentialLooks(t *testing.T) {
	seq := NewSequential(nil, 3)
	b := seq.Boundaries()
	if len(b) != 3 || !(b[0] > b[1] && b[1] > b[2]) || math.Abs(b[2]-2.33) > 0.1 {
		t.Fatalf("boundaries %v", b)
	}
	in := simulate(1, 300, 1)
	in.Proportions = map[string]Counts{"errors GET /products/{id}": {BaselineTotal: 300, CanaryTotal: 300}}
	sc, done := seq.Look(in)
	if done || sc.Look != 1 || sc.MaxLooks != 3 {
		t.Fatalf("look 1: done %v, %d of %d: %s", done, sc.Look, sc.MaxLooks, sc.Reason)
	}
	if want := "Undecided at look 1 of 3:"; len(sc.Reason) < len(want) || sc.Reason[:len(want)] != want {
		t.Errorf("reason %q", sc.Reason)
	}
	seq.Look(in)
	last, done := seq.Look(in)
	if !done || last.Look != 3 {
		t.Fatalf("look 3: done %v: %s", done, last.Reason)
	}
	again, done := seq.Look(in)
	if !done || again.Reason != last.Reason {
		t.Errorf("a look after the last changed the result: %s", again.Reason)
	}
	t.Log(last.Reason)
}

func TestSequentialCriticalStopsAtOnce(t *testing.T) {
	seq := NewSequential(nil, 10)
	sc, done := seq.Look(Input{Proportions: map[string]Counts{"errors POST /orders": {
		BaselineEvents: 0, BaselineTotal: 2000, CanaryEvents: 200, CanaryTotal: 2000}}})
	if !done || sc.Verdict != VerdictFail || sc.Look != 1 {
		t.Fatalf("done %v verdict %s at look %d: %s", done, sc.Verdict, sc.Look, sc.Reason)
	}
	t.Log(sc.Reason)
}
