package docker

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// Usage is one reading of a container's resources.
type Usage struct {
	At time.Time `json:"at"`
	// CPU is the share of one core used since the previous reading, in percent
	// (200 means two cores busy).
	CPU float64 `json:"cpuPercent"`
	// MemoryMB is the memory in use, page cache excluded, in MiB.
	MemoryMB float64 `json:"memoryMB"`
}

// FollowUsage streams a container's resource usage (one reading a second, as
// the engine sends them) to fn until ctx ends or the container stops.
func FollowUsage(ctx context.Context, cli *testcontainers.DockerClient, id string, fn func(Usage)) error {
	res, err := cli.ContainerStats(ctx, id, client.ContainerStatsOptions{Stream: true})
	if err != nil {
		return err
	}
	defer res.Body.Close()
	dec := json.NewDecoder(res.Body)
	for {
		var s container.StatsResponse
		if err := dec.Decode(&s); err != nil {
			if errors.Is(err, io.EOF) || ctx.Err() != nil {
				return nil
			}
			return err
		}
		if u, ok := usageOf(s); ok {
			fn(u)
		}
	}
}

// usageOf computes CPU percent and memory from one stats document, as the
// docker CLI does. The first document has no previous CPU reading.
func usageOf(s container.StatsResponse) (Usage, bool) {
	cpuDelta := float64(s.CPUStats.CPUUsage.TotalUsage) - float64(s.PreCPUStats.CPUUsage.TotalUsage)
	sysDelta := float64(s.CPUStats.SystemUsage) - float64(s.PreCPUStats.SystemUsage)
	if s.PreCPUStats.SystemUsage == 0 || sysDelta <= 0 {
		return Usage{}, false
	}
	cpus := float64(s.CPUStats.OnlineCPUs)
	if cpus == 0 {
		cpus = float64(len(s.CPUStats.CPUUsage.PercpuUsage))
	}
	if cpus == 0 {
		cpus = 1
	}
	mem := float64(s.MemoryStats.Usage)
	if v, ok := s.MemoryStats.Stats["inactive_file"]; ok && float64(v) < mem {
		mem -= float64(v)
	} else if v, ok := s.MemoryStats.Stats["total_inactive_file"]; ok && float64(v) < mem {
		mem -= float64(v)
	}
	return Usage{At: s.Read, CPU: cpuDelta / sysDelta * cpus * 100, MemoryMB: mem / (1 << 20)}, true
}
