package intel

import (
	"strings"

	"github.com/valyala/fastjson"
)

// parseSTIX reads a STIX 2.1 bundle ({"type":"bundle","objects":[...]}, or a
// bare array of objects or one object). Each indicator whose pattern compares
// ipv4-addr:value, ipv6-addr:value or domain-name:value gives entries; its
// confidence property gives the confidence and its first label or
// indicator_types value the category. Revoked indicators and patterns in other
// languages (pattern_type snort, yara...) are skipped. The position reported
// for a bad indicator is its index (1-based) in the objects array.
//
// An indicator whose pattern ANDs an address with something else (a port, a
// time window) is taken as listing the address: weir has no way to evaluate the
// rest against a flow, and over-reporting an address is the safer error.
func parseSTIX(p *parsed, data []byte) {
	var jp fastjson.Parser
	v, err := jp.ParseBytes(data)
	if err != nil {
		p.badObject(0, "json: %v", err)
		return
	}
	var objects []*fastjson.Value
	switch v.Type() {
	case fastjson.TypeArray:
		objects, _ = v.Array()
	case fastjson.TypeObject:
		if string(v.GetStringBytes("type")) == "bundle" {
			objects = v.GetArray("objects")
		} else {
			objects = []*fastjson.Value{v}
		}
	}
	for i, o := range objects {
		if string(o.GetStringBytes("type")) != "indicator" {
			continue
		}
		if o.GetBool("revoked") {
			p.skipped++
			continue
		}
		if pt := string(o.GetStringBytes("pattern_type")); pt != "" && pt != "stix" {
			p.skipped++
			continue
		}
		pattern := string(o.GetStringBytes("pattern"))
		if pattern == "" {
			p.badObject(i+1, "indicator %s has no pattern", o.GetStringBytes("id"))
			continue
		}
		var conf uint8
		if c := o.Get("confidence"); c != nil {
			n, err := c.Int()
			if err != nil || n < 0 || n > 100 {
				p.badObject(i+1, "indicator %s: confidence %s: want 0-100", o.GetStringBytes("id"), c)
				continue
			}
			conf = uint8(n)
		}
		cat := ""
		for _, key := range []string{"labels", "indicator_types"} {
			if a := o.GetArray(key); len(a) > 0 {
				cat = string(a[0].GetStringBytes())
				break
			}
		}
		values, network, err := stixValues(pattern)
		if err != "" {
			p.badObject(i+1, "indicator %s: pattern %q: %s", o.GetStringBytes("id"), truncate(pattern), err)
			continue
		}
		if len(values) == 0 {
			if !network {
				p.skipped++ // a file hash, a URL pattern...: not an address or domain
			}
			continue
		}
		for _, val := range values {
			if !p.add(val, cat, conf) {
				p.badObject(i+1, "indicator %s: %q is not an IP address, CIDR or domain", o.GetStringBytes("id"), truncate(val))
			}
		}
	}
}

// stixValues extracts the values of the equality (and ISSUBSET) comparisons on
// ipv4-addr, ipv6-addr and domain-name in a STIX pattern such as
// "[ipv4-addr:value = '198.51.100.7' OR ipv4-addr:value = '203.0.113.0/24']".
// network reports whether the pattern mentions those objects at all.
func stixValues(pattern string) (values []string, network bool, problem string) {
	s := pattern
	for {
		i := indexObject(s)
		if i < 0 {
			return values, network, ""
		}
		network = true
		s = s[i:]
		colon := strings.IndexByte(s, ':')
		s = s[colon+1:]
		if !strings.HasPrefix(s, "value") {
			continue // another property (resolves_to_refs...), not an address
		}
		s = strings.TrimLeft(s[len("value"):], " \t\r\n")
		switch {
		case strings.HasPrefix(s, "!="):
			continue // a negation lists nothing
		case strings.HasPrefix(s, "="):
			s = s[1:]
		case strings.HasPrefix(s, "ISSUBSET"):
			s = s[len("ISSUBSET"):]
		default:
			continue // MATCHES, LIKE, IN...: not a literal weir can index
		}
		s = strings.TrimLeft(s, " \t\r\n")
		if !strings.HasPrefix(s, "'") {
			return nil, true, "comparison value is not a quoted string"
		}
		s = s[1:]
		var b strings.Builder
		closed := false
		for j := 0; j < len(s); j++ {
			c := s[j]
			if c == '\\' && j+1 < len(s) {
				j++
				b.WriteByte(s[j])
				continue
			}
			if c == '\'' {
				s = s[j+1:]
				closed = true
				break
			}
			b.WriteByte(c)
		}
		if !closed {
			return nil, true, "unterminated string"
		}
		values = append(values, b.String())
	}
}

func indexObject(s string) int {
	best := -1
	for _, obj := range [...]string{"ipv4-addr:", "ipv6-addr:", "domain-name:"} {
		if i := strings.Index(s, obj); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}
