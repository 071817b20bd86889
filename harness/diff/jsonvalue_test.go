package diff

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

var parseCases = []struct {
	name string
	in   string
}{
	{"object", `{"a":1,"b":[true,false,null],"c":{"d":"e"}}`},
	{"white space everywhere", " \t\n{ \"a\" : [ 1 , 2 ] }\r\n"},
	{"empty containers", `[{},[],""]`},
	{"numbers", `[0,-0,1.5,-1.5e10,1E+2,1e-2,12345678901234567890123]`},
	{"escapes", `"\"\\\/\b\f\n\r\t\u00e9\ud83c\udf75"`},
	{"lone surrogate", `"\ud83c"`},
	{"top-level scalar", `42`},
	{"trailing comma in array", `[1,]`},
	{"trailing comma in object", `{"a":1,}`},
	{"leading zero", `01`},
	{"bare dot", `1.`},
	{"bare exponent", `1e`},
	{"plus sign", `+1`},
	{"unquoted key", `{a:1}`},
	{"single quotes", `{'a':1}`},
	{"two values", `{} {}`},
	{"unterminated string", `"abc`},
	{"control character in string", "\"a\tb\""},
	{"bad escape", `"\x"`},
	{"short unicode escape", `"\u12"`},
	{"truncated literal", `tru`},
	{"missing colon", `{"a" 1}`},
	{"missing value", `{"a":}`},
	{"mismatched brackets", `[1}`},
	{"empty", ``},
	{"only space", `   `},
	{"NaN", `NaN`},
	{"deep and valid", strings.Repeat("[", 40) + strings.Repeat("]", 40)},
	{"deep objects", strings.Repeat(`{"a":`, 40) + `{}` + strings.Repeat("}", 40)},
	{"deep and unbalanced", strings.Repeat("[", 40) + strings.Repeat("]", 39)},
	{"deep with bad comma", strings.Repeat("[", 40) + "1,]" + strings.Repeat("]", 39)},
	{"deep object without key", strings.Repeat("[", 40) + `{1:2}` + strings.Repeat("]", 40)},
	{"deep trailing garbage", strings.Repeat("[", 40) + strings.Repeat("]", 40) + "x"},
}

// TestParseAgreesWithEncodingJSON checks validity and decoded strings
// against the standard library, with a depth bound small enough that the
// deep cases go through the non-recursive validator.
func TestParseAgreesWithEncodingJSON(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			checkParse(t, tc.in)
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkParse(t, in)
	})
}

func checkParse(t *testing.T, in string) {
	t.Helper()
	for _, depth := range []int{1, 8, 512} {
		v, ok := parseJSON(in, depth)
		if want := json.Valid([]byte(in)); ok != want {
			t.Fatalf("parseJSON(%q, depth %d) ok = %v; encoding/json says valid = %v", in, depth, ok, want)
		}
		if !ok {
			continue
		}
		var std any
		dec := json.NewDecoder(strings.NewReader(in))
		dec.UseNumber()
		if err := dec.Decode(&std); err != nil {
			t.Fatal(err)
		}
		// Bodies that are not UTF-8 are binary and never parsed, so only
		// valid UTF-8 must decode as encoding/json decodes it.
		if s, isString := std.(string); isString && utf8.ValidString(in) && (v.kind != kString || v.str != s) {
			t.Fatalf("parseJSON(%q) = %q; encoding/json decodes %q", in, v.str, s)
		}
	}
}

func TestNumbersEqual(t *testing.T) {
	tests := []struct {
		a, b  string
		equal bool
	}{
		{"1", "1", true},
		{"1", "1.0", true},
		{"1", "1e0", true},
		{"1", "10e-1", true},
		{"100", "1E2", true},
		{"100", "1e+2", true},
		{"0.1", "0.10", true},
		{"0.1", "1e-1", true},
		{"0", "-0", true},
		{"0", "0.000", true},
		{"0", "0e5", true},
		{"-1.5", "-15e-1", true},
		{"12345678901234567890", "1.234567890123456789e19", true},
		{"1e400", "10e399", true},
		{"1e400", "1e401", false},
		{"9007199254740993", "9007199254740992", false},
		{"0.1", "0.1000000000000000055511151231257827", false},
		{"1", "-1", false},
		{"1", "2", false},
		{"1.5", "1.50000000000000000000001", false},
		{"1e99999999999999999999", "1e99999999999999999999", true},
		{"1e99999999999999999999", "1e99999999999999999998", false},
	}
	for _, tc := range tests {
		t.Run(tc.a+" vs "+tc.b, func(t *testing.T) {
			if got := numbersEqual(tc.a, tc.b); got != tc.equal {
				t.Errorf("numbersEqual(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.equal)
			}
			if got := numbersEqual(tc.b, tc.a); got != tc.equal {
				t.Errorf("numbersEqual(%s, %s) = %v, want %v", tc.b, tc.a, got, tc.equal)
			}
		})
	}
}
