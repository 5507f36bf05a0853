package quarantine

import (
	"fmt"
	"net/netip"
	"time"
)

// Configuration is how the workflow retries and verifies.
type Configuration struct {
	// Interval is how often Run looks for work when nothing wakes it.
	Interval time.Duration `yaml:"interval"`
	// MaxAttempts is how many times applying is tried before the quarantine fails.
	MaxAttempts int `yaml:"max_attempts"`
	// Backoff is the wait after the first failed attempt; it doubles after each
	// one, up to MaxBackoff.
	Backoff    time.Duration `yaml:"backoff"`
	MaxBackoff time.Duration `yaml:"max_backoff"`
	// VerifyGrace is how long after enforcement flows are not held against a
	// quarantine: flow logs aggregate over minutes, and connections open at the
	// time of the cut are still reported.
	VerifyGrace time.Duration `yaml:"verify_grace"`
	// VerifyClean is how long a leaking quarantine must have been leaking, and
	// then show no leak while flow logs keep arriving, to count as holding again.
	VerifyClean time.Duration `yaml:"verify_clean"`
	// AlwaysAllow are addresses or CIDRs every quarantined workload keeps
	// reaching: the weir server, for the agent's own channel.
	AlwaysAllow []string `yaml:"always_allow"`
}

// DefaultConfiguration is the configuration without a file.
func DefaultConfiguration() Configuration {
	return Configuration{Interval: 5 * time.Second, MaxAttempts: 5, Backoff: 2 * time.Second,
		MaxBackoff: 5 * time.Minute, VerifyGrace: 2 * time.Minute,
		VerifyClean: 30 * time.Minute}
}

// Validate says what is wrong with c.
func (c Configuration) Validate() error {
	if c.Interval <= 0 || c.MaxAttempts < 1 || c.Backoff <= 0 || c.MaxBackoff < c.Backoff || c.VerifyGrace < 0 ||
		c.VerifyClean <= 0 {
		return fmt.Errorf("quarantine configuration: want a positive interval and backoff, max_attempts ≥ 1, "+
			"max_backoff ≥ backoff, verify_grace ≥ 0 and a positive verify_clean (got %v, %v, %d, %v, %v, %v)", c.Interval,
			c.Backoff, c.MaxAttempts, c.MaxBackoff, c.VerifyGrace, c.VerifyClean)
	}
	for _, a := range c.AlwaysAllow {
		if _, ok := parseNet(a); !ok {
			return fmt.Errorf("quarantine configuration: always_allow %q is not an address or CIDR", a)
		}
	}
	return nil
}

// backoff is the wait after the n-th (from 1) failed attempt.
func (c Configuration) backoff(n int) time.Duration {
	d := c.Backoff
	for i := 1; i < n && d < c.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, c.MaxBackoff)
}

// parseNet reads an address (as a single-address prefix) or a CIDR.
func parseNet(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}
