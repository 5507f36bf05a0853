package bytesparse

// Uint parses decimal digits; ok is false for anything else, for an empty value and
// for an overflow of uint64.
func Uint(b []byte) (uint64, bool) { return UintMax(b, 1<<64-1) }

// UintMax is Uint for a value of at most max; a larger one is refused as soon as a
// digit passes it.
func UintMax(b []byte, max uint64) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		d := uint64(c - '0') // a byte below '0' wraps past 9
		if d > 9 {
			return 0, false
		}
		if n > (max-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// fixed parses a fixed-width run of decimal digits, such as a date field.
func fixed(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
