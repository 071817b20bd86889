package results

// Environment is what a suite tells the report about the environment its
// specs ran in, so that a failed spec's requests can be followed through the
// services' logs. Suites write it to OUT/SUITE/environment.json
// (EnvironmentFile).
type Environment struct {
	Suite string `json:"suite"`
	RunID string `json:"runId"`
	// Logs is the folder of the services' logs, relative to OUT.
	Logs string `json:"logs"`
	// Timings is where the environment's start went, per service.
	Timings []ServiceTiming `json:"timings,omitempty"`
}

// ServiceTiming is one service's start: waiting for its dependencies,
// creating its container, starting it, and until it was ready.
type ServiceTiming struct {
	Service string   `json:"service"`
	Wait    Duration `json:"wait"`
	Create  Duration `json:"create"`
	Start   Duration `json:"start"`
	Ready   Duration `json:"ready"`
}
