package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/tandem-harness/tandem/harness/broker"
	"github.com/tandem-harness/tandem/harness/contract"
)

// Environment variables tandem broker reads its tokens from when no file is given.
const (
	brokerTokenVar     = "TANDEM_BROKER_TOKEN"
	brokerReadTokenVar = "TANDEM_BROKER_READ_TOKEN"
)

func runBroker(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("broker", "--listen ADDR --store DIR [--token-file FILE] [--read-token-file FILE] [--basic-auth-file FILE] [--allow-public-read]",
		"Serve the contract store over the Pact Broker HTTP API, for the pact CLI, pact verifier and pact-js.", stderr)
	listen := fs.String("listen", "127.0.0.1:9292", "the `address` to listen on")
	dir := fs.String("store", "contracts", "the contract store `folder`")
	tokenFile := fs.String("token-file", "", "a `file` holding the bearer token that may write (else $"+brokerTokenVar+")")
	readTokenFile := fs.String("read-token-file", "", "a `file` holding a bearer token that may only read (else $"+brokerReadTokenVar+")")
	basicFile := fs.String("basic-auth-file", "", "a `file` of user:password lines that may write")
	publicRead := fs.Bool("allow-public-read", false, "let requests without credentials read")
	fs.footer = "Environment: " + brokerTokenVar + " (write token), " + brokerReadTokenVar + " (read-only token).\nCredentials never go on the command line, and are never logged."
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := fs.NoArgs(); err != nil {
		return err
	}
	auth := broker.Auth{PublicRead: *publicRead}
	var err error
	if auth.WriteToken, err = secret(*tokenFile, brokerTokenVar); err != nil {
		return err
	}
	if auth.ReadToken, err = secret(*readTokenFile, brokerReadTokenVar); err != nil {
		return err
	}
	if *basicFile != "" {
		if auth.Basic, err = broker.ReadBasicAuthFile(*basicFile); err != nil {
			return err
		}
	}
	store, err := contract.Open(*dir)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := broker.New(store, auth, broker.WithLogger(logger))
	if err != nil {
		return fmt.Errorf("start broker: %w", err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("start broker: %w; choose another --listen address", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "tandem broker: serving %s at http://%s (Ctrl-C stops)\n", *dir, ln.Addr())
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("broker: %w", err)
	case <-ctx.Done():
	}
	// Let requests in flight finish: a publication acknowledged is on disk.
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return fmt.Errorf("stop broker: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("broker: %w", err)
	}
	fmt.Fprintln(stdout, "tandem broker: stopped")
	return nil
}

// secret reads a token from file, or else from the environment variable.
func secret(file, envVar string) (string, error) {
	if file != "" {
		return broker.ReadSecretFile(file)
	}
	return os.Getenv(envVar), nil
}
