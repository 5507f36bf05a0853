package dns

import (
	"encoding/binary"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weirhq/weir/ingest"
)

const shardBits = 6 // 64 shards: enough that two cores rarely meet on one lock

// Index maps an IP address to the domains observed for it over time.
type Index struct {
	cfg    Configuration
	newest atomic.Int64 // unix nanoseconds of the newest observation added
	shards [1 << shardBits]shard
}

type shard struct {
	mu  sync.RWMutex
	ips map[[16]byte][]span // keyed by As16: hashes and compares as plain bytes
}

// span is a run of observations of one domain for one address with no other
// domain observed for that address in between: first and last observation, and
// the end of the validity of the last one. Times are unix nanoseconds, which
// keeps a span at 48 bytes and comparisons cheap.
type span struct {
	first, last, until int64
	domain, source     string
}

// New returns an empty index. Zero fields of cfg take their default, so that a
// configuration file may set only what it changes.
func New(cfg Configuration) (*Index, error) {
	def := DefaultConfiguration()
	if cfg.Floor == 0 {
		cfg.Floor = def.Floor
	}
	if cfg.Ceiling == 0 {
		cfg.Ceiling = def.Ceiling
	}
	if cfg.MaxPerIP == 0 {
		cfg.MaxPerIP = def.MaxPerIP
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	x := &Index{cfg: cfg}
	for i := range x.shards {
		x.shards[i].ips = make(map[[16]byte][]span)
	}
	return x, nil
}

func (x *Index) shard(a [16]byte) *shard {
	h := binary.LittleEndian.Uint64(a[:8]) ^ binary.LittleEndian.Uint64(a[8:])
	h *= 0x9E3779B97F4A7C15 // Fibonacci hashing: the top bits mix all input bits
	return &x.shards[h>>(64-shardBits)]
}

// validity is how long an observation with this TTL names its address.
func (x *Index) validity(ttl time.Duration) int64 {
	return int64(min(max(ttl, x.cfg.Floor), x.cfg.Ceiling))
}

// Add records an observation. Observations without an address, a domain or a
// time are ignored. Observations may arrive out of order.
func (x *Index) Add(o ingest.DNSObservation) {
	if !o.IP.IsValid() || o.Domain == "" || o.Time.IsZero() {
		return
	}
	ip := o.IP.Unmap().As16()
	t := o.Time.UnixNano()
	domain := normalize(o.Domain)
	if domain == "" {
		return
	}
	until := t + x.validity(o.TTL)

	for {
		n := x.newest.Load()
		if t <= n || x.newest.CompareAndSwap(n, t) {
			break
		}
	}

	s := x.shard(ip)
	s.mu.Lock()
	defer s.mu.Unlock()
	spans := s.ips[ip]
	// Find where t goes: spans are ordered by first; usually t is the newest.
	i := len(spans)
	for i > 0 && spans[i-1].first > t {
		i--
	}
	if i > 0 {
		p := &spans[i-1]
		if p.domain == domain {
			// Same domain as the run before t (and no other domain between
			// them, since the next run starts after t): extend the run.
			p.last = max(p.last, t)
			p.until = max(p.until, until)
			return
		}
		if t < p.last {
			// A late observation inside another domain's run. Only the run's
			// first and last observations are known, so split it there and
			// put this one between them: runs stay ordered and disjoint.
			left := span{first: p.first, last: p.first, until: p.first + (p.until - p.last), domain: p.domain, source: p.source}
			right := *p
			right.first = p.last
			mid := span{first: t, last: t, until: until, domain: domain, source: o.Source}
			spans = append(spans[:i-1], append([]span{left, mid, right}, spans[i:]...)...)
			s.ips[ip] = x.trim(spans)
			return
		}
	}
	if i < len(spans) && spans[i].domain == domain {
		// Same domain as the run just after t: it starts earlier now.
		spans[i].first = t
		return
	}
	spans = append(spans, span{})
	copy(spans[i+1:], spans[i:])
	spans[i] = span{first: t, last: t, until: until, domain: domain, source: o.Source}
	s.ips[ip] = x.trim(spans)
}

// trim drops the oldest runs past MaxPerIP.
func (x *Index) trim(spans []span) []span {
	if over := len(spans) - x.cfg.MaxPerIP; over > 0 {
		copy(spans, spans[over:])
		clear(spans[len(spans)-over:])
		spans = spans[:len(spans)-over]
	}
	return spans
}

// Lookup returns the domain most recently observed for ip at or before t whose
// validity has not run out at t. It does not allocate.
func (x *Index) Lookup(ip netip.Addr, t time.Time) (domain string, ok bool) {
	key := ip.Unmap().As16()
	at := t.UnixNano()
	s := x.shard(key)
	s.mu.RLock()
	defer s.mu.RUnlock()
	spans := s.ips[key]
	for i := len(spans) - 1; i >= 0; i-- {
		p := &spans[i]
		if p.first > at {
			continue // observed only after t
		}
		// The run's last observation at or before t: when the run goes on
		// past t, it was still being observed, so it holds.
		if p.last >= at || at < p.until {
			return p.domain, true
		}
		// Expired: an older run with a longer TTL may still hold.
	}
	return "", false
}

// Len is the number of runs held, for metrics and tests.
func (x *Index) Len() int {
	n := 0
	for i := range x.shards {
		s := &x.shards[i]
		s.mu.RLock()
		for _, spans := range s.ips {
			n += len(spans)
		}
		s.mu.RUnlock()
	}
	return n
}

// normalize lower-cases a domain and drops a trailing dot, allocating only when
// there is something to change.
func normalize(d string) string {
	if d[len(d)-1] == '.' {
		d = d[:len(d)-1]
	}
	for i := 0; i < len(d); i++ {
		if c := d[i]; c >= 'A' && c <= 'Z' {
			b := []byte(d)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return d
}
