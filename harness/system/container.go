package system

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
)

// Container holds a service's container settings that Tandem carries to the
// engine as docker compose does: who runs the process, where, with which
// signals and limits. A zero value leaves the image's and the engine's
// defaults.
type Container struct {
	User       string // user, "NAME", "UID" or "UID:GID"
	WorkingDir string // working_dir
	// Tmpfs are in-memory mounts: "/path" or "/path:size=64m,mode=1777".
	Tmpfs []string
	// ExtraHosts are extra /etc/hosts entries, "name:address", sorted.
	ExtraHosts []string
	Init       *bool  // init: run an init process as PID 1
	StopSignal string // stop_signal, e.g. "SIGINT"
	// StopGracePeriod is how long a stopped container gets to exit before it
	// is killed; zero leaves Tandem's default.
	StopGracePeriod time.Duration
	// MemoryBytes and NanoCPUs are the limits of mem_limit and cpus, or of
	// deploy.resources.limits (compose-go refuses the two when they differ).
	MemoryBytes int64
	NanoCPUs    int64
	// Hostname is the container's host name (hostname).
	Hostname string
	// Labels are the service's labels; none is in Tandem's own namespace
	// (dev.tandem.).
	Labels map[string]string
	// ShmSize is the size of /dev/shm in bytes (shm_size); zero leaves the
	// engine's 64 MiB.
	ShmSize int64
}

// containerSettings reads the container settings of sc.
func containerSettings(sc types.ServiceConfig) (Container, error) {
	c := Container{
		User:        sc.User,
		WorkingDir:  sc.WorkingDir,
		Tmpfs:       slices.Clone(sc.Tmpfs),
		ExtraHosts:  sc.ExtraHosts.AsList(":"),
		Init:        sc.Init,
		StopSignal:  sc.StopSignal,
		MemoryBytes: int64(sc.MemLimit),
		NanoCPUs:    nanoCPUs(sc.CPUS),
		Hostname:    sc.Hostname,
		Labels:      map[string]string(sc.Labels),
		ShmSize:     int64(sc.ShmSize),
	}
	slices.Sort(c.ExtraHosts)
	if sc.StopGracePeriod != nil {
		c.StopGracePeriod = time.Duration(*sc.StopGracePeriod)
	}
	if d := sc.Deploy; d != nil && d.Resources.Limits != nil {
		if m := int64(d.Resources.Limits.MemoryBytes); m != 0 {
			c.MemoryBytes = m
		}
		if n := nanoCPUs(d.Resources.Limits.NanoCPUs.Value()); n != 0 {
			c.NanoCPUs = n
		}
	}
	if c.WorkingDir != "" && !strings.HasPrefix(c.WorkingDir, "/") {
		return c, fmt.Errorf("working_dir: %q is not an absolute path; write the folder as the container sees it, from /", c.WorkingDir)
	}
	for i, t := range c.Tmpfs {
		if !strings.HasPrefix(t, "/") {
			return c, fmt.Errorf("tmpfs[%d]: %q is not an absolute path; write the folder as the container sees it, from /", i, t)
		}
	}
	for k := range c.Labels {
		if strings.HasPrefix(k, "dev.tandem.") {
			return c, fmt.Errorf("labels.%s: the dev.tandem. prefix is Tandem's own (it finds and removes a run's containers by it); rename the label", k)
		}
	}
	if c.NanoCPUs < 0 {
		return c, fmt.Errorf("cpus: %v is negative; give the number of CPUs the service may use, such as 0.5", sc.CPUS)
	}
	return c, nil
}

// nanoCPUs converts a CPU count such as 0.5 to billionths of a CPU, as
// `docker run --cpus` does, without float32 noise (0.1 is 100000000).
func nanoCPUs(cpus float32) int64 {
	if cpus == 0 {
		return 0
	}
	f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(cpus), 'f', -1, 32), 64)
	return int64(math.Round(f * 1e9))
}
