// Package intel matches flow endpoints against threat-intelligence feeds: plain
// IP/CIDR lists, FireHOL ipsets, abuse.ch (Feodo Tracker, URLhaus, ThreatFox),
// Spamhaus DROP, STIX 2.1 bundles and CSV IOCs, each detected from its content.
// It owns reading the feeds, merging them into one lookup table and reloading
// them when their files change; it does not fetch feeds from the network nor
// decide what a listed endpoint means (the malicious-ip detector does).
//
// An Intel is safe for concurrent use: LookupIP and LookupDomain read an
// immutable set of tables through an atomic pointer, which Watch replaces
// whole when a feed changes.
package intel

import (
	"fmt"
	"net/netip"
	"os"
	"sync/atomic"
	"time"

	"github.com/weirhq/weir/flow"
)

// Intel answers which feeds list an address or a domain.
type Intel struct {
	feeds []Feed // with names resolved
	cur   atomic.Pointer[tables]

	// Watch's state: the last parse of each feed and the file it came from.
	// Only Load and then the Watch goroutine touch them.
	parsed []*parsed
	stats  []fileStat
}

type fileStat struct {
	size    int64
	modTime time.Time
}

// Load reads every feed and builds the tables. A feed whose file cannot be read,
// or whose format cannot be told, is an error; bad lines inside a feed are not
// (see Report).
func Load(feeds []Feed) (*Intel, error) {
	in := &Intel{feeds: make([]Feed, len(feeds)), parsed: make([]*parsed, len(feeds)), stats: make([]fileStat, len(feeds))}
	seen := map[string]string{}
	for i, f := range feeds {
		f.Name = f.name()
		if f.Confidence > 100 {
			return nil, fmt.Errorf("threat feed %s: confidence %d above 100", f.Name, f.Confidence)
		}
		if prev, ok := seen[f.Name]; ok {
			return nil, fmt.Errorf("threat feeds %s and %s have the same name %q: set a name for one", prev, f.Path, f.Name)
		}
		seen[f.Name] = f.Path
		in.feeds[i] = f
		p, st, err := readFeed(f.Path)
		if err != nil {
			return nil, err
		}
		in.parsed[i], in.stats[i] = p, st
	}
	in.cur.Store(build(in.feeds, in.parsed))
	return in, nil
}

func readFeed(path string) (*parsed, fileStat, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileStat{}, fmt.Errorf("open threat feed: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fileStat{}, fmt.Errorf("stat threat feed: %w", err)
	}
	if fi.Size() > maxFeedSize {
		return nil, fileStat{}, fmt.Errorf("threat feed %s: %d bytes, more than the %d a feed may hold", path, fi.Size(), maxFeedSize)
	}
	data := make([]byte, fi.Size())
	if _, err := f.ReadAt(data, 0); err != nil && fi.Size() > 0 {
		return nil, fileStat{}, fmt.Errorf("read threat feed %s: %w", path, err)
	}
	p, err := parse(path, data)
	if err != nil {
		return nil, fileStat{}, fmt.Errorf("threat feed %w", err)
	}
	return p, fileStat{fi.Size(), fi.ModTime()}, nil
}

// Report says what the last load or reload read from each feed.
func (in *Intel) Report() LoadReport { return in.cur.Load().report }

// LookupIP returns the threat for addr: every feed listing a network that holds
// it (names in the order of the feeds given to Load), the highest confidence
// among them and the category of the first feed that gives one. The zero
// Threat means no feed lists it. It does not allocate: the same entry returns
// the same strings.
func (in *Intel) LookupIP(addr netip.Addr) flow.Threat {
	if addr.Is4In6() {
		addr = addr.Unmap()
	}
	t := in.cur.Load()
	i, ok := t.ips.Lookup(addr)
	if !ok {
		return flow.Threat{}
	}
	return t.threats[i]
}

// LookupDomain returns the threat for a host name: the entries for the name and
// for each of its parent domains (a listed evil.example covers
// a.evil.example), merged as LookupIP merges networks. Case and a trailing dot
// are ignored. It does not allocate.
func (in *Intel) LookupDomain(domain string) flow.Threat {
	if n := len(domain); n > 0 && domain[n-1] == '.' {
		domain = domain[:n-1]
	}
	if len(domain) == 0 || len(domain) > 253 {
		return flow.Threat{}
	}
	t := in.cur.Load()
	if len(t.domains) == 0 {
		return flow.Threat{}
	}
	for i := 0; i < len(domain); i++ {
		if c := domain[i]; c >= 'A' && c <= 'Z' {
			var buf [253]byte
			n := copy(buf[:], domain)
			for j := i; j < n; j++ {
				if c := buf[j]; c >= 'A' && c <= 'Z' {
					buf[j] = c + 'a' - 'A'
				}
			}
			return lookupDomain(t, buf[:n])
		}
	}
	return lookupDomain(t, domain)
}

// lookupDomain tries the name, then each parent from the longest: the first hit
// is the most specific entry, which build already merged with its parents'.
func lookupDomain[T string | []byte](t *tables, d T) flow.Threat {
	if i, ok := t.domains[string(d)]; ok {
		return t.threats[i]
	}
	for j := 0; j < len(d); j++ {
		if d[j] == '.' {
			if i, ok := t.domains[string(d[j+1:])]; ok {
				return t.threats[i]
			}
		}
	}
	return flow.Threat{}
}
