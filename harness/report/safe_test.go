package report

import (
	"strings"
	"testing"
)

// Every template.HTML the package makes is audited here: what came from a
// service is escaped, and only our own markup remains.
func TestHighlightEscapesEveryPieceAndAddsOnlyMarks(t *testing.T) {
	for _, tc := range []struct{ name, text, value, want string }{
		{"markup in the text", `{"unit":"<script>alert(1)</script>"}`, "<script>alert(1)</script>",
			`{&#34;unit&#34;:&#34;<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>&#34;}`},
		{"a value inside an entity", `a&b <i>`, "amp;", `a&amp;b &lt;i&gt;`},
		{"an attribute breakout", `x" onerror="alert(1)`, `"`, `x<mark>&#34;</mark> onerror=<mark>&#34;</mark>alert(1)`},
		{"no value", `<img src=x onerror=alert(1)>`, "", `&lt;img src=x onerror=alert(1)&gt;`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(highlight(tc.text, tc.value))
			if got != tc.want {
				t.Errorf("highlight(%q, %q)\n got %s\nwant %s", tc.text, tc.value, got, tc.want)
			}
			rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got)
			if strings.ContainsAny(rest, "<>\"") {
				t.Errorf("markup besides <mark> in %s", got)
			}
		})
	}
}

func TestChartEscapesNamesAndTitles(t *testing.T) {
	svg := string(CDF(`latency GET /x"><script>alert(1)</script>`, `ms</text><script>`,
		Series{Name: `<img src=x onerror=alert(1)>`, Color: `red;background:url(javascript:alert(1))`, Values: []float64{1, 2, 3}}))
	for _, bad := range []string{"<script", "<img", "javascript:"} {
		if strings.Contains(svg, bad) {
			t.Errorf("the chart contains %q: %s", bad, svg)
		}
	}
}

func TestHrefLinksOnlyToRelativeFiles(t *testing.T) {
	for in, want := range map[string]string{
		"runs/20261123-100000-abcd/logs/gateway.log": "runs/20261123-100000-abcd/logs/gateway.log",
		"runs/a b/logs/":                  "runs/a%20b/logs/",
		"javascript:alert(1)":             "./javascript:alert%281%29",
		"/etc/passwd":                     "",
		"../secrets.txt":                  "",
		"runs/../../x":                    "",
		`runs\..\x`:                       "",
		"parallelrun/catalog/diff.html#x": "parallelrun/catalog/diff.html%23x",
	} {
		if got := href(in); got != want {
			t.Errorf("href(%q) = %q, want %q", in, got, want)
		}
	}
}
