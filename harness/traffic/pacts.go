package traffic

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/tandem-harness/tandem/harness/contract"
)

// FromPact returns the HTTP requests of a pact's interactions (message
// interactions have none), in the pact's order.
func FromPact(p *contract.Pact) ([]Request, error) {
	var doc struct {
		Interactions []struct {
			Description string          `json:"description"`
			Type        string          `json:"type"`
			Request     json.RawMessage `json:"request"`
		} `json:"interactions"`
	}
	if err := json.Unmarshal(p.Raw, &doc); err != nil {
		return nil, err
	}
	var reqs []Request
	for _, in := range doc.Interactions {
		if len(in.Request) == 0 || (in.Type != "" && !strings.Contains(in.Type, "HTTP")) {
			continue
		}
		var r struct {
			Method  string          `json:"method"`
			Path    string          `json:"path"`
			Query   json.RawMessage `json:"query"`
			Headers map[string]any  `json:"headers"`
			Body    json.RawMessage `json:"body"`
		}
		if err := json.Unmarshal(in.Request, &r); err != nil {
			return nil, fmt.Errorf("pact %s → %s, %q: %v", p.Consumer, p.Provider, in.Description, err)
		}
		req, err := fromParts(r.Method, r.Path, pactQuery(r.Query), pactHeaders(r.Headers))
		if err != nil {
			return nil, fmt.Errorf("pact %s → %s, %q: %v", p.Consumer, p.Provider, in.Description, err)
		}
		req.Body = pactBody(r.Body)
		if len(req.Body) > 0 && req.Header.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", "application/json")
		}
		reqs = append(reqs, req)
	}
	return reqs, nil
}

// pactQuery accepts the V2 string form and the V3/V4 map-of-lists form.
func pactQuery(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m map[string][]string
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	v := url.Values{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, x := range m[k] {
			v.Add(k, x)
		}
	}
	return v.Encode()
}

func pactHeaders(m map[string]any) http.Header {
	h := http.Header{}
	for k, v := range m {
		switch t := v.(type) {
		case string:
			h.Add(k, t)
		case []any:
			for _, x := range t {
				if s, ok := x.(string); ok {
					h.Add(k, s)
				}
			}
		}
	}
	return h
}

// pactBody reads the V4 {"content": …, "contentType": …} form and the plain
// V2/V3 JSON body.
func pactBody(raw json.RawMessage) []byte {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var v4 struct {
		Content json.RawMessage `json:"content"`
		Encoded any             `json:"encoded"`
	}
	if json.Unmarshal(raw, &v4) == nil && len(v4.Content) > 0 {
		var s string
		if json.Unmarshal(v4.Content, &s) == nil {
			return []byte(s)
		}
		return v4.Content
	}
	return raw
}
