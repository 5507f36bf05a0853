package query

import (
	"math"
	"testing"
)

func TestParseCount(t *testing.T) {
	tests := []struct {
		in    string
		bytes bool
		want  uint64
		ok    bool
	}{
		{"0", false, 0, true},
		{"1500", true, 1500, true},
		{"10MB", true, 10_000_000, true},
		{"10mb", true, 10_000_000, true},
		{"1.5GB", true, 1_500_000_000, true},
		{"1.5G", true, 1_500_000_000, true},
		{"4KiB", true, 4096, true},
		{"1.5MiB", true, 1_572_864, true},
		{"2TB", true, 2_000_000_000_000, true},
		{"1PB", true, 1_000_000_000_000_000, true},
		{"1.2k", false, 1200, true},
		{"3M", false, 3_000_000, true},
		{"18446744073709551615", true, math.MaxUint64, true},
		{"18446744073709551616", true, 0, false},
		{"18446744073709.551615MB", true, math.MaxUint64, true},
		{"99999999999999999999.5KB", true, 0, false},
		{"20000PB", true, 0, false},
		{"1.0005KB", true, 0, false}, // not a whole number of bytes
		{"1.5", false, 0, false},
		{"10MB", false, 0, false}, // B suffixes are for bytes
		{"4KiB", false, 0, false},
		{"1.", true, 0, false},
		{".5", true, 0, false},
		{"1..5", true, 0, false},
		{"1.5.5", true, 0, false},
		{"", true, 0, false},
		{"KB", true, 0, false},
		{"10XB", true, 0, false},
		{"10KBB", true, 0, false},
		{"-1", true, 0, false},
	}
	for _, tt := range tests {
		got, ok := parseCount(tt.in, tt.bytes)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseCount(%q, %v) = %d, %v; want %d, %v", tt.in, tt.bytes, got, ok, tt.want, tt.ok)
		}
	}
}

func TestConvertIP(t *testing.T) {
	const mapped = 0xffff_0000_0000
	tests := []struct {
		in                 string
		hi1, lo1, hi2, lo2 uint64
	}{
		{"10.0.0.5", 0, mapped | 0x0a000005, 0, mapped | 0x0a000005},
		{"10.0.0.0/8", 0, mapped | 0x0a000000, 0, mapped | 0x0affffff},
		{"10.0.0.5/32", 0, mapped | 0x0a000005, 0, mapped | 0x0a000005},
		{"0.0.0.0/0", 0, mapped, 0, mapped | 0xffffffff},
		{"::/0", 0, 0, math.MaxUint64, math.MaxUint64},
		{"2001:db8::/32", 0x20010db8_00000000, 0, 0x20010db8_ffffffff, math.MaxUint64},
		{"2001:db8:1:2::/64", 0x20010db8_00010002, 0, 0x20010db8_00010002, math.MaxUint64},
		{"2001:db8:1:2:3::/80", 0x20010db8_00010002, 0x0003_0000_0000_0000, 0x20010db8_00010002, 0x0003_ffff_ffff_ffff},
		{"2001:db8::1/128", 0x20010db8_00000000, 1, 0x20010db8_00000000, 1},
		{"fe80::1/10", 0xfe80_0000_0000_0000, 0, 0xfebf_ffff_ffff_ffff, math.MaxUint64},
	}
	for _, tt := range tests {
		v, msg := convertIP(tt.in)
		if msg != "" {
			t.Errorf("convertIP(%q): %s", tt.in, msg)
			continue
		}
		if v.hi1 != tt.hi1 || v.lo1 != tt.lo1 || v.hi2 != tt.hi2 || v.lo2 != tt.lo2 {
			t.Errorf("convertIP(%q) = [%#x:%#x, %#x:%#x], want [%#x:%#x, %#x:%#x]", tt.in,
				v.hi1, v.lo1, v.hi2, v.lo2, tt.hi1, tt.lo1, tt.hi2, tt.lo2)
		}
	}
}

func TestConvertTime(t *testing.T) {
	for in, want := range map[string]uint64{
		"0":                         0,
		"1714521600":                1714521600,
		"2024-05-01":                1714521600,
		"2024-05-01T00:00:00Z":      1714521600,
		"2024-05-01T02:00:00+02:00": 1714521600,
		"2024-05-01T00:00:00.9Z":    1714521600,
	} {
		v, msg := convertTime(in)
		if msg != "" || v.n != want {
			t.Errorf("convertTime(%q) = %d, %q; want %d", in, v.n, msg, want)
		}
	}
}
