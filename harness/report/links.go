package report

import (
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/tandem-harness/tandem/harness/results"
)

func files(dir string, res *folder) []Link {
	var out []Link
	for _, f := range []string{results.SummaryFile, results.MarkdownFile, results.JUnitFile, results.GinkgoFile, results.MatrixFile} {
		if exists(dir, f) {
			out = append(out, Link{Text: f, Href: href(f)})
		}
	}
	more, _ := filepath.Glob(filepath.Join(dir, "junit", "*.xml"))
	logs, _ := filepath.Glob(filepath.Join(dir, "logs", "*.log"))
	for _, f := range append(more, logs...) {
		r := rel(dir, f)
		out = append(out, Link{Text: r, Href: href(r)})
	}
	return out
}

func exists(dir, relPath string) bool {
	_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(relPath)))
	return err == nil
}

// href makes a link to a file Tandem wrote, relative to the report. Only
// relative paths without a scheme are links; anything else becomes "".
func href(relPath string) string {
	p := path.Clean(relPath)
	if strings.HasSuffix(relPath, "/") {
		p += "/"
	}
	if p == "." || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "../") || p == ".." || strings.Contains(p, "\\") {
		return ""
	}
	u := url.URL{Path: p}
	return u.String()
}

// slug makes an anchor name: lower-case letters, digits and dashes.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
