package main

import (
	"context"
	"io"
	"net"
	"os"
	"runtime/debug"
	"time"

	"github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// runToxiproxy (hidden) serves Toxiproxy's HTTP API from its Go library, as
// Toxiproxy's own server does: `tandem setup` builds the executable into
// tandem.local/toxiproxy:VERSION, which harness/env starts in front of each
// service marked x-tandem.proxy. Its flags are the server's: -host, -port.
func runToxiproxy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("toxiproxy", "[-host HOST] [-port PORT]", "Serve Toxiproxy's API (what Tandem's toxiproxy image runs).", stderr)
	host := fs.String("host", "localhost", "host for toxiproxy's API to listen on")
	port := fs.String("port", "8474", "port for toxiproxy's API to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if toxiproxy.Version == "git" {
		toxiproxy.Version = toxiproxyVersion()
	}
	logger := zerolog.New(stdout).With().Timestamp().Logger()
	if lvl, err := zerolog.ParseLevel(os.Getenv("LOG_LEVEL")); err == nil && os.Getenv("LOG_LEVEL") != "" {
		logger = logger.Level(lvl)
	}
	logger.Info().Str("version", toxiproxy.Version).Msg("Starting Toxiproxy")
	server := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), logger)
	failed := make(chan error, 1)
	go func() { failed <- server.Listen(net.JoinHostPort(*host, *port)) }()
	select {
	case err := <-failed:
		return err
	case <-ctx.Done():
	}
	logger.Info().Msg("Shutdown started")
	done := make(chan error, 1)
	go func() { done <- server.Shutdown() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		return nil
	}
}

// toxiproxyVersion is the version of the Toxiproxy module this executable
// was built with (GET /version answers it, as the released server does).
func toxiproxyVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == "github.com/Shopify/toxiproxy/v2" {
				return m.Version[1:]
			}
		}
	}
	return "unknown"
}
