// Package env starts a system in containers and tears it down without leaks.
//
// An environment is one running instance of a system: a private Docker network,
// one container per service reachable by its service name (and aliases) on that
// network, every resource labelled with the run id, each service's log captured
// to a file, and every published port reachable on 127.0.0.1:
//
//	sys, err := system.Load(ctx, "compose.yaml")
//	e, err := env.Start(ctx, sys)
//	defer e.Stop(context.WithoutCancel(ctx))
//	url, err := e.URL("gateway") // http://127.0.0.1:32771
//
// Services start in dependency order and independent branches start concurrently.
// A service is ready when its container has run for a short settle period
// (WithSettle) and still runs, and its readiness probe, if it has one, passed;
// HTTP and SQL probes dial the container on the environment's network, as its
// callers do, not the published port (when the engine is local; else the
// published port). A service that does not become ready in time, or whose
// container exits first, fails the start with what was probed, the last
// answer or the exit code, and its last log lines.
//
// Bind-mounted files and folders, secrets and configs are copied into a
// container before it starts. Named and anonymous volumes, and the VOLUMEs of
// an image, are volumes of the run (VolumeName), labelled like its containers
// and network and with testcontainers' session, so that Stop, `tandem down`
// and the reaper after a SIGKILL remove them; they outlive StopService.
//
// From the moment it is ready, a service that exits when nothing asked it to
// is reported: Exited is closed, Err says which service, its exit code and
// last log lines (*ExitedError), a start under way ends with it, and Wait
// returns it. StopService, Stop, and a one-shot service that others wait for
// with service_completed_successfully are exits asked for; they don't count. Start returns the partial
// environment with the error, so Stop always removes everything; with
// TANDEM_KEEP=1 a failed environment is kept up for inspection instead.
//
// A service marked x-tandem: {proxy: true} gets a toxiproxy container in front
// of it (see Proxy): the proxy takes the service's name and aliases on the
// network and the real container answers to SERVICE.upstream, so callers reach
// it through the proxy without a configuration change. The proxy is up before
// the service's dependents start, and the service counts as ready once its
// readiness probe passes through the proxy too. harness/link injects faults
// there. StopService and StartService take a service down and bring it back,
// its disk state intact.
//
// An environment watches the Docker engine from Start until Stop. When the
// engine stops answering, the environment notices within about 1.5 s: a
// start under way ends at once, and Wait (what `tandem up` blocks in)
// returns an *EngineLostError. Nothing can be removed while the engine is
// gone, so Stop waits for it up to a grace period (WithEngineGrace,
// $TANDEM_ENGINE_GRACE, default 30 s) and removes the run by its label once
// it answers; if it does not come back in time, the error says to run
// `tandem down --run ID` once it is back.
package env
