package system

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Extension is the name of the Compose extension field that holds Tandem settings.
const Extension = "x-tandem"

// DefaultReadyTimeout is how long a service may take to become ready when its
// x-tandem.ready.timeout does not say.
const DefaultReadyTimeout = 60 * time.Second

// Tandem is a service's x-tandem settings.
type Tandem struct {
	// Port is the service's main container port (its HTTP API). Defaults to the
	// first published port.
	Port int `json:"port"`
	// Ready says how to tell that the service is ready.
	Ready Ready `json:"ready"`
	// ProviderStates is the HTTP path of the service's Pact provider-state
	// endpoint, if it has one.
	ProviderStates string `json:"provider-states"`
	// Messages is the HTTP path where the service produces the messages of
	// its asynchronous (message) pacts on request, if it has any.
	Messages string `json:"messages"`
	// Proxy puts a toxiproxy in front of the service, so tests can inject
	// network faults (latency, timeouts, resets, a cut link) on every call to
	// it (see harness/env and harness/link). The proxy takes over the service's
	// name and aliases on the network and forwards each of its ports (Ports)
	// to the real container, so callers need no configuration change.
	Proxy bool `json:"proxy"`
}

// Ready is a readiness check. At most one of HTTP, Log, SQL, TCP and Exec is
// set; with none,
// a Compose healthcheck is used if there is one, else the service is ready once
// its container runs.
type Ready struct {
	// HTTP is a path probed with GET on Port; any 2xx answer means ready.
	HTTP string `json:"http"`
	// Log is a regular expression matched against the service's log.
	Log string `json:"log"`
	// SQL is a database URL with {host} and {port} placeholders, used with the
	// pgx driver; a successful "SELECT 1" means ready.
	SQL string `json:"sql"`
	// TCP is a container port that accepts a connection when the service is
	// ready, probed inside the environment's network.
	TCP int `json:"tcp"`
	// Exec is a command (program and arguments, no shell unless named) run
	// in the container; its exit code 0 means ready.
	Exec []string `json:"exec"`
	// Port is the container port the probe uses (defaults to Tandem.Port;
	// for tcp, the TCP port).
	Port int `json:"port"`
	// Timeout bounds the wait, as a Go duration ("30s"). Default 60s.
	Timeout string `json:"timeout"`

	timeout time.Duration
}

// TimeoutOrDefault returns the configured timeout or DefaultReadyTimeout.
func (r Ready) TimeoutOrDefault() time.Duration {
	if r.timeout > 0 {
		return r.timeout
	}
	return DefaultReadyTimeout
}

// Kind names the readiness check: "http", "log", "sql", "tcp", "exec" or "".
func (r Ready) Kind() string {
	switch {
	case r.TCP != 0:
		return "tcp"
	case len(r.Exec) > 0:
		return "exec"
	case r.HTTP != "":
		return "http"
	case r.Log != "":
		return "log"
	case r.SQL != "":
		return "sql"
	}
	return ""
}

// decodeTandem decodes and validates an x-tandem value. Errors name the field.
func decodeTandem(raw any) (Tandem, error) {
	var t Tandem
	if raw == nil {
		return t, nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return t, fmt.Errorf("%s: %w", Extension, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return t, fmt.Errorf("%s: %s", Extension, jsonProblem(err))
	}
	r := &t.Ready
	set := 0
	for _, v := range []bool{r.HTTP != "", r.Log != "", r.SQL != "", r.TCP != 0, r.Exec != nil} {
		if v {
			set++
		}
	}
	switch {
	case set > 1:
		return t, fmt.Errorf("%s.ready: set only one of http, log, sql, tcp and exec", Extension)
	case r.TCP < 0 || r.TCP > 65535:
		return t, fmt.Errorf("%s.ready.tcp: %d is not a port; name the container port that accepts connections once the service is ready, e.g. tcp: 5432", Extension, r.TCP)
	case r.TCP != 0 && r.Port != 0 && r.Port != r.TCP:
		return t, fmt.Errorf("%s.ready: tcp: %d and port: %d disagree; leave port out, tcp names the port", Extension, r.TCP, r.Port)
	case r.Exec != nil && (len(r.Exec) == 0 || strings.TrimSpace(r.Exec[0]) == ""):
		return t, fmt.Errorf("%s.ready.exec: names no command; write the program and its arguments as a list, e.g. exec: [pg_isready, -U, app] (exec: [sh, -c, \"...\"] for a shell)", Extension)
	case r.HTTP != "" && !strings.HasPrefix(r.HTTP, "/"):
		return t, fmt.Errorf("%s.ready.http: %q is not a path; write it with a leading slash, e.g. /health", Extension, r.HTTP)
	case r.SQL != "" && (!strings.Contains(r.SQL, "{host}") || !strings.Contains(r.SQL, "{port}")):
		return t, fmt.Errorf("%s.ready.sql: %q must contain {host} and {port}, e.g. postgres://user:pass@{host}:{port}/db", Extension, r.SQL)
	case t.ProviderStates != "" && !strings.HasPrefix(t.ProviderStates, "/"):
		return t, fmt.Errorf("%s.provider-states: %q is not a path; write it with a leading slash", Extension, t.ProviderStates)
	case t.Messages != "" && !strings.HasPrefix(t.Messages, "/"):
		return t, fmt.Errorf("%s.messages: %q is not a path; write it with a leading slash", Extension, t.Messages)
	}
	if r.TCP != 0 {
		r.Port = r.TCP
	}
	if r.Log != "" {
		if _, err := regexp.Compile(r.Log); err != nil {
			return t, fmt.Errorf("%s.ready.log: not a regular expression: %w", Extension, err)
		}
	}
	if r.Timeout != "" {
		d, err := time.ParseDuration(r.Timeout)
		if err != nil || d <= 0 {
			return t, fmt.Errorf("%s.ready.timeout: %q is not a positive duration such as 30s or 2m", Extension, r.Timeout)
		}
		r.timeout = d
	}
	return t, nil
}

var unknownField = regexp.MustCompile(`unknown field "([^"]+)"`)

func jsonProblem(err error) string {
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Sprintf("unknown field %q (known: port, ready.http, ready.log, ready.sql, ready.tcp, ready.exec, ready.port, ready.timeout, provider-states, messages, proxy)", m[1])
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		switch te.Field {
		case "ready.exec":
			return fmt.Sprintf("field \"ready.exec\": got %s, want a list: the program and its arguments, e.g. exec: [pg_isready, -U, app] (exec: [sh, -c, \"...\"] for a shell)", te.Value)
		case "ready.tcp":
			return fmt.Sprintf("field \"ready.tcp\": got %s, want a container port number, e.g. tcp: 5432", te.Value)
		}
		if te.Field == "proxy" {
			return fmt.Sprintf("field \"proxy\": got %s, want true or false (proxy: true puts a toxiproxy in front of the service)", te.Value)
		}
		return fmt.Sprintf("field %q: got %s, want %s", te.Field, te.Value, te.Type)
	}
	return err.Error()
}
