package llm

import "net/netip"

// ByDomain names the provider of a host name: an exact host of the catalog, else
// the longest catalog domain that is the name or one of its parents, compared on
// label boundaries (api.openai.com matches openai.com; notopenai.com does not).
// Case and a trailing dot are ignored. It does not allocate.
func (c *Catalog) ByDomain(domain string) (Match, bool) {
	if n := len(domain); n > 0 && domain[n-1] == '.' {
		domain = domain[:n-1]
	}
	if len(domain) == 0 || len(domain) > 253 {
		return Match{}, false
	}
	var buf [253]byte
	for i := 0; i < len(domain); i++ {
		if b := domain[i]; b >= 'A' && b <= 'Z' {
			// Lower-case into a stack buffer; the map lookups below with
			// string(buf[:n]) as key do not allocate.
			n := copy(buf[:], domain)
			for j := i; j < n; j++ {
				if b := buf[j]; b >= 'A' && b <= 'Z' {
					buf[j] = b + 'a' - 'A'
				}
			}
			return lookup(c, buf[:n])
		}
	}
	return lookup(c, domain)
}

// lookup finds a lower-case name. It is generic over string and []byte so that
// ByDomain need not copy a name already in lower case; map lookups keyed by
// string(d) do not allocate for either.
func lookup[T string | []byte](c *Catalog, d T) (Match, bool) {
	if i, ok := c.hosts[string(d)]; ok {
		return c.matches[i], true
	}
	// Walk the labels from the right (com, openai.com, api.openai.com) and keep
	// the last hit: the longest suffix is the most specific entry.
	hit, found := uint16(0), false
	for j := len(d) - 1; j >= 0; j-- {
		if d[j] == '.' {
			if i, ok := c.suffixes[string(d[j+1:])]; ok {
				hit, found = i, true
			}
		}
	}
	if i, ok := c.suffixes[string(d)]; ok {
		hit, found = i, true
	}
	if !found {
		return Match{}, false
	}
	return c.matches[hit], true
}

// ByIP names the provider whose published ranges hold ip. The built-in ranges
// are the providers' egress addresses (crawlers, agents), see data/SOURCE.md.
func (c *Catalog) ByIP(ip netip.Addr) (Match, bool) {
	if ip.Is4In6() {
		ip = ip.Unmap()
	}
	i, ok := c.ranges.Lookup(ip)
	if !ok {
		return Match{}, false
	}
	return c.matches[i], true
}
