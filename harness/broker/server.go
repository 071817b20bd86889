package broker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
)

// Server is the Pact Broker API over a contract store.
type Server struct {
	store *contract.Store
	auth  Auth
	log   *slog.Logger
	mux   *http.ServeMux
	// mu serialises the store's writes: each is a read, a decision and a
	// batch of files, which two requests must not interleave.
	mu sync.Mutex
}

// Option configures a Server.
type Option func(*Server)

// WithLogger logs one line per request (method, path, status, access); never
// a credential.
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// New returns a server for store, guarded by auth.
func New(store *contract.Store, auth Auth, opts ...Option) (*Server, error) {
	if err := auth.Check(); err != nil {
		return nil, err
	}
	s := &Server{store: store, auth: auth, log: slog.New(slog.DiscardHandler), mux: http.NewServeMux()}
	for _, o := range opts {
		o(s)
	}
	s.routes()
	return s, nil
}

// request is what a handler gets: the HTTP request and the broker's base URL.
type request struct {
	*http.Request
	base string
}

func (r *request) url(format string, args ...any) string {
	parts := make([]any, len(args))
	for i, a := range args {
		parts[i] = url.PathEscape(fmt.Sprint(a))
	}
	return r.base + fmt.Sprintf(format, parts...)
}

func (r *request) decode(v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 32<<20))
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return badRequest("the request body is not the JSON expected: %v", err)
	}
	return nil
}

// reply is a handler's answer: a status and a body to encode as JSON.
type reply struct {
	status int
	body   any
}

// apiError is an error with its HTTP status.
type apiError struct {
	status int
	msg    string
	// body replaces {"error": msg} when set (the broker's 409 with notices).
	body any
}

func (e *apiError) Error() string { return e.msg }

func badRequest(format string, a ...any) error {
	return &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, a...)}
}

func notFound(format string, a ...any) error {
	return &apiError{status: http.StatusNotFound, msg: fmt.Sprintf(format, a...)}
}

type handler func(r *request) (reply, error)

// accessKey carries a request's access from ServeHTTP to its handler.
type accessKey struct{}

// handle registers h for "METHOD /path"; write handlers need write access
// and run one at a time.
func (s *Server) handle(pattern string, write bool, h handler) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, hr *http.Request) {
		// Whether a request writes is the resource's to say, not its
		// method's: pacts for verification are a POST that only reads.
		if acc, _ := hr.Context().Value(accessKey{}).(access); write && acc != readWrite {
			writeJSON(w, http.StatusForbidden, map[string]any{"error": map[string]any{
				"message": "these credentials may only read; " + hr.Method + " " + hr.URL.Path + " writes: use the write token or a basic auth user"}})
			return
		}
		if write {
			s.mu.Lock()
			defer s.mu.Unlock()
		}
		r := &request{Request: hr, base: "http://" + hr.Host}
		rep, err := h(r)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) {
				ae = &apiError{status: http.StatusInternalServerError, msg: err.Error()}
				s.log.Error("request failed", "method", hr.Method, "path", hr.URL.Path, "error", err)
			}
			body := ae.body
			if body == nil {
				body = map[string]any{"error": map[string]any{"message": ae.msg}}
			}
			writeJSON(w, ae.status, body)
			return
		}
		writeJSON(w, rep.status, rep.body)
	})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/hal+json;charset=utf-8")
	w.WriteHeader(status)
	if body != nil {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(body)
	}
}

// statusWriter remembers the status for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// ServeHTTP checks the request's credentials, then routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	acc, valid := s.auth.access(r)
	defer func() {
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"access", [...]string{"none", "read", "write"}[acc], "duration", time.Since(start).Round(time.Microsecond))
	}()
	switch {
	case !valid || acc == denied:
		sw.Header().Set("WWW-Authenticate", `Bearer realm="tandem broker", Basic realm="tandem broker"`)
		msg := "authentication required: send a bearer token (pact CLI: --broker-token or $PACT_BROKER_TOKEN) or basic auth (--broker-username/--broker-password)"
		if !valid {
			msg = "the credentials sent are not valid for this broker: check the token or user:password the client sends"
		}
		writeJSON(sw, http.StatusUnauthorized, map[string]any{"error": map[string]any{"message": msg}})
	default:
		s.mux.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), accessKey{}, acc)))
	}
}

func (s *Server) routes() {
	s.handle("GET /{$}", false, s.index)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{
			"message": fmt.Sprintf("tandem broker does not serve %s %s (see the README's section on tandem broker for the resources it serves)", r.Method, r.URL.Path)}})
	})
	s.publishRoutes()
	s.pacticipantRoutes()
	s.verificationRoutes()
	s.environmentRoutes()
	s.matrixRoutes()
}

func link(href string) map[string]any { return map[string]any{"href": href} }

func named(href, name string) map[string]any { return map[string]any{"href": href, "name": name} }

func templated(href string) map[string]any { return map[string]any{"href": href, "templated": true} }

func (s *Server) index(r *request) (reply, error) {
	b := r.base
	links := map[string]any{
		"self":                                               link(b),
		"pb:publish-pact":                                    templated(b + "/pacts/provider/{provider}/consumer/{consumer}/version/{consumerApplicationVersion}"),
		"pb:publish-contracts":                               link(b + "/contracts/publish"),
		"pb:pacticipants":                                    link(b + "/pacticipants"),
		"pb:pacticipant":                                     templated(b + "/pacticipants/{pacticipant}"),
		"pb:latest-version":                                  templated(b + "/pacticipants/{pacticipant}/latest-version"),
		"pb:latest-tagged-version":                           templated(b + "/pacticipants/{pacticipant}/latest-version/{tag}"),
		"pb:pacticipant-version":                             templated(b + "/pacticipants/{pacticipant}/versions/{version}"),
		"pb:pacticipant-version-tag":                         templated(b + "/pacticipants/{pacticipant}/versions/{version}/tags/{tag}"),
		"pb:pacticipant-branch":                              templated(b + "/pacticipants/{pacticipant}/branches/{branch}"),
		"pb:pacticipant-branch-version":                      templated(b + "/pacticipants/{pacticipant}/branches/{branch}/versions/{version}"),
		"pb:provider-pacts-for-verification":                 templated(b + "/pacts/provider/{provider}/for-verification"),
		"beta:provider-pacts-for-verification":               templated(b + "/pacts/provider/{provider}/for-verification"),
		"pb:latest-provider-pacts":                           templated(b + "/pacts/provider/{provider}/latest"),
		"pb:environments":                                    link(b + "/environments"),
		"pb:environment":                                     templated(b + "/environments/{uuid}"),
		"pb:can-i-deploy-pacticipant-version-to-environment": templated(b + "/can-i-deploy?pacticipant={pacticipant}&version={version}&environment={environment}"),
		"curies": []any{
			map[string]any{"name": "pb", "href": b + "/doc/{rel}?context=index", "templated": true},
			map[string]any{"name": "beta", "href": b + "/doc/{rel}?context=index", "templated": true},
		},
	}
	return reply{http.StatusOK, map[string]any{"_links": links}}, nil
}

// storeError maps a store error to a status: a conflict is 409, a name the
// store refuses is 400.
func storeError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, contract.ErrConflict), errors.Is(err, contract.ErrBranchConflict):
		return &apiError{status: http.StatusConflict, msg: err.Error()}
	case strings.Contains(err.Error(), "use letters, digits"):
		return badRequest("%v", err)
	}
	return err
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
