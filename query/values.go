package query

import (
	"encoding/binary"
	"math"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/weirhq/weir/flow"
)

// value is a Value converted for its field's kind.
type value struct {
	s string // text kinds: the text to compare with, folded as the field wants

	n uint64 // numeric kinds
	b bool   // kindBool

	// kindIP: the address range [hi1:lo1, hi2:lo2], a single address when equal.
	hi1, lo1, hi2, lo2 uint64

	// kindFeeds: the reserved words any (listed on some feed) and none.
	listed   bool
	unlisted bool
}

// enumWords maps the words of each enumerated kind to their stored value.
var enumWords = map[kind][]struct {
	word string
	n    uint64
}{
	kindAction: {{"allow", uint64(flow.Allow)}, {"accept", uint64(flow.Allow)}, {"deny", uint64(flow.Deny)},
		{"reject", uint64(flow.Deny)}, {"unknown", uint64(flow.ActionUnknown)}},
	kindDirection: {{"inbound", uint64(flow.Inbound)}, {"outbound", uint64(flow.Outbound)}, {"internal", uint64(flow.Internal)},
		{"external", uint64(flow.External)}, {"unknown", uint64(flow.DirectionUnknown)}},
	kindReporter: {{"src", uint64(flow.ReporterSrc)}, {"dst", uint64(flow.ReporterDst)}, {"unknown", uint64(flow.ReporterUnknown)}},
	kindRisk:     riskWords(),
	kindBool:     {{"true", 1}, {"false", 0}, {"yes", 1}, {"no", 0}},
}

func riskWords() (ws []struct {
	word string
	n    uint64
}) {
	for _, w := range []string{"none", "low", "medium", "high"} {
		r, _ := flow.ParseRisk(w)
		ws = append(ws, struct {
			word string
			n    uint64
		}{w, uint64(r)})
	}
	return ws
}

var protoWords = []string{"tcp", "udp", "icmp", "icmpv6", "gre", "esp"}

// words lists the words a kind takes, for Fields.
func words(k kind) []string {
	switch k {
	case kindProto:
		return protoWords
	case kindFeeds:
		return []string{"any", "none"}
	}
	var ws []string
	for _, w := range enumWords[k] {
		ws = append(ws, w.word)
	}
	return ws
}

// convert turns a literal into a value for field f, or explains why it cannot
// be one; the explanation follows `bad value "x" for field: `.
func convert(f *fieldDef, v Value) (value, string) {
	t := v.Text
	switch f.kind {
	case kindText:
		switch f.fold {
		case lower:
			t = strings.ToLower(t)
		case upper:
			t = strings.ToUpper(t)
		}
		return value{s: t}, ""
	case kindFeeds:
		if !v.Quoted {
			switch strings.ToLower(t) {
			case "any", "true":
				return value{listed: true}, ""
			case "none", "false":
				return value{unlisted: true}, ""
			}
		}
		return value{s: t}, ""
	case kindIP:
		return convertIP(t)
	case kindPort:
		n, err := strconv.ParseUint(t, 10, 64)
		if err != nil || n > math.MaxUint16 {
			return value{}, "want a port 0–65535"
		}
		return value{n: n}, ""
	case kindNumber, kindBytes, kindASN:
		s := t
		if f.kind == kindASN && len(s) > 2 && strings.EqualFold(s[:2], "as") {
			s = s[2:]
		}
		n, ok := parseCount(s, f.kind == kindBytes)
		switch {
		case !ok && f.kind == kindBytes:
			return value{}, "want a whole number of bytes like 1500, 10MB, 1.5GB or 4KiB"
		case !ok && f.kind == kindASN:
			return value{}, "want an AS number like 15169 or AS15169"
		case !ok:
			return value{}, "want a whole number like 42 or 1.5k"
		case f.max != 0 && n > f.max:
			return value{}, "out of range 0–" + strconv.FormatUint(f.max, 10)
		}
		return value{n: n}, ""
	case kindTime:
		return convertTime(t)
	case kindProto:
		p, ok := flow.ProtoNumber(strings.ToLower(t))
		if !ok {
			if s := suggest(strings.ToLower(t), protoWords); s != "" {
				return value{}, "unknown protocol (did you mean " + s + "?)"
			}
			return value{}, "want " + strings.Join(protoWords, ", ") + " or a number 0–255"
		}
		return value{n: uint64(p)}, ""
	}
	// Enumerated kinds.
	lw := strings.ToLower(t)
	ws := words(f.kind)
	for _, w := range enumWords[f.kind] {
		if w.word == lw {
			return value{n: w.n, b: w.n != 0}, ""
		}
	}
	if s := suggest(lw, ws); s != "" {
		return value{}, "unknown " + kindNames[f.kind] + " (did you mean " + s + "?)"
	}
	return value{}, "want " + strings.Join(ws, ", ")
}

// convertIP parses an address or a CIDR into a range of 128-bit addresses, IPv4
// as IPv4-mapped IPv6 the way the ips table stores it. A CIDR with host bits set
// (10.1.2.3/8) means its network.
func convertIP(t string) (value, string) {
	bad := func() (value, string) { return value{}, "want an IP address or CIDR" }
	var p netip.Prefix
	if strings.IndexByte(t, '/') >= 0 {
		var err error
		if p, err = netip.ParsePrefix(t); err != nil {
			return bad()
		}
	} else {
		a, err := netip.ParseAddr(t)
		if err != nil || a.Zone() != "" {
			return bad()
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	b := p.Addr().As16()
	hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
	n := p.Bits()
	if p.Addr().Is4() {
		n += 96
	}
	v := value{hi1: hi, lo1: lo, hi2: hi, lo2: lo}
	// Shifts by 64 give 0 in Go, so ^0 covers the full half.
	if n >= 64 {
		hostMask := uint64(1)<<(128-n) - 1
		if n == 64 {
			hostMask = math.MaxUint64
		}
		v.lo1, v.lo2 = lo&^hostMask, lo|hostMask
	} else {
		hostMask := uint64(1)<<(64-n) - 1
		if n == 0 {
			hostMask = math.MaxUint64
		}
		v.hi1, v.hi2 = hi&^hostMask, hi|hostMask
		v.lo1, v.lo2 = 0, math.MaxUint64
	}
	return v, ""
}

// convertTime takes epoch seconds, an RFC 3339 time or a date (midnight UTC).
func convertTime(t string) (value, string) {
	if n, err := strconv.ParseUint(t, 10, 32); err == nil {
		return value{n: n}, ""
	}
	var tm time.Time
	var err error
	if len(t) == len("2006-01-02") {
		tm, err = time.Parse(time.DateOnly, t)
	} else {
		tm, err = time.Parse(time.RFC3339Nano, t)
	}
	if err != nil {
		return value{}, "want RFC 3339 (2024-05-01T10:00:00Z), a date or epoch seconds"
	}
	s := tm.Unix()
	if s < 0 || s > math.MaxUint32 {
		return value{}, "out of range 1970–2106"
	}
	return value{n: uint64(s)}, ""
}

// parseCount parses an unsigned decimal with an optional fraction and suffix:
// k, M, G, T, P (powers of 1000) on any count; on byte counts also KB, MB, GB,
// TB, PB (powers of 1000) and KiB, MiB, GiB, TiB, PiB (powers of 1024). Suffixes
// are case-insensitive. The result must be a whole number that fits 64 bits.
func parseCount(s string, isBytes bool) (uint64, bool) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, suffix := s[:i], strings.ToLower(s[i:])
	if isBytes {
		suffix = strings.TrimSuffix(suffix, "b")
	}
	mult := uint64(1)
	if suffix != "" {
		base := uint64(1000)
		if isBytes && len(suffix) == 2 && suffix[1] == 'i' {
			base, suffix = 1024, suffix[:1]
		}
		exp := strings.IndexByte("kmgtp", suffix[0])
		if len(suffix) != 1 || exp < 0 {
			return 0, false
		}
		for range exp + 1 {
			mult *= base
		}
	}
	whole, frac, _ := strings.Cut(num, ".")
	if whole == "" || strings.IndexByte(frac, '.') >= 0 || (frac == "" && strings.HasSuffix(num, ".")) {
		return 0, false
	}
	// mantissa × mult / 10^len(frac), in integers so 1.5GB is exact.
	m, err := strconv.ParseUint(whole+frac, 10, 64)
	if err != nil || len(frac) > 19 {
		return 0, false
	}
	hi, lo := bits.Mul64(m, mult)
	div := uint64(1)
	for range len(frac) {
		div *= 10
	}
	if hi >= div {
		return 0, false // quotient overflows
	}
	q, r := bits.Div64(hi, lo, div)
	if r != 0 {
		return 0, false // not a whole number
	}
	return q, true
}
