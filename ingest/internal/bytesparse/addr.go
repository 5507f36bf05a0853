package bytesparse

import (
	"bytes"
	"net/netip"
	"unsafe"
)

// Addr parses an IP address, accepting exactly what netip.ParseAddr accepts. Dotted
// IPv4, by far the most common, is parsed by hand; anything else goes to netip
// without allocating unless it carries a zone.
func Addr(b []byte) (netip.Addr, bool) {
	if a, ok := IPv4(b); ok {
		return a, true
	}
	if len(b) == 0 {
		return netip.Addr{}, false
	}
	if bytes.IndexByte(b, '%') >= 0 {
		// The Addr keeps the zone, so it must not point into the caller's buffer.
		a, err := netip.ParseAddr(string(b))
		return a, err == nil
	}
	// string(b) would be copied to the heap on every IPv6 value because the error
	// value keeps the input. The string made here does not outlive the call: a
	// zone-less Addr holds no string, and the error is dropped.
	a, err := netip.ParseAddr(unsafe.String(&b[0], len(b)))
	return a, err == nil
}

// UnzonedAddr is Addr refusing a zone (fe80::1%eth0): flow logs never carry one, so
// a zone means garbage.
func UnzonedAddr(b []byte) (netip.Addr, bool) {
	if len(b) > len("0000:0000:0000:0000:0000:0000:255.255.255.255") || bytes.IndexByte(b, '%') >= 0 {
		return netip.Addr{}, false
	}
	return Addr(b)
}

// IPv4 parses a dotted IPv4 address as netip.ParseAddr does: four decimal octets
// without leading zeros (which some parsers read as octal).
func IPv4(b []byte) (netip.Addr, bool) {
	var ip [4]byte
	part, digits, v := 0, 0, 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if digits > 0 && v == 0 {
				return netip.Addr{}, false // a leading zero
			}
			v = v*10 + int(c-'0')
			digits++
			if v > 255 {
				return netip.Addr{}, false
			}
		case c == '.' && digits > 0 && part < 3:
			ip[part] = byte(v)
			part, digits, v = part+1, 0, 0
		default:
			return netip.Addr{}, false
		}
	}
	if part != 3 || digits == 0 {
		return netip.Addr{}, false
	}
	ip[3] = byte(v)
	return netip.AddrFrom4(ip), true
}
