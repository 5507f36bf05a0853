package zeek

import (
	"bytes"
	"net/netip"
	"strconv"
	"time"
)

// Field parsers that work on bytes, so that a record costs no string conversion.
// (parseAddr, parseUint and parseTime also live in ingest/gcpflow; they are small
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

// parseAddr parses an IP address. Dotted IPv4, by far the most common, is parsed
// here without allocating; IPv6 goes to netip.
func parseAddr(b []byte) (netip.Addr, bool) {
	if bytes.IndexByte(b, ':') >= 0 {
		a, err := netip.ParseAddr(string(b))
		return a, err == nil
	}
	var ip [4]byte
	part, digits, v := 0, 0, 0
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

// parseSeconds parses Zeek's time and interval values, decimal seconds such as
// 1547188415.857497 or 0.076967, exactly to the nanosecond (a float64 would lose
// the microseconds of an epoch time). Exponent forms, which a re-serializing shipper
// may write, go through strconv.
func parseSeconds(b []byte) (sec, nsec int64, ok bool) {
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		sec = sec*10 + int64(b[i]-'0')
		if sec > 1<<40 { // far past any plausible time or duration
			return 0, 0, false
		}
	}
	if i == 0 && (len(b) == 0 || b[0] != '.') {
		return 0, 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		scale := int64(100_000_000)
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			nsec += int64(b[i]-'0') * scale // digits past nanoseconds add 0
			scale /= 10
		}
	}
	if i == len(b) {
		return sec, nsec, true
	}
	if b[i] != 'e' && b[i] != 'E' {
		return 0, 0, false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f < 0 || f > 1<<40 {
		return 0, 0, false
	}
	whole := int64(f)
	return whole, int64((f - float64(whole)) * 1e9), true
}

// parseTS parses a ts value: epoch seconds, or an ISO 8601 string when Zeek's JSON
// writer runs with JSON::TS_ISO8601.
func parseTS(b []byte) (time.Time, bool) {
	if len(b) > 10 && b[4] == '-' {
		return parseTime(b)
	}
	sec, nsec, ok := parseSeconds(b)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(sec, nsec).UTC(), true
}

// parseInterval parses an interval (duration, TTL) in seconds.
func parseInterval(b []byte) (time.Duration, bool) {
	sec, nsec, ok := parseSeconds(b)
	if !ok || sec > 1<<33 { // about 270 years, within time.Duration
		return 0, false
	}
	return time.Duration(sec)*time.Second + time.Duration(nsec), true
}

// parseTime parses an RFC 3339 timestamp with up to nanosecond precision
// (2021-06-09T20:55:13.160328Z, or with a ±hh:mm offset) into UTC.
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
			nsec += int(b[i]-'0') * scale
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

// unescape decodes the \xHH escapes of Zeek's ASCII writer (it escapes the
// separator and non-printable bytes that way) into dst. Values without a backslash,
// nearly all of them, are returned as they are.
func unescape(dst, b []byte) []byte {
	if bytes.IndexByte(b, '\\') < 0 {
		return b
	}
	dst = dst[:0]
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+3 < len(b) && b[i+1] == 'x' {
			if h, ok := hexByte(b[i+2], b[i+3]); ok {
				dst = append(dst, h)
				i += 3
				continue
			}
		}
		dst = append(dst, b[i])
	}
	return dst
}

func hexByte(a, b byte) (byte, bool) {
	x, ok1 := hexDigit(a)
	y, ok2 := hexDigit(b)
	return x<<4 | y, ok1 && ok2
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// domain normalizes a DNS name into dst: lower case, no trailing dot.
func domain(dst, b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("."))
	dst = dst[:0]
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
