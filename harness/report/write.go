package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/load"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// Write builds the release report from the results in dir and writes
// dir/report.html and dir/summary.md, both or (when the disk is full, say)
// neither. Links in the Markdown start with markdownBase (see
// SummaryMarkdown).
func Write(dir, markdownBase string) (*Release, error) {
	r, err := Load(dir)
	if err != nil {
		return nil, err
	}
	var page, summary bytes.Buffer
	if err := ReleaseHTML(&page, r); err != nil {
		return r, fmt.Errorf("render %s: %w", results.ReportFile, err)
	}
	if err := SummaryMarkdown(&summary, r, markdownBase); err != nil {
		return r, fmt.Errorf("render %s: %w", results.MarkdownFile, err)
	}
	var b atomicfile.Batch
	b.Add(filepath.Join(dir, results.ReportFile), page.Bytes())
	b.Add(filepath.Join(dir, results.MarkdownFile), summary.Bytes())
	return r, b.Commit()
}

// WriteDiffFiles writes a parallel run's diff.json, diff.html and diff.md to
// dir: all three, or (when the disk is full, say) none. The outcome's
// exchanges are redacted already (parallelrun redacts before it compares).
func WriteDiffFiles(dir string, o *parallelrun.Outcome) error {
	b, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		return err
	}
	return writeAll(dir, "diff", append(b, '\n'), o, DiffHTML, DiffMarkdown)
}

// WriteCanaryFiles writes a canary run's canary.json (raw samples included),
// canary.html and canary.md to dir: all three, or none. Samples carry no
// bodies; their error messages and the reasons are redacted.
func WriteCanaryFiles(dir string, o *canary.Outcome) error {
	red := redact.Default()
	c := *o
	c.Samples = make([]load.Sample, len(o.Samples))
	copy(c.Samples, o.Samples)
	for i := range c.Samples {
		c.Samples[i].Err = red.Text(c.Samples[i].Err)
	}
	for i := range c.Died {
		c.Died[i] = red.Text(c.Died[i])
	}
	b, err := json.Marshal(&c)
	if err != nil {
		return err
	}
	return writeAll(dir, "canary", b, &c, CanaryHTML, CanaryMarkdown)
}

func writeAll[T any](dir, name string, js []byte, v T, html, md func(io.Writer, T) error) error {
	var files atomicfile.Batch
	files.Add(filepath.Join(dir, name+".json"), js)
	for _, r := range []struct {
		ext    string
		render func(io.Writer, T) error
	}{{".html", html}, {".md", md}} {
		var b bytes.Buffer
		if err := r.render(&b, v); err != nil {
			return fmt.Errorf("render %s%s: %w", name, r.ext, err)
		}
		files.Add(filepath.Join(dir, name+r.ext), b.Bytes())
	}
	return files.Commit()
}
