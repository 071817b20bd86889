// Package enginetest starts a private, real Docker engine for a test: its own
// dockerd, with its own socket, image store and networks, next to the engine
// the rest of the tests use, which it never touches.
//
// Tests that stop the engine under a running Tandem (to check what a user sees
// when Docker goes away) need an engine of their own: stopping the shared one
// would break every other test. A private engine is a second dockerd in a
// short folder under /tmp (a unix socket path must stay under 108 bytes):
//
//	eng := enginetest.Start(t, "tandem.local/nats:2.15.2")
//	cmd.Env = append(os.Environ(), eng.Env()...) // DOCKER_HOST=unix:///tmp/te-…/docker.sock
//	…
//	eng.Stop(t)    // SIGTERM: the engine exits (--live-restore: its containers run on)
//	eng.Restart(t) // same flags, same data: containers and networks are still there
//
// Start copies the named images from the default engine (docker save | docker
// load over the API), since nothing can be pulled here. The engine adds no
// iptables rules (--iptables=false), and its default network sits on a bridge
// of its own, named like its folder (te-…), that Start creates and cleanup
// deletes. Two flags that look simpler would delete the machine's docker0,
// which belongs to the main engine: --bridge none at every start, and an
// address pool without --live-restore at every restart. User-defined bridge networks and ports
// published on 127.0.0.1 work through the userland proxy. Its default bridge
// and its address pool are random 10.x ranges that no route of this machine
// uses yet. t.Cleanup stops it and removes its folder and its bridges.
//
// Two limits follow from leaving the machine's shared state alone:
//   - containers of a private engine cannot reach each other: the main engine
//     turns on br_netfilter with a FORWARD policy of DROP, and a private
//     engine adds no iptables rule to let its bridges through. Readiness
//     probes from the host work (they go through published ports), so test
//     systems whose services need not talk to each other, such as scratch
//     images ready by log or HTTP;
//   - testcontainers picks its engine once per process, so Tandem code under
//     test must run in a child process with Env in its environment, not in
//     the test process (which may already be bound to the default engine).
//     Client talks to the private engine directly, for checks.
//
// It needs root and dockerd on the PATH (Debian: apt-get install docker.io);
// without them the test fails with what to do, it never skips.
package enginetest
