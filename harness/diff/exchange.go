package diff

import "net/http"

// Request is the request that was sent to every stack.
type Request struct {
	Method string
	// Path is the URL path as sent (percent-encoded), without the query.
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
}

// Response is what one stack answered, or the transport error that stopped it.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Err describes a transport failure ("connection refused", "timeout after
	// 5s"). When either side has one, only the errors are compared.
	Err string
}
