package docker

import (
	"math"
	"testing"

	"github.com/moby/moby/api/types/container"
)

func TestUsageOf(t *testing.T) {
	var s container.StatsResponse
	if _, ok := usageOf(s); ok {
		t.Error("a first reading without a previous one gave a usage")
	}
	s.PreCPUStats.CPUUsage.TotalUsage = 1_000
	s.PreCPUStats.SystemUsage = 10_000
	s.CPUStats.CPUUsage.TotalUsage = 3_000
	s.CPUStats.SystemUsage = 20_000
	s.CPUStats.OnlineCPUs = 2
	s.MemoryStats.Usage = 120 << 20
	s.MemoryStats.Stats = map[string]uint64{"inactive_file": 20 << 20}
	u, ok := usageOf(s)
	if !ok || math.Abs(u.CPU-40) > 1e-9 || math.Abs(u.MemoryMB-100) > 1e-9 {
		t.Errorf("usage = %+v, want 40%% CPU and 100 MiB", u)
	}
}
