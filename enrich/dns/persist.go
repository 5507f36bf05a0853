package dns

import (
	"cmp"
	"net/netip"
	"slices"
	"time"

	"github.com/weirhq/weir/ingest"
)

// Prune drops the runs last observed more than Ceiling before the newest
// observation: no lookup at or after the newest time can return them. It
// returns how many runs it dropped. Call it periodically (each ingest batch is
// fine); Lookup is blocked only for one shard at a time.
func (x *Index) Prune() int {
	cutoff := x.newest.Load() - int64(x.cfg.Ceiling)
	dropped := 0
	for i := range x.shards {
		s := &x.shards[i]
		s.mu.Lock()
		for ip, spans := range s.ips {
			keep := spans[:0]
			for _, p := range spans {
				if p.last >= cutoff {
					keep = append(keep, p)
				}
			}
			dropped += len(spans) - len(keep)
			if len(keep) == 0 {
				delete(s.ips, ip)
				continue
			}
			clear(spans[len(keep):])
			s.ips[ip] = keep
		}
		s.mu.Unlock()
	}
	return dropped
}

// Newest is the time of the newest observation added (zero when none).
func (x *Index) Newest() time.Time {
	n := x.newest.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// Snapshot returns observations from which Restore rebuilds the index: each run
// as its first and last observation, with the TTL its validity had. The order is
// by time, then address, so that two snapshots of the same index are equal.
func (x *Index) Snapshot() []ingest.DNSObservation {
	var out []ingest.DNSObservation
	for i := range x.shards {
		s := &x.shards[i]
		s.mu.RLock()
		for key, spans := range s.ips {
			ip := netip.AddrFrom16(key).Unmap()
			for _, p := range spans {
				ttl := time.Duration(p.until - p.last)
				out = append(out, ingest.DNSObservation{Time: time.Unix(0, p.first).UTC(), IP: ip, Domain: p.domain, TTL: ttl, Source: p.source})
				if p.last != p.first {
					out = append(out, ingest.DNSObservation{Time: time.Unix(0, p.last).UTC(), IP: ip, Domain: p.domain, TTL: ttl, Source: p.source})
				}
			}
		}
		s.mu.RUnlock()
	}
	slices.SortFunc(out, func(a, b ingest.DNSObservation) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return cmp.Or(a.IP.Compare(b.IP), cmp.Compare(a.Domain, b.Domain))
	})
	return out
}

// Restore adds the observations of a snapshot to the index.
func (x *Index) Restore(obs []ingest.DNSObservation) {
	for _, o := range obs {
		x.Add(o)
	}
}
