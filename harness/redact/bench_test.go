package redact_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tandem-harness/tandem/harness/redact"
)

// BenchmarkJSON10MB redacts a 10 MB JSON document (100 000 objects, one
// secret field each). Compared against json.Compact of the same bytes: a
// plain pass over the document with the standard library's scanner.
func BenchmarkJSON10MB(b *testing.B) {
	var doc bytes.Buffer
	doc.WriteString(`{"items":[`)
	for i := 0; doc.Len() < 10<<20; i++ {
		if i > 0 {
			doc.WriteByte(',')
		}
		fmt.Fprintf(&doc, `{"id":"p-%d","name":"Espresso cup","note":"time=12:00","password":"hunter2","price":{"amount_cents":1299,"currency":"EUR"}}`, i)
	}
	doc.WriteString(`]}`)
	r := redact.New()
	// The work timed must succeed: the secret gone, the document still JSON.
	out := r.JSON(doc.Bytes())
	if bytes.Contains(out, []byte("hunter2")) || !json.Valid(out) || !bytes.Contains(out, []byte(`"note":"time=12:00"`)) {
		b.Fatalf("redacting the document kept the password, broke the JSON or changed an ordinary field: %.300s", out)
	}
	if err := json.Compact(new(bytes.Buffer), doc.Bytes()); err != nil {
		b.Fatalf("the document is not JSON: %v", err)
	}
	b.Run("redact", func(b *testing.B) {
		b.SetBytes(int64(doc.Len()))
		for b.Loop() {
			r.JSON(doc.Bytes())
		}
	})
	b.Run("compact", func(b *testing.B) {
		b.SetBytes(int64(doc.Len()))
		var out bytes.Buffer
		for b.Loop() {
			out.Reset()
			_ = json.Compact(&out, doc.Bytes())
		}
	})
}
