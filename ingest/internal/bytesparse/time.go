package bytesparse

import "time"

// Time parses an RFC 3339 timestamp (2019-06-14T03:45:37.186193305Z, or with a
// ±hh:mm offset) into UTC. It is lenient where log writers differ: 'T', 't' or a
// space between date and time, and any number of fraction digits, those past the
// nanosecond ignored. A leap second (:60) rolls over into the next minute.
func Time(b []byte) (time.Time, bool) { return rfc3339(b, false) }

// StrictTime is Time as RFC 3339 writes it: only 'T' or 't' between date and time,
// at most nine fraction digits, and a date that exists even with a leap second.
func StrictTime(b []byte) (time.Time, bool) { return rfc3339(b, true) }

func rfc3339(b []byte, strict bool) (time.Time, bool) {
	if len(b) < len("2006-01-02T15:04:05Z") || b[4] != '-' || b[7] != '-' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	if c := b[10]; c != 'T' && c != 't' && (c != ' ' || strict) {
		return time.Time{}, false
	}
	year, ok1 := fixed(b[0:4])
	month, ok2 := fixed(b[5:7])
	day, ok3 := fixed(b[8:10])
	hour, ok4 := fixed(b[11:13])
	minute, ok5 := fixed(b[14:16])
	sec, ok6 := fixed(b[17:19])
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
		if i == from || strict && i-from > 9 {
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
		oh, okh := fixed(b[i+1 : i+3])
		om, okm := fixed(b[i+4 : i+6])
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
	// February 30th and the like would roll over into the next month. The lenient
	// form has always let a leap second excuse that; the strict one does not.
	if strict {
		if time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Day() != day {
			return time.Time{}, false
		}
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if !strict && t.Day() != day && sec != 60 {
		return time.Time{}, false
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}
