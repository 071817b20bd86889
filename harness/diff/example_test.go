package diff_test

import (
	"fmt"
	"net/http"

	"github.com/tandem-harness/tandem/harness/diff"
)

func json(body string) diff.Response {
	return diff.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)}
}

func ExampleCompare() {
	primary := json(`{"id":"p-1","price":10.50,"tags":["tea","green"],"note":null,"updated":"2024-05-01T10:00:00Z"}`)
	candidate := json(`{"id":"p-1","price":10.5,"tags":["green","tea"],"price_cents":1050,"updated":"2024-05-01T10:00:07Z"}`)
	for _, d := range diff.Compare(primary, candidate, &diff.Options{
		UnorderedArrays: []string{"body.tags"},
		Ignore:          []diff.Rule{diff.MustParseRule("pattern:timestamp")},
	}) {
		fmt.Println(d)
	}
	// Output:
	// body.note: nullVsMissing: null → (absent)
	// body.price_cents: extra: (absent) → 1050
}

func ExampleCollector() {
	router, err := diff.NewRouter("GET /products/{id}")
	if err != nil {
		panic(err)
	}
	col, err := diff.NewCollector(nil, diff.DefaultThresholds(), router)
	if err != nil {
		panic(err)
	}
	for i := range 100 {
		req := diff.Request{Method: "GET", Path: fmt.Sprintf("/products/p-%d", i)}
		body := func(requestID string, price int) diff.Response {
			return json(fmt.Sprintf(`{"price":%d,"requestId":%q}`, price, requestID))
		}
		price := 10
		if i%5 == 0 {
			price = 12 // the candidate's change
		}
		col.Add(req, body("a", 10), body("b", 10), body("c", price))
	}
	for _, e := range col.Report().Endpoints {
		fmt.Println(e.Endpoint, e.Requests)
		for _, f := range e.Fields {
			fmt.Printf("  %s reported=%v: %s\n", f.Path, f.Reported, f.Reason)
		}
	}
	// Output:
	// GET /products/{id} 100
	//   body.price reported=true: differs with the candidate in 20 of 100 requests (20%), between primary and secondary in 0
	//   body.requestId reported=false: noise: differs between primary and secondary as often as with the candidate (R=100, N=100)
}

func ExampleParseRule() {
	for _, s := range []string{"path:body.items[*].updated_at", "header:X-Request-ID", "pattern:uuid", "pattern:email"} {
		r, err := diff.ParseRule(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println("ok:", r)
	}
	// Output:
	// ok: path:body.items[*].updated_at
	// ok: header:X-Request-ID
	// ok: pattern:uuid
	// ignore rule "pattern:email": unknown pattern "email"; use uuid, timestamp or /REGEX/ (regular expressions go between slashes)
}
