package env

import (
	"context"
	"time"

	"github.com/testcontainers/testcontainers-go"
)

// Timing is where one service's start went: waiting for what it depends on,
// creating its container (building its image first when the Compose file
// says so), starting it, and waiting until its readiness probe passed.
// A phase the service never reached stays zero.
type Timing struct {
	Service string
	// Wait is from the start of the environment (which first checks the
	// images and creates the network and volumes) until the service's turn
	// came: its dependencies had reached their conditions.
	Wait   time.Duration
	Create time.Duration
	Start  time.Duration
	Ready  time.Duration
}

// Total is the service's time from the start of the environment until it was ready.
func (t Timing) Total() time.Duration { return t.Wait + t.Create + t.Start + t.Ready }

// Timings returns how each service's start went, in dependency order
// (proxies in front of services are not included). It is complete once
// Start has returned.
func (e *Env) Timings() []Timing {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Timing
	for _, n := range e.System.Order() {
		if s, ok := e.services[n]; ok {
			t := s.timing
			t.Service = n
			out = append(out, t)
		}
	}
	return out
}

// phaseClock records the phases of one service's start as they end.
type phaseClock struct {
	env   time.Time // when the environment's start began
	begin time.Time // when the service's turn came
	last  time.Time
	t     Timing
}

func newPhaseClock(envStart time.Time) *phaseClock {
	now := time.Now()
	return &phaseClock{env: envStart, begin: now, last: now, t: Timing{Wait: now.Sub(envStart)}}
}

// lap ends the phase under way and returns its length.
func (c *phaseClock) lap() time.Duration {
	now := time.Now()
	d := now.Sub(c.last)
	c.last = now
	return d
}

// createdHook ends the create phase once the container exists.
func (c *phaseClock) createdHook() testcontainers.ContainerHook {
	return func(context.Context, testcontainers.Container) error {
		c.t.Create = c.lap()
		return nil
	}
}

func (e *Env) setTiming(s *Service, t Timing) {
	e.mu.Lock()
	s.timing = t
	e.mu.Unlock()
}
