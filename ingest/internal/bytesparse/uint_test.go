package bytesparse

import (
	"strconv"
	"testing"
)

func TestUint(t *testing.T) {
	tests := []struct {
		in   string
		max  uint64
		want uint64
		ok   bool
	}{
		{"0", 10, 0, true},
		{"443", 65535, 443, true},
		{"65535", 65535, 65535, true},
		{"65536", 65535, 0, false},
		{"0000000000000000443", 65535, 443, true},
		{"18446744073709551615", 1<<64 - 1, 1<<64 - 1, true},
		{"18446744073709551616", 1<<64 - 1, 0, false},
		{"000000000000000000001", 1<<64 - 1, 0, false}, // 21 digits
		{"", 10, 0, false},
		{"-1", 10, 0, false},
		{"+1", 10, 0, false},
		{"1 ", 10, 0, false},
		{"1/", 10, 0, false}, // '/' is the byte below '0'
		{"1:", 10, 0, false}, // ':' the one above '9'
	}
	for _, tt := range tests {
		if n, ok := UintMax([]byte(tt.in), tt.max); n != tt.want || ok != tt.ok {
			t.Errorf("UintMax(%q, %d) = %d, %v; want %d, %v", tt.in, tt.max, n, ok, tt.want, tt.ok)
		}
	}
}

// FuzzUint checks Uint against strconv.ParseUint, which takes the same syntax.
func FuzzUint(f *testing.F) {
	for _, s := range []string{"0", "18446744073709551615", "18446744073709551616", "12a", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := Uint([]byte(s))
		want, err := strconv.ParseUint(s, 10, 64)
		// strconv also takes more than 20 digits when they start with zeros.
		if len(s) <= 20 && (ok != (err == nil) || ok && n != want) {
			t.Fatalf("Uint(%q) = %d, %v; strconv = %d, %v", s, n, ok, want, err)
		}
		if ok && err != nil {
			t.Fatalf("Uint(%q) = %d, accepted what strconv refuses: %v", s, n, err)
		}
	})
}
