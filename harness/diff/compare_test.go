package diff

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func jsonResponse(status int, body string) Response {
	return Response{
		Status: status,
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:   []byte(body),
	}
}

func ok(body string) Response { return jsonResponse(200, body) }

func textResponse(body string) Response {
	return Response{Status: 200, Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Body: []byte(body)}
}

// d builds an expected difference; Count defaults to 1.
func d(path string, kind Kind, a, b string) Difference {
	return Difference{Path: path, Kind: kind, A: a, B: b, Count: 1}
}

func times(n int, x Difference) Difference { x.Count = n; return x }

func TestCompare(t *testing.T) {
	unordered := &Options{UnorderedArrays: []string{"body.items", "body.**.tags"}}
	allHeaders := &Options{Headers: []string{"*"}}
	tests := []struct {
		name string
		a, b Response
		o    *Options
		want []Difference
	}{
		{name: "equal", a: ok(`{"id":1,"name":"tea"}`), b: ok(`{"id":1,"name":"tea"}`)},
		{name: "key order and white space do not matter", a: ok(`{"id":1,"name":"tea"}`), b: ok("{ \"name\": \"tea\",\n  \"id\": 1 }")},
		{name: "changed value", a: ok(`{"id":1,"price":10}`), b: ok(`{"id":1,"price":12}`),
			want: []Difference{d("body.price", ValueChanged, "10", "12")}},
		{name: "changed string", a: ok(`{"name":"tea"}`), b: ok(`{"name":"coffee"}`),
			want: []Difference{d("body.name", ValueChanged, `"tea"`, `"coffee"`)}},
		{name: "changed boolean", a: ok(`{"inStock":true}`), b: ok(`{"inStock":false}`),
			want: []Difference{d("body.inStock", ValueChanged, "true", "false")}},
		{name: "renamed field is missing plus extra", a: ok(`{"id":1,"name":"tea"}`), b: ok(`{"id":1,"title":"tea"}`),
			want: []Difference{d("body.name", Missing, `"tea"`, ""), d("body.title", Extra, "", `"tea"`)}},
		{name: "changed status", a: jsonResponse(200, `{}`), b: jsonResponse(503, `{}`),
			want: []Difference{d("status", StatusChanged, "200", "503")}},
		{name: "string to number is a type change", a: ok(`{"id":"12"}`), b: ok(`{"id":12}`),
			want: []Difference{d("body.id", TypeChanged, `"12"`, "12")}},
		{name: "object to array is a type change", a: ok(`{"tags":{"a":1}}`), b: ok(`{"tags":["a"]}`),
			want: []Difference{d("body.tags", TypeChanged, `{"a":1}`, `["a"]`)}},
		{name: "null to value is a type change", a: ok(`{"note":null}`), b: ok(`{"note":"gift"}`),
			want: []Difference{d("body.note", TypeChanged, "null", `"gift"`)}},
		{name: "null vs missing", a: ok(`{"id":1,"note":null}`), b: ok(`{"id":1}`),
			want: []Difference{d("body.note", NullVsMissing, "null", "")}},
		{name: "missing vs null", a: ok(`{"id":1}`), b: ok(`{"id":1,"note":null}`),
			want: []Difference{d("body.note", NullVsMissing, "", "null")}},
		{name: "1 and 1.0 and 1e0 are equal", a: ok(`[1, 1, 100, 0.1, 0, 12345678901234567890]`), b: ok(`[1.0, 1e0, 1E2, 0.10, -0.0, 1.2345678901234567890e19]`)},
		{name: "big integers compare exactly", a: ok(`{"id":9007199254740993}`), b: ok(`{"id":9007199254740992}`),
			want: []Difference{d("body.id", ValueChanged, "9007199254740993", "9007199254740992")}},
		{name: "unicode escapes are decoded", a: ok(`{"name":"caf\u00e9 \ud83c\udf75"}`), b: ok(`{"name":"café 🍵"}`)},
		{name: "arrays by index: indices collapse to [*]", a: ok(`{"items":[{"p":1},{"p":2},{"p":3}]}`), b: ok(`{"items":[{"p":1},{"p":5},{"p":6}]}`),
			want: []Difference{times(2, d("body.items[*].p", ValueChanged, "2", "5"))}},
		{name: "arrays by index: shuffled items differ", a: ok(`[1,2,3]`), b: ok(`[1,3,2]`),
			want: []Difference{times(2, d("body[*]", ValueChanged, "2", "3"))}},
		{name: "arrays by index: longer", a: ok(`{"items":[1,2]}`), b: ok(`{"items":[1,2,3,4]}`),
			want: []Difference{times(2, d("body.items[*]", Extra, "", "3"))}},
		{name: "arrays by index: shorter", a: ok(`{"items":[1,2]}`), b: ok(`{"items":[1]}`),
			want: []Difference{d("body.items[*]", Missing, "2", "")}},
		{name: "unordered: shuffled equal items are equal", o: unordered,
			a: ok(`{"items":[{"id":"p-1","price":1.5},{"id":"p-2","price":2},{"id":"p-3","price":3}]}`),
			b: ok(`{"items":[{"price":3,"id":"p-3"},{"id":"p-1","price":1.50},{"id":"p-2","price":2}]}`)},
		{name: "unordered: duplicates count as a multiset", o: unordered,
			a: ok(`{"items":[1,1,2]}`), b: ok(`{"items":[2,1,2]}`),
			want: []Difference{d("body.items[*]", ValueChanged, "1", "2")}},
		{name: "unordered: a changed item is compared field by field", o: unordered,
			a:    ok(`{"items":[{"id":"p-1","price":1},{"id":"p-2","price":2},{"id":"p-3","price":3}]}`),
			b:    ok(`{"items":[{"id":"p-3","price":3},{"id":"p-2","price":20},{"id":"p-1","price":1}]}`),
			want: []Difference{d("body.items[*].price", ValueChanged, "2", "20")}},
		{name: "unordered: changed items pair with the most similar", o: unordered,
			a:    ok(`{"items":[{"id":"p-1","name":"tea","price":1},{"id":"p-2","name":"cake","price":2}]}`),
			b:    ok(`{"items":[{"id":"p-2","name":"cake","price":21},{"id":"p-1","name":"tea","price":11}]}`),
			want: []Difference{times(2, d("body.items[*].price", ValueChanged, "1", "11"))}},
		{name: "unordered: removed and added items", o: unordered,
			a: ok(`{"items":["a","b","c"]}`), b: ok(`{"items":["c","a"]}`),
			want: []Difference{d("body.items[*]", Missing, `"b"`, "")}},
		{name: "unordered: nested by glob", o: unordered,
			a: ok(`{"products":[{"tags":["x","y"]}]}`), b: ok(`{"products":[{"tags":["y","x"]}]}`)},
		{name: "unordered: only where configured", o: unordered,
			a: ok(`{"other":["x","y"]}`), b: ok(`{"other":["y","x"]}`),
			want: []Difference{times(2, d("body.other[*]", ValueChanged, `"x"`, `"y"`))}},
		{name: "keys with dots and brackets are quoted", a: ok(`{"a.b":{"c[0]":1,"":2}}`), b: ok(`{"a.b":{"c[0]":3,"":4}}`),
			want: []Difference{d(`body["a.b"]["c[0]"]`, ValueChanged, "1", "3"), d(`body["a.b"][""]`, ValueChanged, "2", "4")}},
		{name: "duplicate keys: the last counts", a: ok(`{"a":1,"a":2}`), b: ok(`{"a":2}`)},
		{name: "top-level scalar", a: ok(`true`), b: ok(`"yes"`),
			want: []Difference{d("body", TypeChanged, "true", `"yes"`)}},
		{name: "content type parameters are compared as HTTP defines them",
			a: Response{Status: 200, Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, Body: []byte(`{}`)},
			b: Response{Status: 200, Header: http.Header{"Content-Type": {"application/json;charset=UTF-8"}}, Body: []byte(`{}`)}},
		{name: "content type changed",
			a:    Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{}`)},
			b:    Response{Status: 200, Header: http.Header{"Content-Type": {"application/problem+json"}}, Body: []byte(`{}`)},
			want: []Difference{d("header.Content-Type", ValueChanged, `"application/json"`, `"application/problem+json"`)}},
		{name: "content type missing",
			a: ok(`{}`), b: Response{Status: 200, Body: []byte(`{}`)},
			want: []Difference{d("header.Content-Type", Missing, `"application/json; charset=utf-8"`, "")}},
		{name: "other headers are not compared by default",
			a: Response{Status: 200, Header: http.Header{"X-Version": {"1"}}}, b: Response{Status: 200, Header: http.Header{"X-Version": {"2"}}}},
		{name: "all headers with *", o: allHeaders,
			a: Response{Status: 200, Header: http.Header{"X-Version": {"1"}, "x-only-a": {"a"}}},
			b: Response{Status: 200, Header: http.Header{"X-Version": {"2"}, "X-Only-B": {"b", "c"}}},
			want: []Difference{
				d("header.X-Only-A", Missing, `"a"`, ""),
				d("header.X-Only-B", Extra, "", `"b, c"`),
				d("header.X-Version", ValueChanged, `"1"`, `"2"`),
			}},
		{name: "text bodies: first differing line", a: textResponse("hello\nwörld\nbye"), b: textResponse("hello\nwörd\nbye"),
			want: []Difference{d("body", BodyChanged, `line 2, column 4: "wörld"`, `line 2, column 4: "wörd"`)}},
		{name: "text bodies: one is a prefix", a: textResponse("abc"), b: textResponse("abcdef"),
			want: []Difference{d("body", BodyChanged, `line 1, column 4: (end of body)`, `line 1, column 4: "abcdef"`)}},
		{name: "text bodies: long lines are windowed",
			a: textResponse(strings.Repeat("x", 100) + "A" + strings.Repeat("y", 100)), b: textResponse(strings.Repeat("x", 100) + "B" + strings.Repeat("y", 100)),
			want: []Difference{d("body", BodyChanged,
				`line 1, column 101: …"`+strings.Repeat("x", 40)+"A"+strings.Repeat("y", 79)+`"…`,
				`line 1, column 101: …"`+strings.Repeat("x", 40)+"B"+strings.Repeat("y", 79)+`"…`)}},
		{name: "invalid JSON falls back to text", a: ok(`{"a":1`), b: ok(`{"a":2`),
			want: []Difference{d("body", BodyChanged, `line 1, column 6: "{\"a\":1"`, `line 1, column 6: "{\"a\":2"`)}},
		{name: "JSON against text is a type change", a: ok(`{"a":1}`), b: textResponse("Internal error"),
			want: []Difference{
				d("header.Content-Type", ValueChanged, `"application/json; charset=utf-8"`, `"text/plain; charset=utf-8"`),
				d("body", TypeChanged, `{"a":1}`, `text: "Internal error"`),
			}},
		{name: "empty bodies are equal", a: Response{Status: 204}, b: Response{Status: 204}},
		{name: "empty against JSON", a: Response{Status: 200}, b: Response{Status: 200, Body: []byte(`{"a":1}`)},
			want: []Difference{d("body", BodyChanged, "", `{"a":1}`)}},
		{name: "binary bodies by size and SHA-256",
			a: Response{Status: 200, Body: []byte{0xff, 0xfe, 0, 1}}, b: Response{Status: 200, Body: []byte{0xff, 0xfe, 0, 2}},
			want: []Difference{d("body", BodyChanged,
				fmt.Sprintf("binary: 4 bytes, sha256:%x", sha256.Sum256([]byte{0xff, 0xfe, 0, 1})),
				fmt.Sprintf("binary: 4 bytes, sha256:%x", sha256.Sum256([]byte{0xff, 0xfe, 0, 2})))}},
		{name: "equal binary bodies", a: Response{Status: 200, Body: []byte{0xff, 0}}, b: Response{Status: 200, Body: []byte{0xff, 0}}},
		{name: "transport error on one side", a: ok(`{}`), b: Response{Err: "dial tcp 127.0.0.1:9: connection refused"},
			want: []Difference{d("error", ErrorChanged, "", "dial tcp 127.0.0.1:9: connection refused")}},
		{name: "the same transport error on both sides", a: Response{Err: "timeout"}, b: Response{Err: "timeout"}},
		{name: "too many differences are truncated", o: &Options{MaxDifferences: 2}, a: ok(`{"a":1,"b":1,"c":1,"d":1}`), b: ok(`{"a":2,"b":2,"c":2,"d":2}`),
			want: []Difference{
				d("body.a", ValueChanged, "1", "2"),
				d("body.b", ValueChanged, "1", "2"),
				times(2, d("body", Truncated, "more than 2 differences; 2 more not listed", "")),
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Compare(tc.a, tc.b, tc.o)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Compare:\n got %s\nwant %s", show(got), show(tc.want))
			}
		})
	}
}

func show(ds []Difference) string {
	if len(ds) == 0 {
		return "no differences"
	}
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "\n\t%s", d)
	}
	return b.String()
}

func TestBinaryBodiesAreNeverRendered(t *testing.T) {
	a := Response{Status: 200, Header: http.Header{"Content-Type": {"image/png"}}, Body: []byte("\x89PNG\r\n\x1a\n<not shown>")}
	b := Response{Status: 200, Header: http.Header{"Content-Type": {"image/png"}}, Body: []byte("\x89PNG\r\n\x1a\n<hidden>")}
	got := Compare(a, b, nil)
	want := []Difference{d("body", BodyChanged,
		fmt.Sprintf("binary: 19 bytes, sha256:%x", sha256.Sum256(a.Body)),
		fmt.Sprintf("binary: 16 bytes, sha256:%x", sha256.Sum256(b.Body)))}
	if !slices.Equal(got, want) {
		t.Errorf("image/png bodies (valid UTF-8, but binary by type):\n got %s\nwant %s", show(got), show(want))
	}
}

func TestCompareDepthBound(t *testing.T) {
	nested := func(depth int, leaf string) string {
		return strings.Repeat(`{"a":`, depth) + leaf + strings.Repeat("}", depth)
	}
	tests := []struct {
		name string
		a, b string
		o    *Options
		want []Difference
	}{
		{name: "10,000 levels, equal", a: nested(10_000, "1"), b: nested(10_000, "1")},
		{name: "10,000 levels, different deep down", a: nested(10_000, "1"), b: nested(10_000, "2"),
			want: []Difference{{Path: "body" + strings.Repeat(".a", 512), Kind: TooDeep}}},
		{name: "above the bound values are compared", o: &Options{MaxDepth: 3}, a: nested(3, "1"), b: nested(3, "2"),
			want: []Difference{d("body.a.a.a", ValueChanged, "1", "2")}},
		{name: "below the bound containers are raw text", o: &Options{MaxDepth: 2}, a: nested(3, "1"), b: nested(3, "2"),
			want: []Difference{d("body.a.a", TooDeep, `{"a":1}`, `{"a":2}`)}},
		{name: "deep arrays", o: &Options{MaxDepth: 2}, a: `[[[1]]]`, b: `[[[1]]]`},
		{name: "deep and invalid is text", o: &Options{MaxDepth: 2}, a: `[[[1}]]`, b: `[[[2}]]`,
			want: []Difference{d("body", BodyChanged, `line 1, column 4: "[[[1}]]"`, `line 1, column 4: "[[[2}]]"`)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Compare(ok(tc.a), ok(tc.b), tc.o)
			if tc.name == "10,000 levels, different deep down" && len(got) == 1 {
				got[0].A, got[0].B, got[0].Count = "", "", 0 // long renderings; the path and kind matter here
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Compare:\n got %s\nwant %s", show(got), show(tc.want))
			}
		})
	}
}

func TestCompareLargeBodies(t *testing.T) {
	a := catalogJSON(42_000, 0) // about 10 MB
	if len(a) < 10<<20 {
		t.Fatalf("test body is %d bytes; want 10 MB", len(a))
	}
	b := catalogJSON(42_000, 7) // every 7th price changed
	tests := []struct {
		name string
		o    *Options
	}{
		{name: "by index"},
		{name: "unordered", o: &Options{UnorderedArrays: []string{"body.products"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Compare(ok(string(a)), ok(string(a)), tc.o); len(got) != 0 {
				t.Errorf("identical 10 MB bodies: %s", show(got))
			}
			got := Compare(ok(string(a)), ok(string(b)), tc.o)
			want := []Difference{times(42_000/7, d("body.products[*].price", ValueChanged, "100.5", "101.5"))}
			if tc.o != nil {
				// Unmatched elements are paired in order past 16, and the
				// first changed product is p-0 either way.
				want[0].A, want[0].B = got[0].A, got[0].B
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %s\nwant %s", show(got), show(want))
			}
		})
	}
}

// catalogJSON is a JSON catalogue of n products, about 260 bytes each; every
// changeEvery-th product's price is one higher (0: none).
func catalogJSON(n, changeEvery int) []byte {
	var b strings.Builder
	b.WriteString(`{"total":`)
	fmt.Fprint(&b, n)
	b.WriteString(`,"products":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		price := 100.5 + float64(i%10)
		if changeEvery > 0 && i%changeEvery == 0 {
			price++
		}
		fmt.Fprintf(&b, `{"id":"p-%d","name":"Product number %d","description":"A fine product, \"quoted\" and caf\u00e9",`+
			`"price":%g,"currency":"EUR","stock":{"warehouse":"north","count":%d,"reserved":null},`+
			`"tags":["tea","green","organic"],"active":true,"rating":4.25}`, i, i, price, i*3)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}
