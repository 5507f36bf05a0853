// Package simulate writes a synthetic hybrid estate (DESIGN §11): an inventory, flow
// logs in the formats the clouds and Zeek really write (AWS VPC Flow Logs v5, Azure
// VNet flow logs v4, GCP VPC Flow Logs in Cloud Logging JSON, Zeek conn/dns/ssl,
// Route 53 Resolver query logs), threat-intel feeds and truth.json, the list of
// injected attack scenarios with what a detector should see.
//
// The output is a pure function of Config: the same seed writes the same bytes (one
// seeded PCG per stream, no map iteration, no wall clock, gzip without mtime). It
// does not decode, enrich or store anything; the decoders in ingest/ read its files.
package simulate

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// DefaultEnd is the end of the simulated window when Config.End is zero, fixed so
// that the default output is deterministic too.
var DefaultEnd = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

// MinWorkloads is the smallest estate the simulator builds: every singleton role
// (domain controllers, DNS, NTP, jump hosts, backup, databases) plus one of each
// scalable group.
const MinWorkloads = 34

// Config says what to simulate. The zero value of a field means its default.
type Config struct {
	Out       string    // output directory, created if missing
	Workloads int       // number of workloads (default 60, at least MinWorkloads)
	Hours     int       // length of the window in hours (default 48)
	End       time.Time // end of the window, truncated to the hour (default DefaultEnd)
	Seed      uint64    // seed of every random stream
	Rate      float64   // multiplier of background volume (default 1)
}

func (c *Config) withDefaults() error {
	if c.Out == "" {
		return errors.New("simulate: no output directory")
	}
	if c.Workloads == 0 {
		c.Workloads = 60
	}
	if c.Workloads < MinWorkloads {
		return fmt.Errorf("simulate: %d workloads, need at least %d", c.Workloads, MinWorkloads)
	}
	if c.Workloads > 5000 {
		return fmt.Errorf("simulate: %d workloads, at most 5000", c.Workloads)
	}
	if c.Hours == 0 {
		c.Hours = 48
	}
	if c.Hours < 1 || c.Hours > 24*90 {
		return fmt.Errorf("simulate: %d hours, want 1 to %d", c.Hours, 24*90)
	}
	if c.End.IsZero() {
		c.End = DefaultEnd
	}
	c.End = c.End.UTC().Truncate(time.Hour)
	if c.Rate == 0 {
		c.Rate = 1
	}
	if c.Rate < 0 || c.Rate > 1000 {
		return fmt.Errorf("simulate: rate %g, want 0 to 1000", c.Rate)
	}
	return nil
}

// Run writes the estate described by cfg under cfg.Out and returns its truth (also
// written as truth.json). It prints nothing.
func Run(cfg Config) (*Truth, error) {
	if err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("simulate: create %s: %w", cfg.Out, err)
	}
	s := newSim(cfg)
	if err := s.run(); err != nil {
		return nil, err
	}
	return s.truth, nil
}
