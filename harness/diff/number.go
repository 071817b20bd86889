package diff

import (
	"bytes"
	"strconv"
	"strings"
)

// JSON numbers are compared as exact decimals: 1, 1.0, 1e0 and 10e-1 are
// equal; 9007199254740993 and 9007199254740992 are not (float64 would say
// they are). Nothing is converted to binary floating point.

// numbersEqual reports whether two JSON number literals denote the same value.
func numbersEqual(a, b string) bool {
	if a == b {
		return true
	}
	var sa, sb [64]byte
	return bytes.Equal(appendCanonicalNumber(sa[:0], a), appendCanonicalNumber(sb[:0], b))
}

// appendCanonicalNumber appends a form of the number literal lit that is the
// same for every literal of the same value: an integer of up to 40 digits is
// written plainly ("100"), anything else as digits and a decimal exponent
// ("15e-1" for 1.5). Zero is "0" whatever its sign.
func appendCanonicalNumber(dst []byte, lit string) []byte {
	s := lit
	neg := false
	if s != "" && s[0] == '-' {
		neg, s = true, s[1:]
	}
	mant := s
	var exp int64
	if i := indexExp(s); i >= 0 {
		mant = s[:i]
		e, err := strconv.ParseInt(s[i+1:], 10, 64)
		if err != nil || e > 1<<40 || e < -(1<<40) {
			// An absurd exponent: compare literally rather than guess.
			return append(append(dst, 'x'), lit...)
		}
		exp = e
	}
	intPart, frac := mant, ""
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		intPart, frac = mant[:i], mant[i+1:]
	}
	exp -= int64(len(frac))

	// The significant digits are intPart+frac without leading or trailing zeros.
	start := len(dst)
	if neg {
		dst = append(dst, '-')
	}
	digitsAt := len(dst)
	dst = appendTrimLeadingZeros(dst, intPart, frac)
	if len(dst) == digitsAt {
		return append(dst[:start], '0')
	}
	for dst[len(dst)-1] == '0' {
		dst = dst[:len(dst)-1]
		exp++
	}
	if exp >= 0 && int64(len(dst)-digitsAt)+exp <= 40 {
		for range exp {
			dst = append(dst, '0')
		}
		return dst
	}
	dst = append(dst, 'e')
	return strconv.AppendInt(dst, exp, 10)
}

func appendTrimLeadingZeros(dst []byte, parts ...string) []byte {
	leading := true
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			if leading && p[i] == '0' {
				continue
			}
			leading = false
			dst = append(dst, p[i])
		}
	}
	return dst
}

func indexExp(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' || s[i] == 'E' {
			return i
		}
	}
	return -1
}
