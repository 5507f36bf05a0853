package longconn

import "time"

// Configuration holds the detector's thresholds. The zero value of a field
// means its default (DefaultConfiguration).
type Configuration struct {
	// MinDuration is how long a connection to or from the internet must last to
	// be reported. Default 15 minutes: web requests, API calls and downloads
	// last seconds to minutes; an interactive session, a relay or a C2 channel
	// held open lasts longer.
	MinDuration time.Duration
	// CommonSources: a destination (address and service port) that this many
	// internal hosts or more hold long connections to in the window is a service
	// people keep open (a VPN concentrator, chat or push notifications), not one
	// host's channel, and is not reported. Default 5.
	CommonSources int
	// MaxRecords bounds the records read (the long ones and the continuations
	// of long connections). Default 500000.
	MaxRecords int
}

// DefaultConfiguration is the configuration New uses for zero fields.
func DefaultConfiguration() Configuration {
	return Configuration{MinDuration: 15 * time.Minute, CommonSources: 5, MaxRecords: 500_000}
}

func (c Configuration) withDefaults() Configuration {
	d := DefaultConfiguration()
	if c.MinDuration <= 0 {
		c.MinDuration = d.MinDuration
	}
	if c.CommonSources <= 0 {
		c.CommonSources = d.CommonSources
	}
	if c.MaxRecords <= 0 {
		c.MaxRecords = d.MaxRecords
	}
	return c
}
