package diff

import (
	"fmt"
	"testing"
)

func benchmarkCompare(b *testing.B, products int, o *Options) {
	a := ok(string(catalogJSON(products, 0)))
	c := ok(string(catalogJSON(products, 97)))
	b.SetBytes(int64(len(a.Body) + len(c.Body)))
	b.ReportAllocs()
	for b.Loop() {
		if len(Compare(a, c, o)) != 1 {
			b.Fatal("want one difference")
		}
	}
}

// BenchmarkCompare reports MB/s of JSON compared (both bodies counted),
// parsing included.
func BenchmarkCompare(b *testing.B) {
	unordered := &Options{UnorderedArrays: []string{"body.products"}}
	b.Run("1MB", func(b *testing.B) { benchmarkCompare(b, 4_200, nil) })
	b.Run("10MB", func(b *testing.B) { benchmarkCompare(b, 42_000, nil) })
	b.Run("1MB-unordered", func(b *testing.B) { benchmarkCompare(b, 4_200, unordered) })
}

// BenchmarkCollectorAdd measures a typical small exchange: three JSON
// responses of about 150 bytes, a noisy field, a changed field, an ignored
// header.
func BenchmarkCollectorAdd(b *testing.B) {
	col := newCollector(b, &Options{
		Headers: []string{"Content-Type", "Date"},
		Ignore:  []Rule{MustParseRule("header:Date"), MustParseRule("pattern:uuid")},
	}, DefaultThresholds(), "GET /products/{id}")
	responses := func(i int, stack string, price int) Response {
		r := ok(fmt.Sprintf(`{"id":"p-%d","name":"Green tea","price":%d,"stock":{"count":5},"requestId":"r-%d-%s","tags":["a","b"]}`, i, price, i, stack))
		r.Header.Set("Date", "Wed, 01 May 2024 10:00:00 GMT")
		return r
	}
	const n = 1024
	var reqs [n]Request
	var p, s, c [n]Response
	for i := range n {
		reqs[i] = Request{Method: "GET", Path: fmt.Sprintf("/products/p-%d", i)}
		p[i], s[i], c[i] = responses(i, "p", 10), responses(i, "s", 10), responses(i, "c", 10+i%2)
	}
	b.SetBytes(int64(len(p[0].Body) * 3))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		col.Add(reqs[i%n], p[i%n], s[i%n], c[i%n])
		i++
	}
}
