package zeek

import (
	"bytes"
	"strconv"
	"time"

	"github.com/weirhq/weir/ingest/internal/bytesparse"
)

// Field parsers for Zeek's own value forms, on bytes so that a record costs no
// string conversion; numbers, addresses and RFC 3339 times are ingest/internal/bytesparse's.

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
		return bytesparse.Time(b)
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
