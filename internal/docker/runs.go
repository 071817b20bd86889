package docker

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// Run is what one run has on the engine, found by LabelRun.
type Run struct {
	ID string
	// PID and Host say which process started the run, where (LabelPID,
	// LabelHost); zero and empty when the resources do not say.
	PID  int
	Host string
	// What the run has on the engine.
	Containers, Networks, Volumes int
}

// Runs lists the runs that have containers, networks or volumes on the
// engine, by id; only run runID when it is not empty.
func Runs(ctx context.Context, cli *testcontainers.DockerClient, runID string) ([]Run, error) {
	f := client.Filters{}
	if runID == "" {
		f = f.Add("label", LabelRun)
	} else {
		f = f.Add("label", LabelRun+"="+runID)
	}
	runs := map[string]*Run{}
	note := func(labels map[string]string, count func(*Run)) {
		id := labels[LabelRun]
		r := runs[id]
		if r == nil {
			r = &Run{ID: id}
			runs[id] = r
		}
		if pid, err := strconv.Atoi(labels[LabelPID]); err == nil && r.PID == 0 {
			r.PID = pid
		}
		if h := labels[LabelHost]; h != "" && r.Host == "" {
			r.Host = h
		}
		count(r)
	}
	ctrs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	for _, c := range ctrs.Items {
		note(c.Labels, func(r *Run) { r.Containers++ })
	}
	nets, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", err)
	}
	for _, n := range nets.Items {
		note(n.Labels, func(r *Run) { r.Networks++ })
	}
	vols, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list volumes: %w", err)
	}
	for _, v := range vols.Items {
		note(v.Labels, func(r *Run) { r.Volumes++ })
	}
	out := make([]Run, 0, len(runs))
	for _, r := range runs {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Alive says whether the process that started the run may still use it, and
// why: a run started on another host counts as alive (its process cannot be
// checked from here), a run that names no process as dead. running reports
// whether a process runs on this machine (ProcessRunning).
func (r Run) Alive(host string, running func(pid int) bool) (bool, string) {
	switch {
	case r.Host != "" && r.Host != host:
		return true, fmt.Sprintf("started on host %s, whose processes cannot be checked from here", r.Host)
	case r.PID <= 0:
		return false, "it names no process (" + LabelPID + ")"
	case running(r.PID):
		return true, fmt.Sprintf("process %d still runs", r.PID)
	default:
		return false, fmt.Sprintf("process %d is gone", r.PID)
	}
}
