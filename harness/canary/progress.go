package canary

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/tandem-harness/tandem/harness/load"
)

// loadProgress writes, every second while the load runs, about how many
// requests each side has been sent (the plan's pace times the time elapsed).
// The returned func stops it.
func loadProgress(ctx context.Context, w io.Writer, plan load.Plan) (stop func()) {
	if w == nil || plan.Rate <= 0 {
		return func() {}
	}
	total := plan.Requests
	if d := int(plan.Duration.Seconds() * float64(plan.Rate)); plan.Duration > 0 && (total == 0 || d < total) {
		total = d
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	begin := time.Now()
	go func() {
		defer close(done)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				sent := min(total, int(time.Since(begin).Seconds()*float64(plan.Rate)))
				fmt.Fprintf(w, "tandem: load: about %d/%d requests sent to each side\n", sent, total)
			}
		}
	}()
	return func() { cancel(); <-done }
}
