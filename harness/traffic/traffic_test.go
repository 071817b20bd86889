package traffic

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/contract"
)

func TestLoadHAR(t *testing.T) {
	reqs, err := Load("testdata/shop.har")
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	if r := reqs[0]; r.Method != "GET" || r.URL() != "/products?currency=EUR" || r.Header.Get("Accept") != "application/json" || r.Header.Get("Host") != "" || r.Header.Get(":authority") != "" {
		t.Errorf("request 0 = %+v", r)
	}
	if r := reqs[1]; r.Method != "POST" || !strings.Contains(string(r.Body), `"product_id":"p-1"`) || r.Header.Get("Content-Length") != "" {
		t.Errorf("request 1 = %+v body %s", r, r.Body)
	}
	if r := reqs[2]; !bytes.HasPrefix(r.Body, []byte{0x89, 'P', 'N', 'G'}) || r.Header.Get("Content-Type") != "image/png" {
		t.Errorf("request 2 body = %q, type %q", r.Body, r.Header.Get("Content-Type"))
	}
}

func TestLoadJSONL(t *testing.T) {
	reqs, err := Load("testdata/shop.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 3 || reqs[1].Method != "GET" || reqs[1].Path != "/products" || reqs[1].RawQuery != "currency=EUR" {
		t.Fatalf("requests = %+v", reqs)
	}
}

func TestBadTrafficNamesThePlace(t *testing.T) {
	for file, want := range map[string]string{
		"testdata/truncated.har":      "testdata/truncated.har: not a HAR file",
		"testdata/nolog.har":          `no "log" object`,
		"testdata/badpath.jsonl":      `line 2: path "b" must start with /`,
		"testdata/unknownfield.jsonl": `line 2: not a request: json: unknown field "bdy"`,
		"testdata/missing.har":        "missing.har: no such file",
		"testdata/shop.txt":           "unknown traffic format",
	} {
		if _, err := Load(file); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s) error = %v, want it to contain %q", file, err, want)
		}
	}
}

func TestJSONLRoundTripKeepsBinaryBodies(t *testing.T) {
	in := []Request{
		{Method: "POST", Path: "/upload", Body: []byte{0, 0xff, 0xfe, 'x'}},
		{Method: "GET", Path: "/products", RawQuery: "a=1&b=2"},
	}
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, in); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "bodyBase64") {
		t.Errorf("a binary body was not written as base64:\n%s", buf.String())
	}
	out, err := ReadJSONL(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out[0].Body, in[0].Body) || out[1].URL() != "/products?a=1&b=2" {
		t.Errorf("round trip = %+v", out)
	}
}

func TestFromPact(t *testing.T) {
	p, err := contract.ReadPact("../contract/testdata/gateway-catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := FromPact(p)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, r := range reqs {
		urls = append(urls, r.Method+" "+r.URL())
	}
	if got := strings.Join(urls, ", "); got != "GET /products/p-404, GET /products, GET /products/p-1" {
		t.Errorf("requests = %s", got)
	}
}

func TestFromStore(t *testing.T) {
	dir := t.TempDir()
	store, err := contract.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Publish("gateway", "1.0", contract.PublishOptions{Branch: "main"}, "../contract/testdata/gateway-catalog.json"); err != nil {
		t.Fatal(err)
	}
	reqs, err := FromStore(dir, "catalog")
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 3 || reqs[2].Method+" "+reqs[2].URL() != "GET /products/p-1" {
		t.Errorf("requests = %+v", reqs)
	}
	if _, err := FromStore(dir, "orders"); err == nil || !strings.Contains(err.Error(), "no HTTP requests in the pacts published for orders") {
		t.Errorf("a provider without pacts: %v", err)
	}
}
