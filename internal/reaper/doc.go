// Package reaper removes what a test session leaves behind once the session's
// last process is gone. It is Tandem's own implementation of the protocol of
// testcontainers' Ryuk, served by `tandem reaper` in a scratch image that
// `tandem setup` builds from the tandem executable, so that no registry is
// needed.
//
// The protocol, as testcontainers-go v0.45.0 speaks it: a client connects over
// TCP and writes one line per filter,
//
//	label=org.testcontainers=true&label=org.testcontainers.sessionId=…&label=org.testcontainers.reap=true\n
//
// and the reaper answers each with "ACK\n". The client then keeps the
// connection open for as long as the resources it made should live: one per
// container or network, closed when it is removed or when the process ends,
// however it ends. Once every connection is closed and none is opened again
// within the reconnection timeout, the reaper removes every container, then
// network, then volume that matches any filter it received, and exits.
//
// Unlike Ryuk it accepts label filters only (a filter without one would match
// everything on the machine), leaves images alone, and leaves what was created
// after it began to remove: that belongs to a client that came too late and
// starts a reaper of its own.
package reaper
