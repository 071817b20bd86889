package env_test

import (
	"testing"
	"time"
)

// Each service's start is broken down into its phases, in dependency order;
// the bounds asserted follow from the system itself (back answers its probe
// 1.5 s after it starts; front waits until back is ready), so a slow machine
// cannot break them.
func TestTimingsBreakEachServiceStartDown(t *testing.T) {
	sys := loadSystem(t, threeServices, map[string]string{"seed.txt": "seed rows"})
	e, err := start(t, sys)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	timings := e.Timings()
	var names []string
	for _, tm := range timings {
		names = append(names, tm.Service)
		if tm.Create <= 0 || tm.Start <= 0 || tm.Ready <= 0 {
			t.Errorf("%s: a phase was not recorded: %+v", tm.Service, tm)
		}
		if tm.Total() > e.StartupTime() {
			t.Errorf("%s: total %s is longer than the environment's start %s", tm.Service, tm.Total(), e.StartupTime())
		}
	}
	want := sys.Order()
	if len(names) != len(want) {
		t.Fatalf("timings for %v, want one per service %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("timings in order %v, want dependency order %v", names, want)
		}
	}
	byName := map[string]time.Duration{}
	for _, tm := range timings {
		byName[tm.Service+".wait"] = tm.Wait
		byName[tm.Service+".ready"] = tm.Ready
		byName[tm.Service+".total"] = tm.Total()
	}
	if byName["back.ready"] < 1500*time.Millisecond {
		t.Errorf("back became ready %s after it started; it answers its probe only after 1.5s", byName["back.ready"])
	}
	if byName["front.wait"] < byName["back.total"] {
		t.Errorf("front waited %s for its turn, less than back took to become ready (%s)", byName["front.wait"], byName["back.total"])
	}
}
