package traffic_test

import (
	"fmt"
	"strings"

	"github.com/tandem-harness/tandem/harness/traffic"
)

// Tandem's JSON Lines: one request a line, without scheme and host, so that a
// parallel run or a canary replays it against whatever stack runs the
// service. Methods are upper-cased; a body is a string (or body_base64).
func ExampleReadJSONL() {
	recorded := `{"method":"GET","path":"/products/p-1","headers":{"Accept":["application/json"]}}
{"method":"get","path":"/products","query":"currency=EUR"}
{"method":"POST","path":"/reservations","headers":{"Content-Type":["application/json"]},"body":"{\"product_id\":\"p-2\",\"quantity\":1}"}
`
	reqs, err := traffic.ReadJSONL(strings.NewReader(recorded))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range reqs {
		fmt.Println(r.Method, r.URL(), len(r.Body))
	}
	// Output:
	// GET /products/p-1 0
	// GET /products?currency=EUR 0
	// POST /reservations 33
}
