package diff

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"unicode/utf8"

	redactpkg "github.com/tandem-harness/tandem/harness/redact"
)

// Exchange is an example kept for a report: the request and the three
// responses, with bodies truncated and credentials redacted.
type Exchange struct {
	// ID is the exchange's number in the report; examples refer to it.
	ID        int             `json:"id"`
	Request   RequestExcerpt  `json:"request"`
	Primary   ResponseExcerpt `json:"primary"`
	Secondary ResponseExcerpt `json:"secondary"`
	Candidate ResponseExcerpt `json:"candidate"`
}

// RequestExcerpt is a request as a report shows it.
type RequestExcerpt struct {
	Method string      `json:"method"`
	Path   string      `json:"path"`
	Query  string      `json:"query,omitempty"`
	Header http.Header `json:"header,omitempty"`
	Body   BodyExcerpt `json:"body"`
}

// ResponseExcerpt is a response as a report shows it.
type ResponseExcerpt struct {
	Status int         `json:"status,omitempty"`
	Header http.Header `json:"header,omitempty"`
	Body   BodyExcerpt `json:"body"`
	Error  string      `json:"error,omitempty"`
}

// BodyExcerpt is a body as a report shows it: text up to a limit, binary
// never (only its size and hash).
type BodyExcerpt struct {
	Text  string `json:"text,omitempty"`
	Bytes int    `json:"bytes"`
	// Note says what was left out: "truncated to the first 16384 of
	// 10485760 bytes", "binary: sha256:…".
	Note string `json:"note,omitempty"`
}

// redact masks credential headers the way every other report does
// (harness/redact): reports show that they were sent, not what they were.
func redact(h http.Header) http.Header { return redactpkg.Default().Header(h) }

func excerptResponse(r *Response, limit int) ResponseExcerpt {
	return ResponseExcerpt{
		Status: r.Status,
		Header: redact(r.Header),
		Body:   excerptBody(r.Body, r.Header, limit),
		Error:  r.Err,
	}
}

func excerptBody(body []byte, h http.Header, limit int) BodyExcerpt {
	e := BodyExcerpt{Bytes: len(body)}
	switch {
	case len(body) == 0:
	case binaryMediaType(h.Get("Content-Type")) || !utf8.Valid(body):
		e.Note = fmt.Sprintf("binary: sha256:%x", sha256.Sum256(body))
	case len(body) > limit:
		cut := limit
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		e.Text = string(body[:cut])
		e.Note = fmt.Sprintf("truncated to the first %d of %d bytes", cut, len(body))
	default:
		e.Text = string(body)
	}
	return e
}

// size estimates the memory an exchange holds.
func (ex *Exchange) size() int {
	n := 512 + len(ex.Request.Path) + len(ex.Request.Query) + headerSize(ex.Request.Header) + len(ex.Request.Body.Text)
	for _, r := range []*ResponseExcerpt{&ex.Primary, &ex.Secondary, &ex.Candidate} {
		n += headerSize(r.Header) + len(r.Body.Text) + len(r.Body.Note) + len(r.Error)
	}
	return n
}

func headerSize(h http.Header) int {
	n := 0
	for k, vs := range h {
		n += len(k) + 32
		for _, v := range vs {
			n += len(v) + 16
		}
	}
	return n
}
