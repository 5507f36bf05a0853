package gcpflow

import (
	"bytes"
	"net/netip"
	"time"

	"github.com/valyala/fastjson"
)

// Field parsers that work on the bytes fastjson hands out, so that a record costs
// no string conversion. (The same helpers live in ingest/zeek; they are small
// enough that sharing them is not worth a package.)

// parseUint parses decimal digits; ok is false for anything else or an overflow.
func parseUint(b []byte) (n uint64, ok bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (1<<64-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// jsonUint reads a non-negative integer that Cloud Logging writes either as a JSON
// number (int32 fields: ports, protocol) or as a string (int64 fields: bytes_sent,
// packets_sent, per the proto3 JSON mapping). present is false for a missing or
// null value.
func jsonUint(v *fastjson.Value) (n uint64, present, ok bool) {
	if v == nil {
		return 0, false, true
	}
	switch v.Type() {
	case fastjson.TypeNull:
		return 0, false, true
	case fastjson.TypeString:
		n, ok = parseUint(v.GetStringBytes())
		return n, true, ok
	case fastjson.TypeNumber:
		n, err := v.Uint64()
		return n, true, err == nil
	}
	return 0, true, false
}

// parseAddr parses an IP address. Dotted IPv4, by far the most common, is parsed
// here without allocating; anything else goes to netip.
func parseAddr(b []byte) (netip.Addr, bool) {
	if bytes.IndexByte(b, ':') >= 0 {
		a, err := netip.ParseAddr(string(b))
		return a, err == nil
	}
	var ip [4]byte
	part, digits := 0, 0
	v := 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if digits > 0 && v == 0 { // leading zero, which netip rejects too
				return netip.Addr{}, false
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

// parseTime parses an RFC 3339 timestamp with up to nanosecond precision
// (2019-06-14T03:45:37.186193305Z, or with a ±hh:mm offset) into UTC.
func parseTime(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	if c := b[10]; c != 'T' && c != 't' && c != ' ' {
		return time.Time{}, false
	}
	year, ok1 := num(b[0:4])
	month, ok2 := num(b[5:7])
	day, ok3 := num(b[8:10])
	hour, ok4 := num(b[11:13])
	minute, ok5 := num(b[14:16])
	sec, ok6 := num(b[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 ||
		month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if i < len(b) && b[i] == '.' {
		i++
		scale := 100_000_000
		from := i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			nsec += int(b[i]-'0') * scale // digits past nanoseconds add 0
			scale /= 10
		}
		if i == from {
			return time.Time{}, false
		}
	}
	if i >= len(b) {
		return time.Time{}, false
	}
	offset := 0
	switch b[i] {
	case 'Z', 'z':
		i++
	case '+', '-':
		if len(b)-i != 6 || b[i+3] != ':' {
			return time.Time{}, false
		}
		oh, okh := num(b[i+1 : i+3])
		om, okm := num(b[i+4 : i+6])
		if !okh || !okm || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = (oh*60 + om) * 60
		if b[i] == '-' {
			offset = -offset
		}
		i += 6
	default:
		return time.Time{}, false
	}
	if i != len(b) {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day && sec != 60 { // February 30th and the like
		return time.Time{}, false
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}

// num parses a short run of decimal digits.
func num(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
