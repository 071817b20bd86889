package report

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"
)

// Series is one line of a chart.
type Series struct {
	Name   string
	Color  string
	Values []float64
}

// CDF draws the cumulative distributions of the series as an inline SVG:
// x is the value (log scale when the range is wide), y the share of samples
// at or below it. Long series are reduced to at most 200 points each.
func CDF(title, unit string, series ...Series) template.HTML {
	const w, h, left, bottom, top, right = 640.0, 260.0, 56.0, 36.0, 24.0, 16.0
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %g %g" width="%g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, w, template.HTMLEscapeString(title))
	fmt.Fprintf(&b, `<text x="%g" y="16" font-size="13" font-weight="600">%s</text>`, left, template.HTMLEscapeString(title))
	if math.IsInf(lo, 1) {
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="12" fill="#57606a">no data</text></svg>`, left, h/2)
		return template.HTML(b.String()) //nolint:gosec // numbers and escaped text only
	}
	logScale := lo > 0 && hi/lo > 20
	scale := func(v float64) float64 {
		if hi == lo {
			return left + (w-left-right)/2
		}
		if logScale {
			return left + (math.Log(v)-math.Log(lo))/(math.Log(hi)-math.Log(lo))*(w-left-right)
		}
		return left + (v-lo)/(hi-lo)*(w-left-right)
	}
	y := func(q float64) float64 { return top + (1-q)*(h-top-bottom) }
	// Axes and gridlines.
	fmt.Fprintf(&b, `<g stroke="#d0d7de" stroke-width="1">`)
	for _, q := range []float64{0, .5, .95, 1} {
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f"/>`, left, w-right, y(q), y(q))
	}
	fmt.Fprintf(&b, `</g><g font-size="11" fill="#57606a">`)
	for _, q := range []float64{0, .5, .95, 1} {
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end">p%g</text>`, left-6, y(q)+4, q*100)
	}
	for _, v := range ticks(lo, hi, logScale) {
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="middle">%s</text>`, scale(v), h-bottom+16, trimFloat(v))
	}
	fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="end">%s%s</text></g>`, w-right, h-4, template.HTMLEscapeString(unit), map[bool]string{true: " (log scale)", false: ""}[logScale])
	// Lines.
	for i, s := range series {
		vals := append([]float64(nil), s.Values...)
		sort.Float64s(vals)
		var pts []string
		step := max(1, len(vals)/200)
		for j := 0; j < len(vals); j += step {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", scale(vals[j]), y(float64(j+1)/float64(len(vals)))))
		}
		if n := len(vals); n > 0 {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", scale(vals[n-1]), y(1)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, color(s.Color, i), strings.Join(pts, " "))
		fmt.Fprintf(&b, `<rect x="%g" y="%g" width="10" height="10" fill="%s"/><text x="%g" y="%g" font-size="12">%s (n=%d)</text>`,
			w-right-170, top+4+float64(i)*16, color(s.Color, i), w-right-155, top+13+float64(i)*16, template.HTMLEscapeString(s.Name), len(s.Values))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // numbers and escaped text only
}

func color(c string, i int) string {
	if c != "" && strings.Trim(c, "#0123456789abcdefABCDEF") == "" {
		return c
	}
	return []string{"#0969da", "#cf222e", "#1a7f37", "#8250df"}[i%4]
}

func ticks(lo, hi float64, logScale bool) []float64 {
	if lo == hi {
		return []float64{lo}
	}
	var out []float64
	for i := 0; i <= 4; i++ {
		f := float64(i) / 4
		if logScale {
			out = append(out, math.Exp(math.Log(lo)+f*(math.Log(hi)-math.Log(lo))))
		} else {
			out = append(out, lo+f*(hi-lo))
		}
	}
	return out
}

func trimFloat(v float64) string {
	switch {
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}
