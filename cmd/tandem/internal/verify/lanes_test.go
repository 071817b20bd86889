package verify

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/internal/progress"
)

// Lanes run side by side, each one job at a time; the steps are recorded in
// their order whatever the order they ended in, and a failed one fails the
// phase.
func TestLanesRunSideBySideAndRecordInOrder(t *testing.T) {
	var out strings.Builder
	p := progress.Plain(&out, nil)
	release := make(chan struct{})
	suitesDone := make(chan struct{})
	var ran []string
	record := func(name string) { ran = append(ran, name) } // lane A's jobs only: one at a time
	laneA := []job{
		{name: "contracts a", suite: PartContracts, order: 0, run: func() (string, error) {
			// It ends only once the other lane's job has run: the lanes run at once.
			select {
			case <-release:
			case <-time.After(time.Minute):
				return "", errors.New("the other lane did not run while this one waited")
			}
			record("a")
			return "a verified", nil
		}},
		{name: "contracts b", suite: PartContracts, order: 1, run: func() (string, error) {
			record("b")
			return "", errors.New("b failed")
		}},
	}
	laneB := []job{{name: "suites", suite: "*", order: 2, run: func() (string, error) {
		close(release)
		close(suitesDone)
		return "2 suite(s)", nil
	}}}
	sum := &Summary{}
	if sum.lanes(p, "contracts and suites", laneA, laneB) {
		t.Error("lanes passed with a failed job")
	}
	<-suitesDone
	if strings.Join(ran, ",") != "a,b" {
		t.Errorf("lane A ran %v, want a then b", ran)
	}
	var names []string
	for _, st := range sum.Steps {
		names = append(names, st.Name)
	}
	if strings.Join(names, ",") != "contracts a,contracts b,suites" {
		t.Errorf("steps %v, want them in their order", names)
	}
	if sum.Steps[1].Passed || sum.Steps[1].Error != "b failed" || sum.Steps[1].Suite != PartContracts || !sum.Steps[2].Passed {
		t.Errorf("steps %+v", sum.Steps)
	}
	for _, want := range []string{"ok suites: 2 suite(s)", "ok contracts a: a verified", "FAILED contracts b: b failed", "FAILED contracts and suites: 2 of 3 passed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Index(out.String(), "ok suites") > strings.Index(out.String(), "ok contracts a") {
		t.Errorf("the suites' end was not shown before contracts a's, which waited for it:\n%s", out.String())
	}
}
