package env

import (
	"strings"

	"github.com/moby/moby/api/types/container"

	"github.com/tandem-harness/tandem/harness/system"
)

// applyConfig carries a service's container settings (user, working_dir,
// stop_signal, stop_grace_period, hostname, labels) and healthcheck into the
// engine's container config.
func applyConfig(svc *system.Service, c *container.Config) {
	s := svc.Container
	c.User = s.User
	c.WorkingDir = s.WorkingDir
	c.StopSignal = s.StopSignal
	c.Hostname = s.Hostname
	if c.Labels == nil && len(s.Labels) > 0 {
		c.Labels = map[string]string{}
	}
	for k, v := range s.Labels {
		if _, ours := c.Labels[k]; !ours { // system refuses dev.tandem.*; testcontainers' own stay
			c.Labels[k] = v
		}
	}
	if s.StopGracePeriod > 0 {
		secs := int((s.StopGracePeriod + 999_999_999) / 1_000_000_000) // the engine counts whole seconds: round up
		c.StopTimeout = &secs
	}
	if hc := svc.Healthcheck; hc != nil {
		c.Healthcheck = &container.HealthConfig{
			Test: hc.Test, Interval: hc.Interval, Timeout: hc.Timeout,
			Retries: hc.Retries, StartPeriod: hc.StartPeriod,
		}
	}
}

// applyHostConfig carries a service's tmpfs mounts, extra_hosts, init,
// limits and shm_size into the engine's host config.
func applyHostConfig(svc *system.Service, hc *container.HostConfig) {
	s := svc.Container
	if len(s.Tmpfs) > 0 {
		hc.Tmpfs = map[string]string{}
		for _, t := range s.Tmpfs {
			path, opts, _ := strings.Cut(t, ":")
			hc.Tmpfs[path] = opts
		}
	}
	hc.ExtraHosts = append(hc.ExtraHosts, s.ExtraHosts...)
	hc.Init = s.Init
	hc.Memory = s.MemoryBytes
	hc.NanoCPUs = s.NanoCPUs
	hc.ShmSize = s.ShmSize
}
