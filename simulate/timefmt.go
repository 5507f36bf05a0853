package simulate

import (
	"strconv"
	"time"
)

// timeFmt formats Unix-microsecond times fast: the date and minute are formatted once
// per minute, the seconds and fraction by hand. One per writer (not shared).
type timeFmt struct {
	minute int64
	prefix []byte // "2006-01-02T15:04:"
}

// rfc3339 appends us as RFC 3339 UTC with frac fraction digits (0 to 9; digits past
// microseconds are zeros).
func (tf *timeFmt) rfc3339(b []byte, us int64, frac int) []byte {
	sec := us / usPerSec
	m := sec / 60
	if tf.prefix == nil || m != tf.minute {
		tf.minute = m
		tf.prefix = time.Unix(m*60, 0).UTC().AppendFormat(tf.prefix[:0], "2006-01-02T15:04:")
	}
	b = append(b, tf.prefix...)
	b = append2(b, sec%60)
	if frac > 0 {
		b = append(b, '.')
		b = appendFrac(b, us%usPerSec, frac)
	}
	return append(b, 'Z')
}

// epoch appends us as seconds with six decimals, as Zeek writes ts.
func epoch(b []byte, us int64) []byte {
	b = strconv.AppendInt(b, us/usPerSec, 10)
	b = append(b, '.')
	return appendFrac(b, us%usPerSec, 6)
}

// appendFrac appends the microseconds frac as n digits.
func appendFrac(b []byte, micro int64, n int) []byte {
	var d [9]byte
	v := micro
	for i := 5; i >= 0; i-- {
		d[i] = byte('0' + v%10)
		v /= 10
	}
	for i := 6; i < 9; i++ {
		d[i] = '0'
	}
	return append(b, d[:n]...)
}

func append2(b []byte, v int64) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}

// duration appends d microseconds as seconds with six decimals (Zeek's interval).
func duration(b []byte, d int64) []byte {
	return epoch(b, d)
}
