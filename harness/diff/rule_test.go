package diff

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestParseRuleErrors(t *testing.T) {
	tests := []struct {
		rule string
		want []string // substrings of the error
	}{
		{"body.id", []string{`ignore rule "body.id"`, "no kind", "path:GLOB", "header:NAME", "pattern:uuid"}},
		{"field:body.id", []string{`unknown kind "field"`, "accepted forms"}},
		{"path:", []string{"empty path"}},
		{"path:items[*].id", []string{`starts with "items"`, "body, status, header or error"}},
		{"path:body.items[0].id", []string{"indices are collapsed", "[*] instead of [0]"}},
		{"path:body.items[", []string{`expected [*] or ["key"]`}},
		{`path:body["a.b`, []string{"unterminated quoted key"}},
		{"path:body..id", []string{"empty key"}},
		{"path:header.X-A.b", []string{"header.NAME"}},
		{"header:", []string{"not a header name"}},
		{"header:X Request", []string{`"X Request" is not a header name`}},
		{"pattern:email", []string{`unknown pattern "email"`, "uuid, timestamp or /REGEX/"}},
		{"pattern:/(/", []string{"invalid regular expression /(/", "missing closing )"}},
		{"pattern://", []string{"empty regular expression"}},
		{"pattern:^req-", []string{`unknown pattern "^req-"`, "between slashes"}},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			_, err := ParseRule(tc.rule)
			if err == nil {
				t.Fatalf("ParseRule(%q) succeeded; want an error", tc.rule)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ParseRule(%q) error %q does not say %q", tc.rule, err, w)
				}
			}
		})
	}
}

func TestRulesLoadFromJSON(t *testing.T) {
	var o Options
	err := json.Unmarshal([]byte(`{"headers":["*"],"ignore":["header:Date"," pattern:uuid ","path:body[\"a.b\"]"]}`), &o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range o.Ignore {
		got = append(got, r.String())
	}
	if want := []string{"header:Date", "pattern:uuid", `path:body["a.b"]`}; !slices.Equal(got, want) {
		t.Errorf("rules = %q, want %q", got, want)
	}
	err = json.Unmarshal([]byte(`{"ignore":["header"]}`), &o)
	if err == nil || !strings.Contains(err.Error(), "accepted forms") {
		t.Errorf("bad rule in JSON: error %v, want one listing the accepted forms", err)
	}
}

func TestOptionsValidate(t *testing.T) {
	o := &Options{
		Headers:         []string{"Content-Type", "X Bad", "X-*"},
		UnorderedArrays: []string{"body.items", "items"},
		Ignore:          []Rule{{}},
		MaxDepth:        -1,
	}
	err := o.Validate()
	if err == nil {
		t.Fatal("Validate succeeded; want errors")
	}
	for _, w := range []string{`header "X Bad"`, `header "X-*"`, `path "items" starts with "items"`, "ignore rule 1 is empty", "MaxDepth is -1"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Validate error does not say %q:\n%v", w, err)
		}
	}
	if err := (&Options{MaxDepth: 1_000_000}).Validate(); err == nil || !strings.Contains(err.Error(), "at most 10000 levels") {
		t.Errorf("MaxDepth 1,000,000: error %v, want one naming the limit", err)
	}
	if err := (&Options{Headers: []string{"*"}, UnorderedArrays: []string{"body.**.tags"}}).Validate(); err != nil {
		t.Errorf("valid options: %v", err)
	}
	if _, err := NewCollector(o, DefaultThresholds(), nil); err == nil {
		t.Error("NewCollector accepted invalid options")
	}
}

func TestIgnoreRules(t *testing.T) {
	rules := func(rs ...string) *Options {
		o := &Options{Headers: []string{"*"}}
		for _, r := range rs {
			o.Ignore = append(o.Ignore, MustParseRule(r))
		}
		return o
	}
	withDate := func(r Response, date string) Response {
		r.Header = r.Header.Clone()
		r.Header.Set("date", date)
		return r
	}
	tests := []struct {
		name    string
		o       *Options
		a, b    Response
		want    []Difference
		dropped []int
	}{
		{name: "path glob with [*]", o: rules("path:body.items[*].updated_at"),
			a: ok(`{"items":[{"id":1,"updated_at":"x"}],"updated_at":"x"}`), b: ok(`{"items":[{"id":1,"updated_at":"y"}],"updated_at":"y"}`),
			want: []Difference{d("body.updated_at", ValueChanged, `"x"`, `"y"`)}, dropped: []int{1}},
		{name: "path glob with * for one key", o: rules("path:body.*.updated_at"),
			a:    ok(`{"order":{"updated_at":1},"cart":{"updated_at":1},"deep":{"x":{"updated_at":1}}}`),
			b:    ok(`{"order":{"updated_at":2},"cart":{"updated_at":2},"deep":{"x":{"updated_at":2}}}`),
			want: []Difference{d("body.deep.x.updated_at", ValueChanged, "1", "2")}, dropped: []int{2}},
		{name: "path glob with ** and a partial key", o: rules("path:body.**.*_at"),
			a: ok(`{"created_at":1,"x":[{"y":{"seen_at":1,"price":1}}]}`), b: ok(`{"created_at":2,"x":[{"y":{"seen_at":2,"price":2}}]}`),
			want: []Difference{d("body.x[*].y.price", ValueChanged, "1", "2")}, dropped: []int{2}},
		{name: "path rule covers the subtree", o: rules("path:body.meta"),
			a: ok(`{"meta":{"trace":"a","took":1},"id":1}`), b: ok(`{"meta":{"trace":"b"},"id":1}`),
			dropped: []int{2}},
		{name: "quoted key", o: rules(`path:body["a.b"]`),
			a: ok(`{"a.b":1,"a":{"b":1}}`), b: ok(`{"a.b":2,"a":{"b":2}}`),
			want: []Difference{d("body.a.b", ValueChanged, "1", "2")}, dropped: []int{1}},
		{name: "status by path", o: rules("path:status"), a: jsonResponse(200, `{}`), b: jsonResponse(201, `{}`), dropped: []int{1}},
		{name: "header, case-insensitive, with all headers compared", o: rules("header:DATE"),
			a: withDate(ok(`{}`), "Mon, 02 Jan 2006 15:04:05 GMT"), b: withDate(ok(`{}`), "Mon, 02 Jan 2006 15:04:06 GMT"),
			dropped: []int{1}},
		{name: "header wildcard", o: rules("header:X-Trace-*"),
			a:    Response{Header: http.Header{"X-Trace-Id": {"1"}, "X-Trace-Span": {"1"}, "X-Other": {"1"}}},
			b:    Response{Header: http.Header{"X-Trace-Id": {"2"}, "X-Trace-Span": {"2"}, "X-Other": {"2"}}},
			want: []Difference{d("header.X-Other", ValueChanged, `"1"`, `"2"`)}, dropped: []int{2}},
		{name: "pattern uuid: both values must match", o: rules("pattern:uuid"),
			a:    ok(`{"id":"0b3c5d3e-4f6a-4b8c-9d0e-1f2a3b4c5d6e","ref":"0b3c5d3e-4f6a-4b8c-9d0e-1f2a3b4c5d6e"}`),
			b:    ok(`{"id":"9F8E7D6C-5B4A-4938-8271-605F4E3D2C1B","ref":"none"}`),
			want: []Difference{d("body.ref", ValueChanged, `"0b3c5d3e-4f6a-4b8c-9d0e-1f2a3b4c5d6e"`, `"none"`)}, dropped: []int{1}},
		{name: "pattern timestamp", o: rules("pattern:timestamp"),
			a:    ok(`{"a":"2024-05-01T10:00:00Z","b":"2024-05-01T10:00:00.123+02:00","c":"2024-05-01 10:00","epoch":1714557600000}`),
			b:    ok(`{"a":"2024-05-01T10:00:01Z","b":"2024-05-01T10:00:01.5+02:00","c":"2024-05-02 11:00","epoch":1714557600001}`),
			want: []Difference{d("body.epoch", ValueChanged, "1714557600000", "1714557600001")}, dropped: []int{3}},
		{name: "pattern timestamp in HTTP date headers", o: rules("pattern:timestamp"),
			a: withDate(ok(`{}`), "Mon, 02 Jan 2006 15:04:05 GMT"), b: withDate(ok(`{}`), "Tue, 03 Jan 2006 15:04:05 GMT"),
			dropped: []int{1}},
		{name: "pattern regex", o: rules(`pattern:/^req-[0-9a-f]+$/`),
			a: ok(`{"rid":"req-1a","n":"req-1"}`), b: ok(`{"rid":"req-2b","n":"req-x"}`),
			want: []Difference{d("body.n", ValueChanged, `"req-1"`, `"req-x"`)}, dropped: []int{1}},
		{name: "pattern regex on numbers", o: rules(`pattern:/^1[0-9]{12}$/`),
			a: ok(`{"epoch":1714557600000}`), b: ok(`{"epoch":1714557600001}`), dropped: []int{1}},
		{name: "patterns mask text bodies", o: rules("pattern:uuid", "pattern:timestamp"),
			a:       textResponse("<p>Order 0b3c5d3e-4f6a-4b8c-9d0e-1f2a3b4c5d6e at 2024-05-01T10:00:00Z</p>"),
			b:       textResponse("<p>Order 9f8e7d6c-5b4a-4938-8271-605f4e3d2c1b at 2024-05-01T10:00:09Z</p>"),
			dropped: []int{1, 0}},
		{name: "masked text still differs elsewhere", o: rules("pattern:uuid"),
			a:       textResponse("Order 0b3c5d3e-4f6a-4b8c-9d0e-1f2a3b4c5d6e: paid"),
			b:       textResponse("Order 9f8e7d6c-5b4a-4938-8271-605f4e3d2c1b: failed"),
			want:    []Difference{d("body", BodyChanged, `line 1, column 15: "Order <uuid>: paid"`, `line 1, column 15: "Order <uuid>: failed"`)},
			dropped: []int{0}},
		{name: "unordered elements match despite ignored fields and patterns",
			o: func() *Options {
				o := rules("path:body.items[*].seen", "pattern:uuid")
				o.UnorderedArrays = []string{"body.items"}
				return o
			}(),
			a:       ok(`{"items":[{"sku":"a","seen":1,"rid":"0b3c5d3e-4f6a-4b8c-9d0e-1f2a3b4c5d6e"},{"sku":"b","seen":1}]}`),
			b:       ok(`{"items":[{"sku":"b","seen":2},{"sku":"a","seen":2,"rid":"9f8e7d6c-5b4a-4938-8271-605f4e3d2c1b"}]}`),
			dropped: []int{0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := compile(tc.o)
			if err != nil {
				t.Fatal(err)
			}
			r := c.compare(c.prepare(&tc.a), c.prepare(&tc.b))
			if !slices.Equal(r.diffs, tc.want) {
				t.Errorf("differences:\n got %s\nwant %s", show(r.diffs), show(tc.want))
			}
			if !slices.Equal(r.dropped, tc.dropped) {
				t.Errorf("dropped per rule = %v, want %v", r.dropped, tc.dropped)
			}
		})
	}
}

func TestTimestampPattern(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"2024-05-01T10:00:00Z", true},
		{"2024-05-01T10:00:00.123456789Z", true},
		{"2024-05-01T10:00:00+02:00", true},
		{"2024-05-01t10:00:00z", true},
		{"2024-05-01 10:00:00", true},
		{"2024-05-01T10:00", true},
		{"20240501T100000Z", true},
		{"Sun, 06 Nov 1994 08:49:37 GMT", true},
		{"2024-05-01", false},
		{"1714557600000", false},
		{"10:00:00", false},
		{"at 2024-05-01T10:00:00Z", false},
	}
	for _, tc := range tests {
		if got := timestampPattern.match(tc.s); got != tc.want {
			t.Errorf("timestamp matches %q = %v, want %v", tc.s, got, tc.want)
		}
	}
}
