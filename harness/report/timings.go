package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tandem-harness/tandem/harness/results"
)

// StartRow is one service's start in a suite's environment: from
// OUT/SUITE/environment.json (env.Env.Timings).
type StartRow struct {
	Suite, Service                    string
	Wait, Create, Start, Ready, Total time.Duration
}

// SpecTime is one spec's run time.
type SpecTime struct {
	Suite, Spec string
	Duration    time.Duration
}

// slowSpecs is how many of the slowest specs the timings name.
const slowSpecs = 10

// slowest is the run's leaves of time, slowest first: the steps, with the
// suites step replaced by its compilation and each suite, and each step's
// compilation shown beside it. Parts overlap nowhere, so their shares add up
// to at most the whole run.
func slowest(r *Release, compile []results.CompileTime) []TimingRow {
	var rows []TimingRow
	for _, tr := range r.Timing {
		if tr.Sub || tr.Name == "suites" || tr.Name == "whole run" {
			continue
		}
		rows = append(rows, tr)
	}
	for _, c := range compile {
		rows = append(rows, TimingRow{Name: "compile " + c.Name + " (in " + c.Step + ")", Duration: time.Duration(c.Duration), Sub: true})
	}
	for _, tr := range r.Timing {
		if tr.Sub && !strings.HasPrefix(tr.Name, "  ") && strings.HasSuffix(tr.Name, " suite") {
			rows = append(rows, tr)
		}
	}
	for i := range rows {
		rows[i].Percent = share(rows[i].Duration, r.Duration)
	}
	slices.SortStableFunc(rows, func(a, b TimingRow) int { return cmp.Compare(b.Duration, a.Duration) })
	return rows
}

func share(d, total time.Duration) float64 {
	if total <= 0 {
		return 0
	}
	return min(100, float64(d)/float64(total)*100)
}

// startRows is every service start the suites recorded, slowest first.
func startRows(envs []results.Environment) []StartRow {
	var rows []StartRow
	for _, e := range envs {
		for _, t := range e.Timings {
			w, c, s, rd := time.Duration(t.Wait), time.Duration(t.Create), time.Duration(t.Start), time.Duration(t.Ready)
			rows = append(rows, StartRow{Suite: e.Suite, Service: t.Service, Wait: w, Create: c, Start: s, Ready: rd, Total: w + c + s + rd})
		}
	}
	slices.SortStableFunc(rows, func(a, b StartRow) int { return cmp.Compare(b.Total, a.Total) })
	return rows
}

// specTimes is the slowest specs of every suite, slowest first, at most n.
func specTimes(suites []*SuiteView, n int) []SpecTime {
	var out []SpecTime
	for _, sv := range suites {
		for _, sp := range sv.Specs {
			out = append(out, SpecTime{Suite: sv.Name, Spec: sp.Name, Duration: sp.Duration})
		}
	}
	slices.SortStableFunc(out, func(a, b SpecTime) int { return cmp.Compare(b.Duration, a.Duration) })
	return out[:min(n, len(out))]
}

// WriteTimings prints where the time of the run in dir went, as plain text:
// the parts slowest first, every part in run order, each service's start in
// the suites' environments, and the slowest specs.
func WriteTimings(w io.Writer, dir string) error {
	r, err := Load(dir)
	if err != nil {
		return err
	}
	verdict := "NO-GO"
	if r.Go {
		verdict = "GO"
	}
	fmt.Fprintf(w, "Where the time went: %s (%s", dir, verdict)
	if r.Duration > 0 {
		fmt.Fprintf(w, ", %s", textDur(r.Duration))
	}
	if !r.StartedAt.IsZero() {
		fmt.Fprintf(w, ", started %s", r.StartedAt.UTC().Format(time.RFC3339))
	}
	fmt.Fprintln(w, ")")

	var rows [][]string
	for _, tr := range r.Slowest {
		rows = append(rows, []string{tr.Name, textDur(tr.Duration), fmt.Sprintf("%.1f%%", tr.Percent)})
	}
	table(w, "Slowest first (share of the whole run)", 1, []string{"part", "took", "share"}, rows)

	rows = nil
	for _, tr := range r.Timing {
		name := tr.Name
		if tr.Sub {
			name = "  " + name
		}
		rows = append(rows, []string{name, textDur(tr.Duration), fmt.Sprintf("%.1f%%", tr.Percent)})
	}
	table(w, "In run order", 1, []string{"part", "took", "share"}, rows)

	rows = nil
	for _, s := range r.Starts {
		rows = append(rows, []string{s.Suite, s.Service, textDur(s.Wait), textDur(s.Create), textDur(s.Start), textDur(s.Ready), textDur(s.Total)})
	}
	table(w, "Environment starts, per service, slowest first (wait: from the environment's start until its dependencies were there; ready: until its probe passed)", 2,
		[]string{"suite", "service", "wait", "create", "start", "ready", "total"}, rows)
	if len(r.Starts) == 0 {
		fmt.Fprintf(w, "\nEnvironment starts: no suite recorded its environment's timings (OUT/SUITE/%s)\n", results.EnvironmentFile)
	}

	rows = nil
	for _, s := range r.SlowSpecs {
		rows = append(rows, []string{s.Suite, clip(s.Spec, 80), textDur(s.Duration)})
	}
	table(w, fmt.Sprintf("Slowest specs (at most %d)", slowSpecs), 2, []string{"suite", "spec", "took"}, rows)
	return nil
}

// table prints a titled table indented by two spaces: its first text
// columns aligned left, the rest (numbers) right. Nothing when rows is empty.
func table(w io.Writer, title string, text int, header []string, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	width := make([]int, len(header))
	for _, row := range append([][]string{header}, rows...) {
		for i, c := range row {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	fmt.Fprintf(w, "\n%s\n", title)
	for _, row := range append([][]string{header}, rows...) {
		var b strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i < text {
				b.WriteString("  " + c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// textDur is d for people: "–" when not measured, milliseconds below a second.
func textDur(d time.Duration) string { return fmtDur(d) }
