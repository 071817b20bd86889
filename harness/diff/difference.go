package diff

import (
	"fmt"
	"strings"
)

// Kind says how a field differs.
type Kind uint8

// The kinds of difference. A is the first response's value (the primary's),
// B the second's (the candidate's or the secondary's).
const (
	ValueChanged  Kind = iota + 1 // same type, different value (numbers compared exactly)
	TypeChanged                   // string → number, object → array, null → value, JSON body → text, …
	Missing                       // present in A, absent from B (a field, array element or header)
	Extra                         // absent from A, present in B
	NullVsMissing                 // null on one side, absent on the other
	StatusChanged                 // the HTTP status
	BodyChanged                   // a text, binary or empty body (not JSON on both sides)
	ErrorChanged                  // a transport error on one side, or different errors
	TooDeep                       // JSON nested deeper than Options.MaxDepth, and different
	Truncated                     // more than Options.MaxDifferences differences; the rest are not listed
)

var kindNames = [...]string{
	ValueChanged:  "valueChanged",
	TypeChanged:   "typeChanged",
	Missing:       "missing",
	Extra:         "extra",
	NullVsMissing: "nullVsMissing",
	StatusChanged: "statusChanged",
	BodyChanged:   "bodyChanged",
	ErrorChanged:  "errorChanged",
	TooDeep:       "tooDeep",
	Truncated:     "truncated",
}

// String returns the kind's name as it appears in reports: "valueChanged".
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MarshalText writes the kind's name.
func (k Kind) MarshalText() ([]byte, error) {
	if int(k) >= len(kindNames) || kindNames[k] == "" {
		return nil, fmt.Errorf("diff: unknown kind %d", uint8(k))
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText reads a kind's name.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, name := range kindNames {
		if name != "" && name == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("diff: unknown kind %q; known kinds: %s", b, strings.Join(kindNames[1:], ", "))
}

// Difference is one field that differs between two responses.
type Difference struct {
	// Path names the field: status, error, header.Content-Type, body,
	// body.items[*].price, body["a.b"].
	Path string `json:"path"`
	Kind Kind   `json:"kind"`
	// A and B are the two values, rendered as compact JSON (strings quoted)
	// and truncated; empty where the value is absent. Binary bodies are
	// rendered by size and SHA-256, text bodies by their first differing line.
	A string `json:"a,omitempty"`
	B string `json:"b,omitempty"`
	// Count is how often the path differed in this way in the exchange (array
	// elements share a path); A and B are the first occurrence.
	Count int `json:"count"`
}

// String renders the difference on one line: body.price: valueChanged: 10 → 12.
func (d Difference) String() string {
	a, b := d.A, d.B
	if a == "" {
		a = "(absent)"
	}
	if b == "" {
		b = "(absent)"
	}
	s := fmt.Sprintf("%s: %s: %s → %s", d.Path, d.Kind, a, b)
	if d.Count > 1 {
		s += fmt.Sprintf(" (%d times)", d.Count)
	}
	return s
}
