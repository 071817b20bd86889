package traffic

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Request is one recorded request, without scheme and host: it is replayed
// against whatever stack runs the service.
type Request struct {
	Method   string      `json:"method"`
	Path     string      `json:"path"`
	RawQuery string      `json:"query,omitempty"`
	Header   http.Header `json:"headers,omitempty"`
	Body     []byte      `json:"-"`
}

// URL returns the request's path and query.
func (r Request) URL() string {
	if r.RawQuery == "" {
		return r.Path
	}
	return r.Path + "?" + r.RawQuery
}

// MaxBody bounds one recorded body (a bigger one is refused with its place).
const MaxBody = 32 << 20

// Load reads a traffic file, choosing the format by its extension: .har
// (HAR 1.2) or .jsonl / .ndjson (Tandem's JSON Lines).
func Load(path string) ([]Request, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".har" && ext != ".jsonl" && ext != ".ndjson" {
		return nil, fmt.Errorf("%s: unknown traffic format %q; use a .har (HAR 1.2) or .jsonl (Tandem's JSON Lines) file", path, filepath.Ext(path))
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such file; record traffic first (a HAR export of the browser or proxy, or JSON Lines) and pass its path with --traffic", path)
	}
	if err != nil {
		return nil, fmt.Errorf("read traffic: %w", err)
	}
	defer f.Close()
	read := ReadJSONL
	if ext == ".har" {
		read = ReadHAR
	}
	reqs, err := read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return reqs, nil
}

type jsonlLine struct {
	Method     string      `json:"method"`
	Path       string      `json:"path"`
	Query      string      `json:"query"`
	Headers    http.Header `json:"headers"`
	Body       *string     `json:"body"`
	BodyBase64 *string     `json:"bodyBase64"`
}

// ReadJSONL reads Tandem's JSON Lines traffic. Blank lines are skipped; an
// error names the line.
func ReadJSONL(r io.Reader) ([]Request, error) {
	var reqs []Request
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), MaxBody+1024)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var l jsonlLine
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("line %d: not a request: %v (expected {\"method\":\"GET\",\"path\":\"/…\"})", n, err)
		}
		req, err := fromParts(l.Method, l.Path, l.Query, l.Headers)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		switch {
		case l.Body != nil && l.BodyBase64 != nil:
			return nil, fmt.Errorf("line %d: give either body or bodyBase64, not both", n)
		case l.Body != nil:
			req.Body = []byte(*l.Body)
		case l.BodyBase64 != nil:
			if req.Body, err = base64.StdEncoding.DecodeString(*l.BodyBase64); err != nil {
				return nil, fmt.Errorf("line %d: bodyBase64: %v", n, err)
			}
		}
		reqs = append(reqs, req)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d: longer than %d MB", n+1, MaxBody>>20)
		}
		return nil, err
	}
	if len(reqs) == 0 {
		return nil, errors.New("no requests in the file")
	}
	return reqs, nil
}

// WriteJSONL writes requests in Tandem's JSON Lines format.
func WriteJSONL(w io.Writer, reqs []Request) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range reqs {
		l := jsonlLine{Method: r.Method, Path: r.Path, Query: r.RawQuery, Headers: r.Header}
		if len(r.Body) > 0 {
			if utf8.Valid(r.Body) {
				s := string(r.Body)
				l.Body = &s
			} else {
				s := base64.StdEncoding.EncodeToString(r.Body)
				l.BodyBase64 = &s
			}
		}
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return nil
}

func fromParts(method, path, query string, h http.Header) (Request, error) {
	method = strings.ToUpper(strings.TrimSpace(method))
	if method == "" {
		return Request{}, errors.New("method is missing")
	}
	for _, c := range method {
		if c < 'A' || c > 'Z' {
			return Request{}, fmt.Errorf("method %q is not an HTTP method", method)
		}
	}
	if !strings.HasPrefix(path, "/") {
		return Request{}, fmt.Errorf("path %q must start with /", path)
	}
	if p, q, ok := strings.Cut(path, "?"); ok {
		path = p
		if query == "" {
			query = q
		}
	}
	if _, err := url.ParseQuery(query); err != nil {
		return Request{}, fmt.Errorf("query %q: %v", query, err)
	}
	return Request{Method: method, Path: path, RawQuery: query, Header: h}, nil
}
