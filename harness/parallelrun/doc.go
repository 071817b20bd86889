// Package parallelrun runs a parallel run: three isolated stacks of one service
// — primary (the released version), secondary (released again, to learn the
// noise) and candidate — each with its own copy of the service's dependencies,
// and sends every request to all three.
//
// Traffic is replayed from a recording (traffic.Load, traffic.FromPact) with
// Replay — each stack is sent the requests in the recorded order at its own
// pace, at most Window requests ahead of the slowest, and a request is
// compared once all three answered it — or multicast live with Listen, which
// answers clients with the primary's response. Each exchange goes to a Sink — in Tandem, a
// diff.Collector — and the run reports what each stack lost, for instance a
// candidate that crashed half way.
package parallelrun
