package canary_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/canary"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/harness/traffic"
)

// compare runs catalog 1.0 against itself, with faults injected per side
// through the FAULTS variable, under 600 requests per side.
func compare(t *testing.T, baselineFaults, canaryFaults string) *canary.Outcome {
	t.Helper()
	sys, err := system.Load(context.Background(), "../../fixtures/shop/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o, err := canary.Run(t.Context(), canary.Setup{
		System: sys, Service: "catalog",
		Images:      [2]string{"tandem.local/shop-catalog:1.0", "tandem.local/shop-catalog:1.0"},
		Environment: [2]map[string]string{{"FAULTS": baselineFaults}, {"FAULTS": canaryFaults}},
		Mix: []traffic.Request{
			{Method: "GET", Path: "/products/p-1"}, {Method: "GET", Path: "/products"},
			{Method: "GET", Path: "/products/p-2"},
		},
		Rate: 300, Requests: 600, OutDir: t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestSameImageOnBothSidesPasses(t *testing.T) {
	o := compare(t, "", "")
	if o.Scorecard.Verdict != canary.VerdictPass {
		t.Errorf("A/A verdict %s (score %.0f): %s", o.Scorecard.Verdict, o.Scorecard.Score, o.Scorecard.Reason)
	}
	if o.Sent[0] != 600 || o.Sent[1] != 600 || len(o.Samples) != 1200 {
		t.Errorf("sent %v, %d samples", o.Sent, len(o.Samples))
	}
}

func TestFiftyPercentMoreLatencyOnOneEndpointFailsNamingIt(t *testing.T) {
	o := compare(t, "path=/products/p-,delay=10ms", "path=/products/p-,delay=15ms")
	if o.Scorecard.Verdict == canary.VerdictPass {
		t.Fatalf("verdict Pass with +50%% latency: %s", o.Scorecard.Reason)
	}
	if !strings.Contains(o.Scorecard.Reason, "GET /products/{id}") {
		t.Errorf("the reason does not name the endpoint: %s", o.Scorecard.Reason)
	}
	for _, m := range o.Scorecard.Metrics {
		if m.Name == "latency GET /products/{id}" && m.Classification != canary.High {
			t.Errorf("%s = %s: %s", m.Name, m.Classification, m.Reason)
		}
		if m.Name == "latency GET /products" && m.Classification != canary.Pass {
			t.Errorf("the untouched endpoint %s = %s: %s", m.Name, m.Classification, m.Reason)
		}
	}
}

func TestTwoPercentErrorsAgainstNoneFails(t *testing.T) {
	o := compare(t, "", "path=/products/p-,fail-every=50")
	if o.Scorecard.Verdict != canary.VerdictFail {
		t.Fatalf("verdict %s with 2%% errors: %s", o.Scorecard.Verdict, o.Scorecard.Reason)
	}
	if !strings.Contains(o.Scorecard.Reason, "errors GET /products/{id}") {
		t.Errorf("reason: %s", o.Scorecard.Reason)
	}
}

func TestACanaryThatDiesMidRunFailsWithTheCause(t *testing.T) {
	o := compare(t, "", "exit-after=150")
	if o.Scorecard.Verdict != canary.VerdictFail {
		t.Fatalf("verdict %s for a dead canary: %s", o.Scorecard.Verdict, o.Scorecard.Reason)
	}
	for _, want := range []string{"canary's container", "exited with code 2 during the run"} {
		if !strings.Contains(o.Scorecard.Reason, want) {
			t.Errorf("reason lacks %q: %s", want, o.Scorecard.Reason)
		}
	}
}
