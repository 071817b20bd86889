// Package report renders what Tandem's runs found, for people.
//
// The release report is one page a release manager reads in a minute:
// report.html opens with the verdict (go or no-go) and why in one sentence,
// then the contract matrix, the end-to-end journeys, the parallel runs, the
// canaries with their latency charts, and how long each part took. Every
// failure has an anchor; a failed spec's requests are followed through the
// services' logs (their lines merged in time order) and the whole logs are
// linked. summary.md says the same in a few lines for a pull request.
// `tandem verify` writes both; `tandem report DIR` renders them again from
// the JSON results in DIR (their schema is harness/results):
//
//	r, err := report.Write("out", "")   // out/report.html, out/summary.md
//
// Pages are self-contained: styles inline, charts as inline SVG, no script,
// and a Content-Security-Policy that forbids fetching anything. Everything
// that came from a service goes through html/template and harness/redact, so
// it is escaped, runs nothing and carries no credential; links point only to
// anchors and to files Tandem wrote, relative to the page.
package report
