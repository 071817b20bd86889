package report_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/diff"
	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/load"
	"github.com/tandem-harness/tandem/harness/parallelrun"
	"github.com/tandem-harness/tandem/harness/report"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/internal/docker"
)

// What the fixture's services sent: markup and links that must show as text
// and run nothing, and secrets that must not show at all.
const (
	injectedScript = `<script>document.title='pwned'</script>`
	injectedImage  = `<img src=x onerror=alert(1)>`
	injectedLink   = `<a href="javascript:alert(1)">details</a>`
	secretToken    = "s3cr3t"
	secretPassword = "hunter2"

	failedRequest = "e2e-1-1700000000000000001"
	stockRequest  = "e2e-1-1700000000000000002"
	runID         = "20261123-100000-abcd"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// writeFixture writes, to dir, what a verify run with one failed journey and
// one failed contract interaction leaves: summary, Ginkgo report, contract
// matrix, the e2e environment and its service logs, a parallel run and a
// canary.
func writeFixture(t testing.TB, dir string) {
	t.Helper()
	put := func(name string, v any) {
		t.Helper()
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		writeText(t, filepath.Join(dir, name), string(b))
	}
	put("summary.json", map[string]any{
		"passed": false, "startedAt": t0, "duration": "3m12s",
		"steps": []map[string]any{
			{"name": "consumer pacts", "passed": true, "duration": "12.3s", "detail": "5 pact(s): gateway-catalog, gateway-orders, notifications-orders, orders-catalog, orders-payments"},
			{"name": "publish pacts", "passed": true, "duration": "4ms", "detail": "gateway 1.0 → catalog unchanged"},
			{"name": "suites", "passed": false, "duration": "2m58s", "detail": "4 suite(s), 9 spec(s), 2 failed", "error": "4 suite(s), 9 spec(s), 2 failed"},
		},
		"suites": []any{}, "failures": []any{},
		"compile": []map[string]any{{"name": "suite binaries", "step": "suites", "duration": "48s"}},
	})

	passed := func(container, text string, d time.Duration) types.SpecReport {
		return types.SpecReport{LeafNodeType: types.NodeTypeIt, ContainerHierarchyTexts: []string{container}, LeafNodeText: text,
			State: types.SpecStatePassed, StartTime: t0, EndTime: t0.Add(d), RunTime: d}
	}
	request := func(line string) types.ReportEntry {
		return types.ReportEntry{Name: report.RequestEntry, Value: types.WrapEntryValue(line), Time: t0, Visibility: types.ReportEntryVisibilityFailureOrVerbose}
	}
	failedJourney := passed("paying for an order", "confirms a paid order and notifies the customer", 1200*time.Millisecond)
	failedJourney.State = types.SpecStateFailed
	failedJourney.Failure = types.Failure{
		Message: "Expected\n    <int>: 500\nto equal\n    <int>: 201\n500 " +
			`{"error":"payment failed: ` + strings.ReplaceAll(injectedScript+injectedImage, `"`, `\"`) + `","password":"` + secretPassword + `"}`,
		Location: types.CodeLocation{FileName: "/repo/suites/e2e/checkout_test.go", LineNumber: 27},
	}
	failedJourney.ReportEntries = types.ReportEntries{
		request("POST /api/orders X-Request-ID: " + failedRequest + " → 500"),
		request("GET /api/products/p-4 X-Request-ID: " + stockRequest + " → 200"),
	}
	failedJourney.CapturedGinkgoWriterOutput = "calling the gateway with Authorization: Bearer " + secretToken + "\n"
	failedContract := passed("provider catalog", "honours gateway 1.0: a request for product p-1", 30*time.Millisecond)
	failedContract.State = types.SpecStateFailed
	failedContract.Failure = types.Failure{
		Message:  "gateway 1.0 → a request for product p-1 (given product p-1 has stock 5) failed\n  - body $.name: Expected 'Espresso cup' but received '" + injectedImage + "'",
		Location: types.CodeLocation{FileName: "/repo/suites/contracts/providers_test.go", LineNumber: 84},
	}
	put("ginkgo.json", []types.Report{
		{SuiteDescription: "Contracts", SuitePath: "/repo/suites/contracts", SuiteSucceeded: false, StartTime: t0, RunTime: 41 * time.Second,
			SpecReports: types.SpecReports{
				passed("provider catalog", "honours gateway 1.0: a request for all products", 4*time.Second),
				failedContract,
				passed("provider orders", "honours gateway 1.0: a request for order o-1", 5*time.Second),
			}},
		{SuiteDescription: "E2E", SuitePath: "/repo/suites/e2e", SuiteSucceeded: false, StartTime: t0, RunTime: 23 * time.Second,
			SpecReports: types.SpecReports{
				{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed, RunTime: 6 * time.Second},
				passed("shopping through the gateway", "lists products with prices and stock", 40*time.Millisecond),
				failedJourney,
			}},
		{SuiteDescription: "ParallelRun", SuitePath: "/repo/suites/parallelrun", SuiteSucceeded: true, StartTime: t0, RunTime: 38 * time.Second,
			SpecReports: types.SpecReports{
				passed("catalog 1.1 against the released 1.0", "answers every request on every stack", 30*time.Second),
				passed("catalog 1.1 against the released 1.0", "differs only by the unit field its release announces", time.Millisecond),
			}},
		{SuiteDescription: "Canary", SuitePath: "/repo/suites/canary", SuiteSucceeded: true, StartTime: t0, RunTime: 52 * time.Second,
			SpecReports: types.SpecReports{passed("catalog 1.1 as a canary of 1.0", "is not worse under the same load", 50*time.Second)}},
	})

	put("contracts/matrix.json", []results.ContractRow{
		{Consumer: "gateway", ConsumerVersion: "1.0", Provider: "catalog", ProviderVersion: "1.0", Status: results.ContractFailed, Interactions: 2, Failed: 1,
			Problems: []string{"a request for product p-1: body $.name: Expected 'Espresso cup' but received '" + injectedImage + "'"}, VerifiedAt: t0},
		{Consumer: "gateway", ConsumerVersion: "1.0", Provider: "orders", ProviderVersion: "1.0", Status: results.ContractVerified, Interactions: 4, VerifiedAt: t0},
		{Consumer: "notifications", ConsumerVersion: "1.0", Provider: "orders", ProviderVersion: "1.0", Status: results.ContractNeverVerified, Interactions: 1},
		{Consumer: "orders", ConsumerVersion: "1.0", Provider: "catalog", ProviderVersion: "1.0", Status: results.ContractVerified, Interactions: 3, VerifiedAt: t0},
		{Consumer: "orders", ConsumerVersion: "1.1", Provider: "payments", ProviderVersion: "1.0", Status: results.ContractPending, Interactions: 2, Failed: 1, VerifiedAt: t0},
	})

	runDir := filepath.Join(dir, "runs", runID)
	timings := []env.Timing{
		{Service: "catalog-db", Create: 300 * time.Millisecond, Start: 400 * time.Millisecond, Ready: 8200 * time.Millisecond},
		{Service: "catalog", Wait: 8900 * time.Millisecond, Create: 90 * time.Millisecond, Start: 200 * time.Millisecond, Ready: 150 * time.Millisecond},
		{Service: "gateway", Wait: 9400 * time.Millisecond, Create: 80 * time.Millisecond, Start: 180 * time.Millisecond, Ready: 20 * time.Millisecond},
	}
	if err := report.WriteEnvironment(dir, "e2e", runID, runDir, timings...); err != nil {
		t.Fatal(err)
	}
	logLine := func(ms int, service, level, msg, id string, extra string) string {
		line := `{"time":"` + t0.Add(6*time.Second+time.Duration(ms)*time.Millisecond).Format(time.RFC3339Nano) + `","level":"` + level + `","msg":` + quote(msg) + `,"service":"` + service + `","version":"1.0"`
		if extra != "" {
			line += "," + extra
		}
		if id != "" {
			line += `,"request_id":"` + id + `"`
		}
		return line + "}\n"
	}
	writeText(t, filepath.Join(runDir, "logs", "gateway.log"),
		logLine(-5000, "gateway", "INFO", "listening", "", `"addr":"[::]:8080"`)+
			logLine(120, "gateway", "ERROR", "place order failed: orders answered 500: "+injectedScript, failedRequest, "")+
			logLine(121, "gateway", "INFO", "request", failedRequest, `"method":"POST","path":"/api/orders","status":500,"duration_ms":121.5`)+
			logLine(300, "gateway", "INFO", "request", stockRequest, `"method":"GET","path":"/api/products/p-4","status":200`)+
			logLine(400, "gateway", "INFO", "request", failedRequest+"0", `"method":"GET","path":"/api/other","status":200`))
	writeText(t, filepath.Join(runDir, "logs", "orders.log"),
		logLine(2, "orders", "INFO", "placing order", failedRequest, `"customer_id":"c-1","authorization":"Bearer `+secretToken+`"`)+
			logLine(90, "orders", "ERROR", "payment failed: see "+injectedLink, failedRequest, `"card":"tok_visa","password":"`+secretPassword+`"`)+
			"WARN retrying "+failedRequest+" with password="+secretPassword+" javascript:alert(1)\n"+
			logLine(110, "orders", "INFO", "request", failedRequest, `"method":"POST","path":"/orders","status":500`))
	writeText(t, filepath.Join(runDir, "logs", "catalog.log"),
		logLine(30, "catalog", "INFO", "request", failedRequest, `"method":"POST","path":"/reservations","status":201`)+
			logLine(299, "catalog", "INFO", "request", stockRequest, `"method":"GET","path":"/products/p-4","status":200`))
	writeText(t, filepath.Join(runDir, "logs", "catalog-db.log"), "LOG:  database system is ready to accept connections\n")

	outcome := &parallelrun.Outcome{
		Images: [3]string{"tandem.local/shop-catalog:1.0", "tandem.local/shop-catalog:1.0", "tandem.local/shop-catalog:1.1"}, Service: "catalog", StartedAt: t0,
		Summary: parallelrun.Summary{Requests: 39, Sent: 39, Duration: 21 * time.Second},
		Report: diff.Report{Thresholds: diff.DefaultThresholds(), Requests: 39, Reported: 1, Endpoints: []diff.EndpointReport{{
			Endpoint: "GET /products/{id}", Requests: 18, Differing: 18, Reported: 1,
			Fields: []diff.FieldReport{
				{Path: "body.unit", Raw: 18, Noise: 0, RelativePercent: 100, AbsolutePercent: 100, Reported: true, Reason: "reported",
					Examples: []diff.Example{{Exchange: 1, Kind: diff.Extra, Primary: "", Candidate: injectedImage}}},
				{Path: "body.served_at", Raw: 18, Noise: 18, Reason: "noise: the secondary differs as often"},
			},
		}}, Exchanges: []diff.Exchange{{ID: 1,
			Request:   diff.RequestExcerpt{Method: "GET", Path: "/products/p-1"},
			Primary:   diff.ResponseExcerpt{Status: 200, Body: diff.BodyExcerpt{Text: `{"id":"p-1"}`}},
			Secondary: diff.ResponseExcerpt{Status: 200, Body: diff.BodyExcerpt{Text: `{"id":"p-1"}`}},
			Candidate: diff.ResponseExcerpt{Status: 200, Body: diff.BodyExcerpt{Text: `{"id":"p-1","unit":"` + strings.ReplaceAll(injectedImage, `"`, `\"`) + `"}`}},
		}}},
	}
	if err := report.WriteDiffFiles(filepath.Join(dir, "parallelrun", "catalog"), outcome); err != nil {
		t.Fatal(err)
	}

	var samples []load.Sample
	for i := range 400 {
		for _, side := range []load.Side{load.Baseline, load.Canary} {
			ep := []string{"GET /products", "GET /products/{id}"}[i%2]
			ms := 2 + (i*7919)%13
			samples = append(samples, load.Sample{Side: side, Endpoint: ep, Latency: time.Duration(ms) * time.Millisecond, Status: 200, At: t0.Add(time.Duration(i) * 5 * time.Millisecond)})
		}
	}
	co := &canary.Outcome{Service: "catalog", Images: [2]string{"tandem.local/shop-catalog:1.0", "tandem.local/shop-catalog:1.1"}, StartedAt: t0,
		Samples: samples, Sent: [2]int{400, 400}, Elapsed: 48 * time.Second, Usage: [2][]docker.Usage{}}
	co.Scorecard = canary.Judge(canary.DefaultConfig(), canary.Inputs("catalog", samples, co.Usage))
	if err := report.WriteCanaryFiles(filepath.Join(dir, "canary", "catalog"), co); err != nil {
		t.Fatal(err)
	}
}

func writeText(t testing.TB, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
