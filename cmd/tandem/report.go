package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/results"
)

func runReport(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", "[--url URL] [--redact NAMES] [--timings] [DIR]",
		"Render the release report again from the JSON results tandem verify wrote to DIR (default out):\n"+
			"summary.json, ginkgo.json, contracts/matrix.json, e2e/environment.json, parallelrun/*/diff.json,\n"+
			"canary/*/canary.json and the services' logs under runs/. Writes DIR/report.html and DIR/summary.md.\n"+
			"Exits 0 once both are written, whatever the verdict. With --timings it writes nothing and prints\n"+
			"where the run's time went instead: steps, compiling, suites, each service's start, slowest specs.", stderr)
	url := fs.String("url", os.Getenv("TANDEM_REPORT_URL"), "where CI publishes DIR: summary.md's links start with this `URL` (also $TANDEM_REPORT_URL)")
	fields := fs.String("redact", "", "more secret field `names`, comma-separated, whose values are redacted (also $"+redact.EnvFields+")")
	timings := fs.Bool("timings", false, "print where the run's time went, as plain text, instead of writing the report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return fs.usageErr("unexpected argument %q", fs.Arg(1))
	}
	dir := "out"
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	if *fields != "" {
		os.Setenv(redact.EnvFields, strings.Trim(os.Getenv(redact.EnvFields)+","+*fields, ","))
	}
	if *timings {
		return report.WriteTimings(stdout, dir)
	}
	r, err := report.Write(dir, *url)
	if err != nil {
		return err
	}
	verdict := "NO-GO"
	if r.Go {
		verdict = "GO"
	}
	fmt.Fprintf(stdout, "%s — %s\nreport:  %s\nsummary: %s\n", verdict, r.Sentence,
		filepath.Join(dir, results.ReportFile), filepath.Join(dir, results.MarkdownFile))
	return nil
}
