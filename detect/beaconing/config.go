package beaconing

// Configuration holds the detector's thresholds. The zero value of a field
// means its default (DefaultConfiguration).
type Configuration struct {
	// MinConnections is how many connections a pair (internal source, external
	// destination, service port) needs in the window to be scored: fewer
	// intervals say nothing about regularity. Default 20 (an hourly beacon over
	// a day has 24).
	MinConnections int
	// MaxPairs is how many pairs, those with the most connections, have their
	// connection times read. Default 2000.
	MaxPairs int
	// MinScore is the score (0–100) from which a pair is reported. Default 70.
	MinScore int
	// ExcludeUDPPorts are UDP service ports never scored. Default 123 (NTP):
	// clients poll their servers at a fixed interval by design (RFC 5905,
	// 64–1024 s), so every NTP client is a perfect beacon.
	ExcludeUDPPorts []uint16
	// ResolverRoles are the role labels of the estate's DNS resolvers (and of
	// domain controllers, which run DNS in Active Directory): their DNS traffic
	// to upstream resolvers (port 53) is forwarding on behalf of every client,
	// not one program calling home. DNS from any other host straight to the
	// internet is still scored: it is a classic C2 channel. Default dns, dc.
	ResolverRoles []string
	// AllowDomains are destination domains (matched as substrings, case-
	// insensitively) never scored. Default none: update and telemetry services
	// poll at long intervals that rarely reach MinConnections, and a domain
	// allow list is a place for C2 to hide (domain fronting, lookalike names),
	// so adding one is the estate owner's decision.
	AllowDomains []string
}

// DefaultConfiguration is the configuration New uses for zero fields.
func DefaultConfiguration() Configuration {
	return Configuration{
		MinConnections:  20,
		MaxPairs:        2000,
		MinScore:        70,
		ExcludeUDPPorts: []uint16{123},
		ResolverRoles:   []string{"dns", "dc"},
	}
}

func (c Configuration) withDefaults() Configuration {
	d := DefaultConfiguration()
	if c.MinConnections <= 0 {
		c.MinConnections = d.MinConnections
	}
	if c.MinConnections < 4 {
		c.MinConnections = 4 // quartiles of the intervals need a few
	}
	if c.MaxPairs <= 0 {
		c.MaxPairs = d.MaxPairs
	}
	if c.MinScore <= 0 {
		c.MinScore = d.MinScore
	}
	if c.ExcludeUDPPorts == nil {
		c.ExcludeUDPPorts = d.ExcludeUDPPorts
	}
	if c.ResolverRoles == nil {
		c.ResolverRoles = d.ResolverRoles
	}
	return c
}
