// Package dns is weir's passive-DNS index: which domain an IP address stood for at
// a given time, learnt from DNS answers and TLS SNI (ingest.DNSObservation). It
// owns the time-bounded index, its pruning and its snapshot; it does not decode
// DNS logs (ingest/zeek, ingest/route53 do) nor persist the snapshot (the store does).
//
// Lookup may be called by any number of goroutines while Add, Prune and Restore
// run: the index is split into shards, each behind its own RWMutex, so that a
// writer blocks only the readers of one shard.
package dns

import (
	"fmt"
	"time"
)

// Configuration bounds how long an observation names an address.
//
// An answer holds for max(TTL, Floor), capped at Ceiling:
//   - Floor, because TTLs are short (often 60 s or less) while what they resolve
//     is used for much longer: a connection opened before the TTL ran out lasts
//     as long as it likes, resolvers and JVMs cache past it, and a flow log
//     aggregates over windows of up to several minutes. Without a floor most
//     long-lived flows would lose their domain.
//   - Ceiling, because addresses move: cloud and CDN addresses are reassigned
//     and shared, so an answer from days ago says little about today's traffic.
//     It also bounds memory: Prune drops what no lookup at the newest time can use.
type Configuration struct {
	Floor   time.Duration `yaml:"floor"`   // default 1h
	Ceiling time.Duration `yaml:"ceiling"` // default 24h
	// MaxPerIP bounds the domains kept for one address (a CDN address serves
	// thousands); the oldest go first. Default 32.
	MaxPerIP int `yaml:"max_per_ip"`
}

// DefaultConfiguration is what weir uses unless told otherwise.
func DefaultConfiguration() Configuration {
	return Configuration{Floor: time.Hour, Ceiling: 24 * time.Hour, MaxPerIP: 32}
}

func (c Configuration) validate() error {
	if c.Floor < 0 || c.Ceiling <= 0 {
		return fmt.Errorf("passive dns: floor %s and ceiling %s must be positive", c.Floor, c.Ceiling)
	}
	if c.Floor > c.Ceiling {
		return fmt.Errorf("passive dns: floor %s is above ceiling %s", c.Floor, c.Ceiling)
	}
	if c.MaxPerIP <= 0 {
		return fmt.Errorf("passive dns: max_per_ip %d must be positive", c.MaxPerIP)
	}
	return nil
}
