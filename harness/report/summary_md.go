package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/tandem-harness/tandem/harness/results"
)

// SummaryMarkdown writes a short Markdown summary of the release for a
// pull-request comment or a CI step summary: the verdict, one line per part,
// and the failures, each linked to its details in the report. base is
// prepended to the report's file name in links (e.g. the URL where CI keeps
// the report; "" for a link relative to summary.md).
func SummaryMarkdown(w io.Writer, r *Release, base string) error {
	if base != "" && !strings.HasSuffix(base, "/") {
		base += "/"
	}
	report := base + results.ReportFile
	verdict := "❌ NO-GO"
	if r.Go {
		verdict = "✅ GO"
		if len(r.Contracts.Pending) > 0 {
			verdict = "⚠️ GO, with failing pending pacts"
		}
	}
	fmt.Fprintf(w, "## Tandem release report: %s\n\n%s\n\n", verdict, mdText(r.Sentence))
	fmt.Fprintf(w, "| part | result | took |\n|---|---|---|\n")
	for _, p := range r.Parts {
		fmt.Fprintf(w, "| [%s](%s#%s) | %s %s | %s |\n", md(p.Name), report, p.Anchor, mdMark(p.State), md(p.Result), mdDur(p))
	}
	if pending := r.Contracts.Pending; len(pending) > 0 {
		fmt.Fprintf(w, "\n### Pending pacts that fail\n\nThey do not fail their provider's verification (Pact's pending rule); the consumer version cannot be released with that provider version until they pass.\n\n")
		for _, row := range pending {
			fmt.Fprintf(w, "- [%s %s → %s %s](%s#pending-pacts): %d of %d interaction(s) fail\n", md(row.Consumer), md(row.ConsumerVersion), md(row.Provider), md(row.ProviderVersion), report, row.Failed, row.Interactions)
			for _, p := range row.Problems {
				fmt.Fprintf(w, "  - %s\n", md(gist(p)))
			}
		}
	}
	if len(r.Failures) > 0 {
		fmt.Fprintf(w, "\n### Failures\n\n")
		for i, f := range r.Failures {
			if i == 10 {
				fmt.Fprintf(w, "- … and %d more in [the report](%s#failures)\n", len(r.Failures)-10, report)
				break
			}
			line := fmt.Sprintf("- [%s › %s](%s#%s)", md(f.Part), md(f.Title), report, f.Anchor)
			if msg := gist(f.Message); msg != "" {
				line += ": " + md(msg)
			}
			if n := len(f.Traces); n > 0 {
				line += " (" + count(n, "request") + " traced through the services' logs)"
			}
			fmt.Fprintln(w, line)
		}
	}
	fmt.Fprintf(w, "\nFull report: [%s](%s)\n", results.ReportFile, report)
	return nil
}

func mdMark(state string) string {
	return map[string]string{"pass": "✅", "fail": "❌", "warn": "⚠️", "skip": "➖"}[state]
}

func mdDur(p Part) string {
	if p.Duration <= 0 {
		return "–"
	}
	return fmtDur(p.Duration)
}

// mdText makes running text safe in Markdown: no HTML, no line breaks.
func mdText(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;", "\n", " ").Replace(s)
}

// gist is the start of a failure message on one line: "Expected <int>: 500
// to equal <int>: 201 …".
func gist(msg string) string {
	return clip(strings.Join(strings.Fields(msg), " "), 160)
}
