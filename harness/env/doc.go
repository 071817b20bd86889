// Package env starts a system in containers and tears it down without leaks.
//
// An environment is one running instance of a system: a private Docker network,
// one container per service reachable by its service name (and aliases) on that
// network, every resource labelled with the run id, each service's log captured
// to a file, and every published port reachable on 127.0.0.1:
//
//	sys, err := system.Load(ctx, "fixtures/shop/compose.yaml")
//	e, err := env.Start(ctx, sys)
//	defer e.Stop(context.WithoutCancel(ctx))
//	url, err := e.URL("gateway") // http://127.0.0.1:32771
//
// Services start in dependency order and independent branches start concurrently.
// A service that does not become ready in time fails the start with what was
// probed, the last answer and its last log lines. Start returns the partial
// environment with the error, so Stop always removes everything; with
// TANDEM_KEEP=1 a failed environment is kept up for inspection instead.
package env
