package traffic

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// HAR 1.2, the parts a replay needs.
type harFile struct {
	Log *struct {
		Version string     `json:"version"`
		Entries []harEntry `json:"entries"`
	} `json:"log"`
}

type harEntry struct {
	Request *struct {
		Method   string `json:"method"`
		URL      string `json:"url"`
		Headers  []struct{ Name, Value string }
		PostData *struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Encoding string `json:"encoding"` // not in 1.2, written by some browsers
		} `json:"postData"`
	} `json:"request"`
}

// hopHeaders are not replayed: they describe the recorded connection.
var hopHeaders = map[string]bool{
	"Host": true, "Content-Length": true, "Connection": true, "Keep-Alive": true,
	"Transfer-Encoding": true, "Upgrade": true, "Proxy-Connection": true, "Te": true, "Trailer": true,
}

// ReadHAR reads the requests of a HAR 1.2 file. Errors name the entry.
func ReadHAR(r io.Reader) ([]Request, error) {
	var f harFile
	dec := json.NewDecoder(io.LimitReader(r, 1<<30))
	if err := dec.Decode(&f); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("not a HAR file: invalid JSON at byte %d: %v", se.Offset, err)
		}
		return nil, fmt.Errorf("not a HAR file: %v", err)
	}
	if f.Log == nil {
		return nil, errors.New(`not a HAR file: no "log" object (HAR 1.2 files start with {"log": {"version": "1.2", "entries": [...]}})`)
	}
	if f.Log.Version != "" && !strings.HasPrefix(f.Log.Version, "1.") {
		return nil, fmt.Errorf("HAR version %q is not supported; Tandem reads HAR 1.x", f.Log.Version)
	}
	if len(f.Log.Entries) == 0 {
		return nil, errors.New("the HAR file has no entries")
	}
	reqs := make([]Request, 0, len(f.Log.Entries))
	for i, e := range f.Log.Entries {
		if e.Request == nil {
			return nil, fmt.Errorf("entries[%d]: no request", i)
		}
		u, err := url.Parse(e.Request.URL)
		if err != nil || u.Path == "" && u.Host == "" {
			return nil, fmt.Errorf("entries[%d].request.url %q is not a URL", i, e.Request.URL)
		}
		path := u.EscapedPath()
		if path == "" {
			path = "/"
		}
		h := http.Header{}
		for _, kv := range e.Request.Headers {
			name := http.CanonicalHeaderKey(kv.Name)
			if hopHeaders[name] || strings.HasPrefix(kv.Name, ":") {
				continue // HTTP/2 pseudo-headers and connection headers
			}
			h.Add(name, kv.Value)
		}
		req, err := fromParts(e.Request.Method, path, u.RawQuery, h)
		if err != nil {
			return nil, fmt.Errorf("entries[%d].request: %w", i, err)
		}
		if pd := e.Request.PostData; pd != nil && pd.Text != "" {
			if pd.Encoding == "base64" {
				if req.Body, err = base64.StdEncoding.DecodeString(pd.Text); err != nil {
					return nil, fmt.Errorf("entries[%d].request.postData: base64: %v", i, err)
				}
			} else {
				req.Body = []byte(pd.Text)
			}
			if len(req.Body) > MaxBody {
				return nil, fmt.Errorf("entries[%d].request.postData: body of %d MB is over the %d MB limit", i, len(req.Body)>>20, MaxBody>>20)
			}
			if req.Header.Get("Content-Type") == "" && pd.MimeType != "" {
				req.Header.Set("Content-Type", pd.MimeType)
			}
		}
		reqs = append(reqs, req)
	}
	return reqs, nil
}
