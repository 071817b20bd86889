package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/tandem-harness/tandem/internal/reaper"
)

// `tandem reaper` (hidden) is Tandem's stand-in for testcontainers' Ryuk:
// when every test process of a session is gone, however it ended, it removes
// the session's containers, networks and volumes. `tandem setup` builds the
// executable into tandem.local/testcontainers/ryuk:0.14.0 and tags it
// testcontainers/ryuk:0.14.0, the image testcontainers-go starts as its reaper
// (internal/docker.Configure turns the reaper on when that image exists). See
// internal/reaper for the protocol.
//
// Settings, from the environment (the names Ryuk uses; testcontainers passes
// them on):
//
//	RYUK_PORT                  port to listen on (default 8080)
//	RYUK_CONNECTION_TIMEOUT    exit when no client connected within this (default 1m)
//	RYUK_RECONNECTION_TIMEOUT  wait this long after the last client left (default 5s)
//	RYUK_VERBOSE               true: say every connection and removal
func runReaper(ctx context.Context, args []string, stdout, _ io.Writer) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("tandem reaper takes no arguments, only RYUK_* environment variables")}
	}
	if code := serveReaper(ctx, stdout); code != 0 {
		return exitError{code: code}
	}
	return nil
}

func serveReaper(ctx context.Context, stdout io.Writer) int {
	logger := log.New(stdout, "", log.LstdFlags|log.Lmicroseconds)
	port := ryukSetting("RYUK_PORT", "8080")
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		logger.Printf("RYUK_PORT=%q is not a port number", port)
		return 2
	}
	connTimeout, err1 := ryukDuration("RYUK_CONNECTION_TIMEOUT", reaper.DefaultConnectionTimeout)
	reconnTimeout, err2 := ryukDuration("RYUK_RECONNECTION_TIMEOUT", reaper.DefaultReconnectionTimeout)
	if err := errors.Join(err1, err2); err != nil {
		logger.Print(err)
		return 2
	}
	verbose, _ := strconv.ParseBool(os.Getenv("RYUK_VERBOSE"))

	engine, err := reaper.NewDocker()
	if err != nil {
		logger.Printf("docker client: %v", err)
		return 1
	}
	defer engine.Close()

	ln, err := net.Listen("tcp", ":"+port)
	if err != nil {
		logger.Printf("listen: %v", err)
		return 1
	}
	// testcontainers waits for this word in the log before it connects.
	logger.Printf("Started: listening on %s (connection timeout %s, reconnection timeout %s)", ln.Addr(), connTimeout, reconnTimeout)

	opts := []reaper.Option{reaper.WithConnectionTimeout(connTimeout), reaper.WithReconnectionTimeout(reconnTimeout)}
	if verbose {
		opts = append(opts, reaper.WithLog(logger.Printf))
	}
	removed, err := reaper.New(engine, opts...).Serve(ctx, ln)
	switch {
	case errors.Is(err, reaper.ErrNoClient):
		logger.Printf("no client connected within %s: nothing to do", connTimeout)
		return 0
	case errors.Is(err, context.Canceled):
		logger.Print("stopped while clients were connected: removed nothing")
		return 0
	case err != nil:
		logger.Printf("removed %s; failed: %v", removed, err)
		return 1
	}
	logger.Printf("removed %s", removed)
	return 0
}

func ryukSetting(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func ryukDuration(name string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q is not a positive duration such as 5s", name, v)
	}
	return d, nil
}
