package docker

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// A run that left only a volume behind has left something: the per-test leak
// checks built on Leftovers must see it, and Sweep must remove it.
func TestLeftoversCountsVolumes(t *testing.T) {
	ctx := context.Background()
	cli, err := Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	runID := fmt.Sprintf("dockertest-volume-%d", time.Now().UnixNano())
	_, err = cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "tandem-" + runID, Labels: map[string]string{LabelRun: runID}})
	t.Cleanup(func() {
		_, _ = cli.VolumeRemove(context.Background(), "tandem-"+runID, client.VolumeRemoveOptions{Force: true})
	})
	if err != nil {
		t.Fatalf("create a labelled volume: %v", err)
	}

	left, err := Leftovers(ctx, cli, runID)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Left{Volumes: 1}); left != want {
		t.Fatalf("Leftovers with one volume of the run = %s, want %s", left, want)
	}
	if left.None() {
		t.Fatal("Leftovers says nothing is left while the run's volume is there")
	}

	removed, err := Sweep(ctx, cli, runID)
	if err != nil {
		t.Fatal(err)
	}
	if removed.Volumes != 1 {
		t.Errorf("Sweep removed %s, want the volume", removed)
	}
	if left, err := Leftovers(ctx, cli, runID); err != nil || !left.None() {
		t.Errorf("after Sweep: %s left (err %v), want nothing", left, err)
	}
}
