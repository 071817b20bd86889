package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/harness/traffic"
)

func runCanary(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("canary", "--baseline IMAGE --canary IMAGE [-f FILE --service NAME] [--port 8080] [--health /health] [--config canary.yaml]\n"+
		"       [--traffic FILE | --pacts | --request \"GET /path\"...] [--duration 30s | --requests N] [--rate R] [--warmup 2s] [--sequential] --out DIR",
		"Canary comparison: run the released version (baseline) and the candidate (canary) side by side, send both the\n"+
			"same interleaved load, collect latency, errors, CPU and memory, and judge with statistics whether the canary is worse.\n"+
			"Writes OUT/canary.json (raw samples included), OUT/canary.html and OUT/canary.md.\n"+
			"Exit 0 Pass, 1 Fail, 3 Marginal, 2 when the run itself failed.", stderr)
	var s canary.Setup
	fs.StringVar(&s.Images[0], "baseline", "", "the released `image`")
	fs.StringVar(&s.Images[1], "canary", "", "the candidate `image`")
	file := fs.composeFiles("", "the system's Compose `file` (without it, each image runs alone)")
	fs.StringVar(&s.Service, "service", "", "the service to compare (with -f)")
	fs.IntVar(&s.Port, "port", 8080, "the image's HTTP `port` when it runs alone")
	fs.StringVar(&s.Health, "health", "/health", "the image's health `path` when it runs alone")
	fs.IntVar(&s.Instances, "instances", 1, "`instances` per side, each with its own dependencies")
	config := fs.String("config", "", "the judge's YAML `file` (Kayenta-like canary config; default: latency, errors, CPU, memory)")
	trafficFile := fs.String("traffic", "", "the request mix: a .har or .jsonl `file`")
	pacts := fs.Bool("pacts", false, "the request mix: the requests of the service's published pacts")
	contracts := fs.String("contracts", "contracts", "the contract store `folder` (with --pacts)")
	var requestList, routes stringList
	fs.Var(&requestList, "request", "the request mix: a `request` like \"GET /products/p-1\" (repeatable)")
	fs.Var(&routes, "route", "an endpoint `template` such as \"GET /products/{id}\" (repeatable)")
	fs.DurationVar(&s.Duration, "duration", 0, "how long to send load (e.g. 30s)")
	fs.IntVar(&s.Requests, "requests", 0, fmt.Sprintf("how many requests per side (default %d when no --duration)", canary.DefaultRequests))
	fs.IntVar(&s.Rate, "rate", canary.DefaultRate, "requests per second to each side")
	fs.DurationVar(&s.Warmup, "warmup", canary.DefaultWarmup, "send both sides the same load this long first, not judged (0: none)")
	sequential := fs.Bool("sequential", false, "judge at 10 looks and stop early once the verdict is certain (O'Brien–Fleming alpha spending)")
	out := fs.String("out", "out/canary", "the output `folder`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fail := func(err error) error { return exitError{code: 2, err: err} } // the run itself failed
	if fs.NArg() > 0 {
		return fail(fmt.Errorf("unexpected argument %q; see tandem canary --help", fs.Arg(0)))
	}
	if s.Images[0] == "" || s.Images[1] == "" {
		return fail(fmt.Errorf("--baseline and --canary are required"))
	}
	if s.Duration == 0 && s.Requests == 0 {
		s.Requests = canary.DefaultRequests
	}
	if *sequential {
		s.Looks = 10
	}
	s.Routes = routes
	if *config != "" {
		cfg, err := canary.LoadConfig(*config)
		if err != nil {
			return fail(err)
		}
		s.Config = cfg
	}
	if len(*file) > 0 {
		sys, err := system.Load(ctx, *file...)
		if err != nil {
			return fail(err)
		}
		if s.Service == "" {
			return fail(fmt.Errorf("with -f, name the service to compare with --service (one of %v)", sys.Names()))
		}
		s.System = sys
	} else if s.Service == "" {
		s.Service = serviceName(s.Images[0])
	}
	switch {
	case *trafficFile != "":
		reqs, err := traffic.Load(*trafficFile)
		if err != nil {
			return fail(err)
		}
		s.Mix = reqs
	case *pacts:
		reqs, err := traffic.FromStore(*contracts, s.Service)
		if err != nil {
			return fail(err)
		}
		s.Mix = reqs
	case len(requestList) > 0:
		for _, r := range requestList {
			method, path, ok := strings.Cut(strings.TrimSpace(r), " ")
			if !ok || !strings.HasPrefix(strings.TrimSpace(path), "/") {
				return fail(fmt.Errorf("--request %q: write it as METHOD /path, e.g. \"GET /products/p-1\"", r))
			}
			s.Mix = append(s.Mix, traffic.Request{Method: strings.ToUpper(method), Path: strings.TrimSpace(path)})
		}
	default:
		return fail(fmt.Errorf("give a request mix: --traffic FILE, --pacts or --request \"GET /path\""))
	}
	s.OutDir, s.Progress = *out, stderr
	o, err := canary.Run(ctx, s)
	if err != nil {
		if o != nil && len(o.Samples) > 0 && ctx.Err() == nil {
			_ = writeCanary(*out, o) // what was measured before the run failed
		}
		return fail(err)
	}
	if err := writeCanary(*out, o); err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "%s (score %.0f): %s\nreport: %s\n", o.Scorecard.Verdict, o.Scorecard.Score, o.Scorecard.Reason, filepath.Join(*out, "canary.html"))
	switch o.Scorecard.Verdict {
	case canary.VerdictPass:
		return nil
	case canary.VerdictMarginal:
		return exitError{code: 3}
	}
	return exitError{code: 1}
}

func writeCanary(dir string, o *canary.Outcome) error {
	return report.WriteCanaryFiles(dir, o)
}
