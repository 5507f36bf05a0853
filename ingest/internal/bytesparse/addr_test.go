package bytesparse

import (
	"net/netip"
	"strings"
	"testing"
)

func TestAddr(t *testing.T) {
	tests := []struct {
		in       string
		addr     string // Addr's result; empty: rejected
		unzoned  bool   // UnzonedAddr accepts it too
		ipv4Only bool   // IPv4 accepts it
	}{
		{"10.0.0.1", "10.0.0.1", true, true},
		{"0.0.0.0", "0.0.0.0", true, true},
		{"255.255.255.255", "255.255.255.255", true, true},
		{"2001:db8::1", "2001:db8::1", true, false},
		{"::ffff:10.0.0.1", "::ffff:10.0.0.1", true, false},
		{"0000:0000:0000:0000:0000:0000:255.255.255.255", "::ffff:ffff", true, false},
		{"fe80::1%eth0", "fe80::1%eth0", false, false},
		{"", "", false, false},
		{"1", "", false, false},
		{"10.0.0", "", false, false},
		{"10.0.0.256", "", false, false},
		{"10.0.0.01", "", false, false},
		{"10..0.1", "", false, false},
		{".10.0.0.1", "", false, false},
		{"10.0.0.1.", "", false, false},
		{"1.2.3.4.5", "", false, false},
		{"10.0.0.1:80", "", false, false},
		{"x", "", false, false},
		{"%eth0", "", false, false},
		{"2001:db8::g", "", false, false},
	}
	for _, tt := range tests {
		a, ok := Addr([]byte(tt.in))
		if got := str(a, ok); got != tt.addr {
			t.Errorf("Addr(%q) = %q, want %q", tt.in, got, tt.addr)
		}
		if _, ok := UnzonedAddr([]byte(tt.in)); ok != tt.unzoned {
			t.Errorf("UnzonedAddr(%q) ok = %v, want %v", tt.in, ok, tt.unzoned)
		}
		if _, ok := IPv4([]byte(tt.in)); ok != tt.ipv4Only {
			t.Errorf("IPv4(%q) ok = %v, want %v", tt.in, ok, tt.ipv4Only)
		}
	}
}

func str(a netip.Addr, ok bool) string {
	if !ok {
		return ""
	}
	return a.String()
}

// FuzzAddr holds Addr to its promise: exactly what netip.ParseAddr accepts, and the
// same address.
func FuzzAddr(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "10.0.0.01", "2001:db8::1", "fe80::1%eth0", "::ffff:1.2.3.4", "1.2.3.4:5", "%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := netip.ParseAddr(s)
		got, ok := Addr([]byte(s))
		if ok != (err == nil) || got != want {
			t.Fatalf("Addr(%q) = %v, %v; netip = %v, %v", s, got, ok, want, err)
		}
		got, ok = UnzonedAddr([]byte(s))
		if wantOK := err == nil && want.Zone() == ""; ok != wantOK || ok && got != want {
			t.Fatalf("UnzonedAddr(%q) = %v, %v; netip = %v, %v", s, got, ok, want, err)
		}
		if strings.Contains(s, "%") && ok {
			t.Fatalf("UnzonedAddr(%q) accepted a zone", s)
		}
	})
}

// TestAddrAllocs: a valid address without a zone costs no allocation. (A zone, which
// the Addr keeps, does, and so does netip's error for a bad value.)
func TestAddrAllocs(t *testing.T) {
	for _, s := range []string{"192.168.10.20", "2001:db8:85a3::8a2e:370:7334"} {
		b := []byte(s)
		if n := testing.AllocsPerRun(100, func() { _, _ = Addr(b); _, _ = UnzonedAddr(b) }); n != 0 {
			t.Errorf("Addr(%q): %v allocations per call, want 0", s, n)
		}
	}
}
