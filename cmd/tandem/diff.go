package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"

	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/harness/traffic"
)

func runDiff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("diff", "--primary IMAGE --candidate IMAGE [--secondary IMAGE] [-f FILE --service NAME] [--port 8080] [--health /health]\n"+
		"       (--traffic FILE | --pacts | --listen ADDR) [--ignore RULE]... --out DIR",
		"Parallel run: send the same requests to the released version (primary, and again as secondary to learn the noise)\n"+
			"and to the candidate, each in its own stack with its own dependencies, and report every behavioural difference\n"+
			"that is not noise. Writes OUT/diff.json, OUT/diff.html and OUT/diff.md.\n"+
			"Exit 0 when nothing is reported, 1 when something is, 2 when the run itself failed.", stderr)
	var cfg parallelrun.Config
	fs.StringVar(&cfg.Images[parallelrun.Primary], "primary", "", "the released `image`")
	fs.StringVar(&cfg.Images[parallelrun.Secondary], "secondary", "", "a second copy of the released `image` (default: the primary's)")
	fs.StringVar(&cfg.Images[parallelrun.Candidate], "candidate", "", "the candidate `image`")
	file := fs.composeFiles("", "the system's Compose `file` (without it, each image runs alone)")
	fs.StringVar(&cfg.Service, "service", "", "the service under comparison (with -f)")
	fs.IntVar(&cfg.Port, "port", 8080, "the image's HTTP `port` when it runs alone")
	fs.StringVar(&cfg.Health, "health", "/health", "the image's health `path` when it runs alone (empty: ready once running)")
	trafficFile := fs.String("traffic", "", "recorded traffic: a .har (HAR 1.2) or .jsonl `file`")
	pacts := fs.Bool("pacts", false, "replay the requests of the pacts published for the service")
	contracts := fs.String("contracts", "contracts", "the contract store `folder` (with --pacts)")
	fs.StringVar(&cfg.Listen, "listen", "", "multicast live traffic received at this `address` (e.g. 127.0.0.1:9000) until Ctrl-C")
	out := fs.String("out", "out/diff", "the output `folder`")
	var ignores, routes, unordered, headers stringList
	fs.Var(&ignores, "ignore", "an ignore `rule`: path:body.items[*].updated_at, header:Date, pattern:uuid|timestamp|/regex/ (repeatable)")
	fs.Var(&routes, "route", "an endpoint `template` such as \"GET /products/{id}\" (repeatable; others are guessed)")
	fs.Var(&unordered, "unordered", "a body `path` whose array is compared regardless of order (repeatable)")
	fs.Var(&headers, "header", "a response `header` to compare (repeatable; default Content-Type)")
	rel := fs.Float64("relative", 20, "noise rule: minimum |R−N|/(R+N), in `percent`")
	abs := fs.Float64("absolute", 0.03, "noise rule: minimum |R−N|/T, in `percent`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fail := func(err error) error { return exitError{code: 2, err: err} } // the run itself failed
	if fs.NArg() > 0 {
		return fail(fmt.Errorf("unexpected argument %q; see tandem diff --help", fs.Arg(0)))
	}
	sources := 0
	for _, set := range []bool{*trafficFile != "", *pacts, cfg.Listen != ""} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return fail(fmt.Errorf("give exactly one traffic source: --traffic FILE, --pacts or --listen ADDR"))
	}
	if cfg.Images[parallelrun.Primary] == "" || cfg.Images[parallelrun.Candidate] == "" {
		return fail(fmt.Errorf("--primary and --candidate are required"))
	}
	for _, r := range ignores {
		rule, err := diff.ParseRule(r)
		if err != nil {
			return fail(err)
		}
		cfg.Diff.Ignore = append(cfg.Diff.Ignore, rule)
	}
	cfg.Diff.UnorderedArrays = unordered
	cfg.Diff.Headers = headers
	cfg.Thresholds = diff.Thresholds{Relative: *rel / 100, Absolute: *abs / 100}
	cfg.Routes = routes
	if len(*file) > 0 {
		sys, err := system.Load(ctx, *file...)
		if err != nil {
			return fail(err)
		}
		if cfg.Service == "" {
			return fail(fmt.Errorf("with -f, name the service to compare with --service (one of %v)", sys.Names()))
		}
		cfg.System = sys
	} else if cfg.Service == "" {
		cfg.Service = serviceName(cfg.Images[parallelrun.Primary])
	}
	switch {
	case *trafficFile != "":
		reqs, err := traffic.Load(*trafficFile)
		if err != nil {
			return fail(err)
		}
		cfg.Requests = reqs
	case *pacts:
		reqs, err := traffic.FromStore(*contracts, cfg.Service)
		if err != nil {
			return fail(err)
		}
		cfg.Requests = reqs
	}
	cfg.OutDir = *out
	cfg.Progress = stderr
	cfg.Ready = func(a net.Addr) {
		fmt.Fprintf(stdout, "listening on http://%s — every request goes to all three stacks; Ctrl-C ends the run\n", a)
	}
	outcome, err := parallelrun.Run(ctx, cfg)
	if outcome == nil {
		return fail(err)
	}
	if werr := writeDiff(*out, outcome); werr != nil {
		return fail(werr)
	}
	fmt.Fprintf(stdout, "%s\nreport: %s\n", report.DiffVerdict(outcome), filepath.Join(*out, "diff.html"))
	switch {
	case err != nil:
		return fail(err)
	case outcome.Report.Reported > 0:
		return exitError{code: 1}
	}
	return nil
}

func writeDiff(dir string, o *parallelrun.Outcome) error {
	return report.WriteDiffFiles(dir, o)
}

// serviceName names an image run alone: "shop-catalog" for tandem.local/shop-catalog:1.0.
func serviceName(image string) string {
	name := image[strings.LastIndex(image, "/")+1:]
	if i := strings.IndexAny(name, ":@"); i > 0 {
		name = name[:i]
	}
	return name
}
