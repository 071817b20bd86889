package env

import (
	"io"
	"os"
	"path/filepath"
	"time"
)

// Option configures Start.
type Option func(*options)

type options struct {
	runID      string
	outDir     string
	services   []string
	sequential bool
	progress   io.Writer
	keep       bool
	extraEnv   map[string]map[string]string
	// toxiproxyImage runs the proxies of services marked x-tandem.proxy.
	toxiproxyImage string
	// engineGrace is how long Stop waits for a lost engine to come back.
	engineGrace time.Duration
	// settle is how long a container must have run, and still run, to be ready.
	settle time.Duration
}

func defaults() options {
	return options{
		outDir:   filepath.Join("out", "runs"),
		keep:     os.Getenv("TANDEM_KEEP") == "1",
		extraEnv: map[string]map[string]string{},

		toxiproxyImage: DefaultToxiproxyImage,
		engineGrace:    defaultGrace(),
		settle:         DefaultSettle,
	}
}

// WithRunID sets the run id (default: a new one from the time and random bits).
func WithRunID(id string) Option { return func(o *options) { o.runID = id } }

// WithOutputDir sets the folder under which the run's folder (logs) is created.
// Default out/runs.
func WithOutputDir(dir string) Option { return func(o *options) { o.outDir = dir } }

// WithServices starts only the named services and what they depend on.
func WithServices(names ...string) Option {
	return func(o *options) { o.services = append(o.services, names...) }
}

// WithSequential starts one service at a time in dependency order, each after
// the previous one is ready. It exists to measure what concurrent start saves.
func WithSequential() Option { return func(o *options) { o.sequential = true } }

// WithProgress writes one line per step (image check, start, ready) to w.
func WithProgress(w io.Writer) Option { return func(o *options) { o.progress = w } }

// WithKeepOnFailure keeps a failed environment up instead of removing it on Stop.
// Default: TANDEM_KEEP=1.
func WithKeepOnFailure(keep bool) Option { return func(o *options) { o.keep = keep } }

// WithEnv adds environment variables to one service's container, over those of
// the Compose file (for example PROVIDER_STATES=true for contract verification).
func WithEnv(service string, vars map[string]string) Option {
	return func(o *options) {
		if o.extraEnv[service] == nil {
			o.extraEnv[service] = map[string]string{}
		}
		for k, v := range vars {
			o.extraEnv[service][k] = v
		}
	}
}

// WithToxiproxyImage sets the image of the proxies started in front of
// services marked x-tandem.proxy. Default DefaultToxiproxyImage.
func WithToxiproxyImage(ref string) Option { return func(o *options) { o.toxiproxyImage = ref } }

// WithEngineGrace sets how long Stop waits for a Docker engine that stopped
// answering to come back, so that it can remove the environment's containers
// and networks; 0 does not wait. Default: $TANDEM_ENGINE_GRACE, else
// DefaultGrace.
func WithEngineGrace(d time.Duration) Option { return func(o *options) { o.engineGrace = d } }

// DefaultSettle is how long a service's container must have run, and still
// run, before the service counts as ready (its probe, if it has one, passing
// too): a container that exits at start is not ready, even when nothing
// probes it. It counts from the container's start, so a probe that takes
// longer costs nothing more.
const DefaultSettle = 500 * time.Millisecond

// WithSettle sets how long a container must have run, and still run, before
// its service counts as ready. Default DefaultSettle.
func WithSettle(d time.Duration) Option { return func(o *options) { o.settle = d } }
