package reaper

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"sync"
	"time"
)

// Defaults. The reconnection timeout is shorter than Ryuk's 10 s so that a
// killed run is gone within 15 s: 5 s of waiting plus the removal.
const (
	DefaultConnectionTimeout   = time.Minute
	DefaultReconnectionTimeout = 5 * time.Second
)

// Reaper serves the Ryuk protocol on a listener. Build one with New.
type Reaper struct {
	opts   options
	pruner pruner

	mu        sync.Mutex
	conns     int               // open client connections
	connected bool              // a client connected at least once
	idleGen   int               // bumped whenever conns changes: stale idle timers see it
	closing   bool              // decided to prune: new clients are turned away
	filters   map[string]Filter // every filter received, by canonical form
	live      map[net.Conn]bool // open connections, closed on exit
	idle      chan struct{}     // the reconnection timeout passed with no client
	wg        sync.WaitGroup    // connection handlers
}

// Option configures a Reaper.
type Option func(*options)

type options struct {
	connectionTimeout   time.Duration
	reconnectionTimeout time.Duration
	attempts            int
	retryDelay          time.Duration
	logf                func(format string, args ...any)
}

// WithConnectionTimeout sets how long the reaper waits for its first client
// before it exits without removing anything. Default one minute.
func WithConnectionTimeout(d time.Duration) Option {
	return func(o *options) { o.connectionTimeout = d }
}

// WithReconnectionTimeout sets how long the reaper waits, once its last client
// is gone, for a client to connect again before it removes everything.
// Default 5 s.
func WithReconnectionTimeout(d time.Duration) Option {
	return func(o *options) { o.reconnectionTimeout = d }
}

// WithRetries sets how often removing a kind of resource is tried, and the
// pause between tries (a network is in use for a moment after its last
// container went). Default 10 tries, 500 ms apart.
func WithRetries(attempts int, delay time.Duration) Option {
	return func(o *options) { o.attempts, o.retryDelay = attempts, delay }
}

// WithLog sets where the reaper says what it does. Default: nowhere.
func WithLog(logf func(format string, args ...any)) Option {
	return func(o *options) { o.logf = logf }
}

// New returns a reaper that removes through engine.
func New(engine Engine, opts ...Option) *Reaper {
	o := options{
		connectionTimeout:   DefaultConnectionTimeout,
		reconnectionTimeout: DefaultReconnectionTimeout,
		attempts:            10,
		retryDelay:          500 * time.Millisecond,
		logf:                func(string, ...any) {},
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.attempts < 1 {
		o.attempts = 1
	}
	return &Reaper{
		opts:    o,
		pruner:  pruner{engine: engine, attempts: o.attempts, retryDelay: o.retryDelay, logf: o.logf},
		filters: map[string]Filter{},
		live:    map[net.Conn]bool{},
		idle:    make(chan struct{}, 1),
	}
}

// ErrNoClient is returned by Serve when no client connected within the
// connection timeout.
var ErrNoClient = errors.New("no client connected")

// Serve accepts clients on ln until the reaper is done, and closes ln. It
// returns after removing what the filters match, when every client has been
// gone for the reconnection timeout. When ctx ends first (the reaper was told
// to stop), it removes what the filters match only if no client is connected:
// the resources of a live client are not the reaper's to take. Without any
// client within the connection timeout it returns ErrNoClient.
func (r *Reaper) Serve(ctx context.Context, ln net.Listener) (Removed, error) {
	accepted := make(chan error, 1)
	go func() { accepted <- r.accept(ln) }()
	defer func() {
		ln.Close()
		r.mu.Lock()
		for c := range r.live {
			c.Close()
		}
		r.mu.Unlock()
		r.wg.Wait()
	}()

	first := time.NewTimer(r.opts.connectionTimeout)
	defer first.Stop()
	for {
		select {
		case <-first.C:
			r.mu.Lock()
			never := !r.connected
			r.mu.Unlock()
			if never {
				r.opts.logf("no client connected within %s: exiting", r.opts.connectionTimeout)
				return Removed{}, ErrNoClient
			}
		case <-r.idle:
			if r.stopIfIdle() {
				r.opts.logf("every client has been gone for %s: removing what they left", r.opts.reconnectionTimeout)
				return r.prune()
			}
		case <-ctx.Done():
			if r.stopIfIdle() {
				r.opts.logf("told to stop with no client connected: removing what they left")
				return r.prune()
			}
			r.opts.logf("told to stop while %d client(s) are connected: exiting without removing anything", r.clients())
			return Removed{}, ctx.Err()
		case err := <-accepted:
			if err == nil {
				err = net.ErrClosed
			}
			return Removed{}, fmt.Errorf("accept: %w", err)
		}
	}
}

// stopIfIdle marks the reaper as closing when no client is connected.
func (r *Reaper) stopIfIdle() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conns > 0 {
		return false
	}
	r.closing = true
	return true
}

func (r *Reaper) clients() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conns
}

func (r *Reaper) prune() (Removed, error) {
	r.mu.Lock()
	filters := make([]Filter, 0, len(r.filters))
	keys := make([]string, 0, len(r.filters))
	for k := range r.filters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		filters = append(filters, r.filters[k])
	}
	r.mu.Unlock()
	if len(filters) == 0 {
		return Removed{}, nil
	}
	// Removal must finish even though the reaper was told to stop.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return r.pruner.prune(ctx, filters, time.Now())
}

func (r *Reaper) accept(ln net.Listener) error {
	for {
		conn, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		r.mu.Lock()
		if r.closing {
			r.mu.Unlock()
			conn.Close() // too late: this client gets a reaper of its own
			continue
		}
		r.conns++
		r.connected = true
		r.idleGen++
		r.live[conn] = true
		r.wg.Add(1)
		n := r.conns
		r.mu.Unlock()
		r.opts.logf("client %s connected (%d connected)", conn.RemoteAddr(), n)
		go r.serve(conn)
	}
}

// serve reads filters from one client, acknowledging each, until it hangs up.
func (r *Reaper) serve(conn net.Conn) {
	defer r.wg.Done()
	defer r.hangUp(conn)
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		f, err := ParseFilter(sc.Text())
		if err != nil {
			r.opts.logf("client %s: %v", conn.RemoteAddr(), err)
			fmt.Fprintf(conn, "ERROR: %v\n", err)
			continue
		}
		r.mu.Lock()
		_, known := r.filters[f.String()]
		r.filters[f.String()] = f
		r.mu.Unlock()
		if !known {
			r.opts.logf("client %s: filter %s", conn.RemoteAddr(), f)
		}
		if _, err := conn.Write([]byte("ACK\n")); err != nil {
			return
		}
	}
}

// hangUp records a closed connection; the last one starts the reconnection timer.
func (r *Reaper) hangUp(conn net.Conn) {
	conn.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.live, conn)
	r.conns--
	r.idleGen++
	r.opts.logf("client %s disconnected (%d connected)", conn.RemoteAddr(), r.conns)
	if r.conns > 0 || r.closing {
		return
	}
	gen := r.idleGen
	time.AfterFunc(r.opts.reconnectionTimeout, func() {
		r.mu.Lock()
		still := r.idleGen == gen && r.conns == 0
		r.mu.Unlock()
		if still {
			select {
			case r.idle <- struct{}{}:
			default:
			}
		}
	})
}
