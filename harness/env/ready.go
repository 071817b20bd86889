package env

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tandem-harness/tandem/harness/system"
)

// NotReadyError says why a service did not become ready: what was probed, the
// last answer, and the end of its log.
type NotReadyError struct {
	Service    string
	Probe      string // what was probed, e.g. "GET http://172.18.0.3:8080/health (api on network tandem-RUN)"
	LastAnswer string
	Timeout    time.Duration
	// Exited is set when the container stopped before it was ready.
	Exited   bool
	ExitCode int
	LogTail  []string
	LogFile  string
}

func (e *NotReadyError) Error() string {
	var b strings.Builder
	if e.Exited {
		fmt.Fprintf(&b, "%s exited with code %d before it became ready (probe: %s)", e.Service, e.ExitCode, e.Probe)
	} else {
		fmt.Fprintf(&b, "%s did not become ready within %s: probed %s, last answer: %s", e.Service, e.Timeout, e.Probe, e.LastAnswer)
	}
	fmt.Fprintf(&b, "\nlast %d log lines of %s (full log: %s):", len(e.LogTail), e.Service, e.LogFile)
	if len(e.LogTail) == 0 {
		b.WriteString(" (none)")
	}
	for _, l := range e.LogTail {
		b.WriteString("\n  | " + l)
	}
	if e.Exited {
		fmt.Fprintf(&b, "\nfix: the log lines above say why %s stopped; fix its image, command or environment", e.Service)
	} else {
		fmt.Fprintf(&b, "\nfix: the log lines above say what %s waits for; if it is only slow to start, raise x-tandem.ready.timeout (now %s)", e.Service, e.Timeout)
	}
	return b.String()
}

// probe checks one kind of readiness once.
type probe interface {
	String() string
	// check reports whether the service is ready, with what it answered.
	check(ctx context.Context) (answer string, ok bool)
}

const logTailLines = 30

// waitReady polls the service's readiness probe until it passes and the
// container still runs once it has run for the settle period (WithSettle), or
// until the container exits or the timeout passes. A service without a probe
// is ready once it has run for the settle period; one that others wait for
// with service_completed_successfully, once it exited with code 0.
func (e *Env) waitReady(ctx context.Context, s *Service) error {
	spec := s.spec
	timeout := spec.Tandem.Ready.TimeoutOrDefault()
	p := e.probeFor(ctx, s)
	complete := p == nil && e.mustComplete(spec.Name)
	passed := p == nil && !complete
	deadline := time.Now().Add(timeout)
	interval := 100 * time.Millisecond
	answer := "(not probed yet)"
	for {
		if !passed && p != nil {
			answer, passed = p.check(ctx)
		}
		// The container is looked at after the probe: it still ran when the
		// probe had passed.
		next := interval
		state, err := s.Container.State(ctx)
		switch {
		case err != nil:
		case !state.Running && complete && state.ExitCode == 0:
			return nil
		case !state.Running:
			return e.notReady(ctx, s, describe(p), answer, timeout, true, state.ExitCode)
		case passed:
			settled := time.Since(s.running)
			if settled >= e.opts.settle {
				return nil
			}
			next = e.opts.settle - settled
		}
		if ctx.Err() != nil {
			return fmt.Errorf("wait for %s: %w", spec.Name, context.Cause(ctx))
		}
		if time.Now().After(deadline) {
			return e.notReady(ctx, s, describe(p), answer, timeout, false, 0)
		}
		select {
		case <-time.After(next):
		case <-ctx.Done():
		}
		interval = min(interval*3/2, 500*time.Millisecond)
	}
}

func describe(p probe) string {
	if p == nil {
		return "container running"
	}
	return p.String()
}

// mustComplete reports whether some service depends on name with
// service_completed_successfully.
func (e *Env) mustComplete(name string) bool {
	for _, svc := range e.System.Services {
		if svc.DependsOn[name] == system.ServiceCompletedSuccessfully {
			return true
		}
	}
	return false
}

// probeFor returns the service's readiness probe, or nil when it has none.
// HTTP, SQL and TCP probes dial the service from inside the environment's network
// when this machine can (see probeAddr).
func (e *Env) probeFor(ctx context.Context, s *Service) probe {
	r := s.spec.Tandem.Ready
	switch r.Kind() {
	case "http":
		a := e.probeAddr(ctx, s, r.Port)
		return &httpProbe{url: "http://" + a.hostPort() + r.HTTP, where: a.where}
	case "sql":
		a := e.probeAddr(ctx, s, r.Port)
		url := strings.NewReplacer("{host}", a.host, "{port}", strconv.Itoa(a.port)).Replace(r.SQL)
		return &sqlProbe{url: url, where: a.where}
	case "log":
		return &logProbe{re: regexp.MustCompile(r.Log), s: s}
	case "tcp":
		a := e.probeAddr(ctx, s, r.TCP)
		return &tcpProbe{addr: a, confirm: a.host == "127.0.0.1" || s.via != nil}
	case "exec":
		return &execProbe{cmd: r.Exec, s: s}
	}
	if s.spec.Healthcheck != nil {
		return &healthProbe{s: s}
	}
	return nil
}

func (e *Env) notReady(ctx context.Context, s *Service, probe, answer string, timeout time.Duration, exited bool, code int) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return &NotReadyError{
		Service: s.Name, Probe: probe, LastAnswer: answer, Timeout: timeout,
		Exited: exited, ExitCode: code,
		LogTail: tail(ctx, s, logTailLines), LogFile: s.LogFile,
	}
}

type httpProbe struct{ url, where string }

func (p *httpProbe) String() string { return "GET " + p.url + p.where }

func (p *httpProbe) check(ctx context.Context) (string, bool) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	if err != nil {
		return err.Error(), false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return shortNetError(err), false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	answer := strings.TrimSpace(resp.Status + " " + strings.TrimSpace(string(body)))
	return answer, resp.StatusCode >= 200 && resp.StatusCode < 300
}

type sqlProbe struct{ url, where string }

func (p *sqlProbe) String() string { return "SELECT 1 on " + redactURL(p.url) + p.where }

func (p *sqlProbe) check(ctx context.Context) (string, bool) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, p.url)
	if err != nil {
		return shortNetError(err), false
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return err.Error(), false
	}
	return "1", true
}

type logProbe struct {
	re *regexp.Regexp
	s  *Service
}

func (p *logProbe) String() string { return "log line matching /" + p.re.String() + "/" }

func (p *logProbe) check(ctx context.Context) (string, bool) {
	if p.s.log.Match(p.re) {
		return "matched", true
	}
	return "no matching line yet", false
}

type healthProbe struct{ s *Service }

func (p *healthProbe) String() string {
	return "Docker healthcheck " + strings.Join(p.s.spec.Healthcheck.Test, " ")
}

func (p *healthProbe) check(ctx context.Context) (string, bool) {
	st, err := p.s.Container.State(ctx)
	if err != nil {
		return err.Error(), false
	}
	if st.Health == nil {
		return "no health status", false
	}
	answer := "health " + string(st.Health.Status)
	if n := len(st.Health.Log); n > 0 {
		last := st.Health.Log[n-1]
		answer += fmt.Sprintf(" (exit %d: %s)", last.ExitCode, strings.TrimSpace(last.Output))
	}
	return answer, st.Health.Status == "healthy"
}

// shortNetError strips the Go-internal parts of a dial error.
func shortNetError(err error) string {
	msg := err.Error()
	for _, s := range []string{"connection refused", "connection reset by peer", "EOF", "i/o timeout", "context deadline exceeded"} {
		if strings.Contains(msg, s) {
			return s
		}
	}
	return msg
}

var userinfo = regexp.MustCompile(`//([^:/@]+):[^@/]*@`)

func redactURL(u string) string { return userinfo.ReplaceAllString(u, "//$1:***@") }
