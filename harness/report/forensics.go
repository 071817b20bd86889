package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/redact"
)

// RequestEntry is the name of the Ginkgo report entry with which a spec
// records a request it sent: "GET /api/products X-Request-ID: e2e-1-17… → 200".
const RequestEntry = "request"

// Request is one HTTP request a spec sent.
type Request struct {
	ID     string
	Method string
	Path   string
	Status string
}

// Trace is one request's path through the system: the log lines of every
// service that carried its id, merged in time order.
type Trace struct {
	Request
	Lines    []LogLine
	Services []string
	// Truncated is set when there were more than maxTraceLines lines.
	Truncated bool
}

// LogLine is one service log line that carried a request id.
type LogLine struct {
	Time    time.Time
	Service string
	// File is the service's whole log, relative to the output folder.
	File string
	// Level and Msg are set for JSON log lines; Fields holds their other
	// fields as key=value. Text is the line itself otherwise. All redacted.
	Level, Msg, Fields, Text string
}

const maxTraceLines = 300

var (
	requestRE   = regexp.MustCompile(`^\s*([A-Z]+)\s+(\S+)\s+X-Request-ID:\s*(\S+)(?:\s*→\s*(\d+))?`)
	requestIDRE = regexp.MustCompile(`X-Request-ID:\s*(\S+)`)
)

// specRequests are the requests a spec recorded in "request" report entries.
func specRequests(sr types.SpecReport) []Request {
	var out []Request
	seen := map[string]bool{}
	for _, e := range sr.ReportEntries {
		if e.Name != RequestEntry {
			continue
		}
		v := e.StringRepresentation()
		var r Request
		if m := requestRE.FindStringSubmatch(v); m != nil {
			r = Request{Method: m[1], Path: m[2], ID: m[3], Status: m[4]}
		} else if m := requestIDRE.FindStringSubmatch(v); m != nil {
			r = Request{ID: m[1]}
		} else {
			continue
		}
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	return out
}

// trace finds every request's lines in the log files (relative to dir).
func trace(dir string, files []string, reqs []Request) []Trace {
	if len(reqs) == 0 {
		return nil
	}
	byID := map[string][]LogLine{}
	for _, f := range files {
		for id, lines := range scanLog(dir, f, reqs) {
			byID[id] = append(byID[id], lines...)
		}
	}
	var out []Trace
	for _, r := range reqs {
		lines := byID[r.ID]
		sort.SliceStable(lines, func(i, j int) bool { return lines[i].Time.Before(lines[j].Time) })
		t := Trace{Request: r}
		if len(lines) > maxTraceLines {
			lines, t.Truncated = lines[:maxTraceLines], true
		}
		t.Lines = lines
		seen := map[string]bool{}
		for _, l := range lines {
			if !seen[l.Service] {
				seen[l.Service] = true
				t.Services = append(t.Services, l.Service)
			}
		}
		out = append(out, t)
	}
	return out
}

// scanLog returns the lines of one service's log that carry one of the
// requests' ids: as the request_id field of a JSON line, or as a word of a
// plain line. Lines without a time take the time of the line before.
func scanLog(dir, file string, reqs []Request) map[string][]LogLine {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(file)))
	if err != nil {
		return nil
	}
	defer f.Close()
	service := strings.TrimSuffix(path.Base(file), ".log")
	red := redact.Default()
	out := map[string][]LogLine{}
	var last time.Time
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		b := sc.Bytes()
		fields, isJSON := jsonFields(b)
		if isJSON {
			if t, err := time.Parse(time.RFC3339Nano, fields.get("time")); err == nil {
				last = t
			}
		}
		for _, r := range reqs {
			if !bytes.Contains(b, []byte(r.ID)) {
				continue
			}
			l := LogLine{Time: last, Service: service, File: file}
			if isJSON {
				if fields.get("request_id") != r.ID {
					continue
				}
				l.Level, l.Msg, l.Fields = fields.get("level"), red.Text(fields.get("msg")), fields.rest(red)
			} else {
				if !containsWord(string(b), r.ID) {
					continue
				}
				l.Text = string(red.Line(b))
			}
			out[r.ID] = append(out[r.ID], l)
		}
	}
	return out
}

// containsWord reports whether id occurs in s not as part of a longer id.
func containsWord(s, id string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], id)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(id)
		if (j == 0 || !idByte(s[j-1])) && (end == len(s) || !idByte(s[end])) {
			return true
		}
		i = j + 1
	}
}

func idByte(c byte) bool {
	return c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// orderedFields are a JSON object's fields in their order.
type orderedFields []struct{ key, value string }

// jsonFields reads a JSON log line's top-level fields, values as text
// (strings unquoted, anything else as written).
func jsonFields(b []byte) (orderedFields, bool) {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || t[0] != '{' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(t))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var out orderedFields
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, false
		}
		var s string
		value := string(raw)
		if json.Unmarshal(raw, &s) == nil {
			value = s
		}
		out = append(out, struct{ key, value string }{key, value})
	}
	return out, true
}

func (f orderedFields) get(key string) string {
	for _, kv := range f {
		if kv.key == key {
			return kv.value
		}
	}
	return ""
}

// rest is the fields a trace line shows besides time, level and message, as
// key=value, redacted.
func (f orderedFields) rest(red *redact.Redactor) string {
	var parts []string
	for _, kv := range f {
		switch kv.key {
		case "time", "level", "msg", "service", "version", "request_id":
			continue
		}
		v := kv.value
		if red.Secret(kv.key) {
			v = redact.Mark
		}
		if strings.ContainsAny(v, " \t\"") || v == "" {
			v = `"` + strings.ReplaceAll(v, `"`, `\"`) + `"`
		}
		parts = append(parts, kv.key+"="+red.Text(v))
	}
	return strings.Join(parts, " ")
}
