package report_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/results"
)

// screenshotDir is where the browser test leaves its screenshots for people
// to look at: $TANDEM_SCREENSHOTS, default out/screenshots in the repository.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("TANDEM_SCREENSHOTS"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "out", "screenshots")
}

// TestReleaseReportInChromium opens report.html, rendered from a run whose
// services answered with markup and script, in a real headless browser at a
// desktop and a phone width. Every section is there, nothing scrolls
// sideways at 1280 px and the page stays usable at 390 px, no script runs,
// nothing is fetched, and the console is clean.
func TestReleaseReportInChromium(t *testing.T) {
	dir, _ := loadFixture(t)
	page := (&url.URL{Scheme: "file", Path: filepath.Join(dir, results.ReportFile)}).String()
	shots := screenshotDir(t)
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	for _, vp := range []struct {
		name          string
		width, height int
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(vp.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			b := startBrowser(t)
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(b.openPage(ctx))
			for _, domain := range []string{"Page.enable", "Runtime.enable", "Log.enable", "Network.enable"} {
				must(b.call(ctx, domain, nil, nil))
			}
			must(b.call(ctx, "Emulation.setDeviceMetricsOverride", map[string]any{
				"width": vp.width, "height": vp.height, "deviceScaleFactor": 1, "mobile": vp.width < 600,
			}, nil))
			must(b.call(ctx, "Page.navigate", map[string]any{"url": page}, nil))
			problems := b.watchUntilLoaded(ctx, t)

			var title string
			must(b.eval(ctx, `document.title`, &title))
			if title != "Release report: NO-GO" {
				t.Errorf("document.title = %q: the page's title changed (an injected script ran?)", title)
			}
			var dom struct {
				Scripts, Handlers, JSLinks int
				Missing                    []string
				Text                       string
			}
			must(b.eval(ctx, `(() => {
				const ids = ["verdict","parts","failures","contracts","e2e","parallel-run","canary","timing","files"];
				return {
					Scripts: document.querySelectorAll("script").length,
					Handlers: [...document.querySelectorAll("*")].filter(e => [...e.attributes].some(a => a.name.startsWith("on"))).length,
					JSLinks: [...document.querySelectorAll("a[href]")].filter(a => !/^(#|[^:]*$)/.test(a.getAttribute("href"))).length,
					Missing: ids.filter(id => !document.getElementById(id)),
					Text: document.body.innerText,
				};
			})()`, &dom))
			if dom.Scripts != 0 || dom.Handlers != 0 || dom.JSLinks != 0 {
				t.Errorf("the page has %d script element(s), %d element(s) with event handlers, %d link(s) with a scheme", dom.Scripts, dom.Handlers, dom.JSLinks)
			}
			if len(dom.Missing) > 0 {
				t.Errorf("sections missing: %v", dom.Missing)
			}
			for _, shown := range []string{injectedScript, injectedImage, "javascript:alert(1)", "GO", "Contracts", "End-to-end", "Parallel run", "Canary", "How long each part took"} {
				if !strings.Contains(dom.Text, shown) {
					t.Errorf("the page does not show %q as text", shown)
				}
			}
			for _, secret := range []string{secretToken, secretPassword} {
				if strings.Contains(dom.Text, secret) {
					t.Errorf("the page shows the secret %q", secret)
				}
			}

			// Nothing scrolls sideways: the page, and at desktop width every
			// main section; at phone width, only .scroll containers may.
			var layout struct {
				Page     [2]int
				Wide     []string
				Unscroll []string
			}
			must(b.eval(ctx, `(() => {
				const wide = [...document.querySelectorAll("main > section, main > header")]
					.filter(s => s.scrollWidth > s.clientWidth + 1).map(s => s.id + " " + s.scrollWidth + ">" + s.clientWidth);
				const unscroll = [...document.querySelectorAll("table")].filter(t => !t.closest(".scroll")).map(t => t.outerHTML.slice(0, 80));
				return {Page: [document.documentElement.scrollWidth, window.innerWidth], Wide: wide, Unscroll: unscroll};
			})()`, &layout))
			if layout.Page[0] > layout.Page[1] {
				t.Errorf("the page scrolls sideways at %d px: %d px wide", vp.width, layout.Page[0])
			}
			if vp.width >= 1280 && len(layout.Wide) > 0 {
				t.Errorf("sections scroll sideways at %d px: %v", vp.width, layout.Wide)
			}
			if len(layout.Unscroll) > 0 {
				t.Errorf("tables outside a .scroll container: %v", layout.Unscroll)
			}

			b.screenshot(ctx, t, filepath.Join(shots, "report-"+strconv.Itoa(vp.width)+".png"))
			problems = append(problems, b.drain()...)
			for _, p := range problems {
				t.Errorf("browser: %s", p)
			}
		})
	}
}

// watchUntilLoaded waits for the page's load event and returns what went
// wrong on the way: console errors, exceptions, dialogs, network requests.
func (b *browser) watchUntilLoaded(ctx context.Context, t *testing.T) []string {
	t.Helper()
	var problems []string
	for {
		select {
		case ev := <-b.events:
			if ev.Method == "Page.loadEventFired" {
				return append(problems, b.drain()...)
			}
			problems = append(problems, problem(ev)...)
		case <-ctx.Done():
			t.Fatalf("the page did not load: %v", ctx.Err())
		}
	}
}

// drain returns the problems among the events received so far.
func (b *browser) drain() []string {
	var problems []string
	for {
		select {
		case ev := <-b.events:
			problems = append(problems, problem(ev)...)
		case <-time.After(300 * time.Millisecond):
			return problems
		}
	}
}

func problem(ev cdpMessage) []string {
	var p struct {
		Type    string `json:"type"`
		Message string `json:"message"`
		Entry   struct {
			Level, Text, URL string
		} `json:"entry"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
		Request struct {
			URL string `json:"url"`
		} `json:"request"`
		Args []struct {
			Value any `json:"value"`
		} `json:"args"`
	}
	_ = json.Unmarshal(ev.Params, &p)
	switch ev.Method {
	case "Runtime.exceptionThrown":
		return []string{"script error: " + p.ExceptionDetails.Text}
	case "Runtime.consoleAPICalled":
		return []string{"console." + p.Type + " called: a script ran"}
	case "Log.entryAdded":
		if p.Entry.Level == "error" || p.Entry.Level == "warning" {
			return []string{"console " + p.Entry.Level + ": " + p.Entry.Text + " " + p.Entry.URL}
		}
	case "Page.javascriptDialogOpening":
		return []string{"a dialog opened (" + p.Type + "): " + p.Message}
	case "Network.requestWillBeSent":
		if !strings.HasPrefix(p.Request.URL, "file:") && !strings.HasPrefix(p.Request.URL, "data:") {
			return []string{"the page fetched " + p.Request.URL}
		}
	}
	return nil
}

// screenshot saves a PNG of the whole page.
func (b *browser) screenshot(ctx context.Context, t *testing.T, path string) {
	t.Helper()
	var metrics struct {
		CSSContentSize struct{ Width, Height float64 } `json:"cssContentSize"`
	}
	if err := b.call(ctx, "Page.getLayoutMetrics", nil, &metrics); err != nil {
		t.Fatal(err)
	}
	var shot struct {
		Data string `json:"data"`
	}
	if err := b.call(ctx, "Page.captureScreenshot", map[string]any{
		"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": metrics.CSSContentSize.Width, "height": metrics.CSSContentSize.Height, "scale": 1},
	}, &shot); err != nil {
		t.Fatal(err)
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%.0f×%.0f px)", path, metrics.CSSContentSize.Width, metrics.CSSContentSize.Height)
}
