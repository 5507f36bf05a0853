package exfil

// Configuration holds the detector's thresholds. The zero value of a field
// means its default (DefaultConfiguration).
type Configuration struct {
	// MinBytes is how much a source must send to the internet in the window
	// before its volume is weighed against its baseline. Default 100 MB.
	MinBytes uint64
	// Ratio is how many times its baseline volume a source must send to be
	// reported (a source with no baseline volume qualifies by MinBytes alone).
	// The baseline is scaled to the window's length. Default 3.
	Ratio float64
	// BurstBytes is what one source sending to one destination within one hour
	// makes a burst. Default 1 GB.
	BurstBytes uint64
	// DripHours is in how many hours of the window a source must send to one
	// destination for a slow drip; DripMaxHourly is the most a drip sends in
	// one hour (more is a transfer, not a drip). Defaults 6 and 500 MB.
	DripHours     int
	DripMaxHourly uint64
	// DestShare is the share of the source's volume a destination must take to
	// be named in the finding (bursts and drips are always named). Default 0.1.
	DestShare float64
	// CrossRegionMinBytes is how much one internal source must send to one
	// workload in another region of the estate to be weighed against the
	// baseline (by Ratio). Default 10 GB: replication and backups move a lot
	// between regions, so only an outsized copy is reported.
	CrossRegionMinBytes uint64
}

// DefaultConfiguration is the configuration New uses for zero fields.
func DefaultConfiguration() Configuration {
	return Configuration{
		MinBytes: 100e6, Ratio: 3, BurstBytes: 1e9, DripHours: 6, DripMaxHourly: 500e6, DestShare: 0.1,
		CrossRegionMinBytes: 10e9,
	}
}

func (c Configuration) withDefaults() Configuration {
	d := DefaultConfiguration()
	if c.MinBytes == 0 {
		c.MinBytes = d.MinBytes
	}
	if c.Ratio <= 0 {
		c.Ratio = d.Ratio
	}
	if c.BurstBytes == 0 {
		c.BurstBytes = d.BurstBytes
	}
	if c.DripHours <= 0 {
		c.DripHours = d.DripHours
	}
	if c.DripMaxHourly == 0 {
		c.DripMaxHourly = d.DripMaxHourly
	}
	if c.DestShare <= 0 {
		c.DestShare = d.DestShare
	}
	if c.CrossRegionMinBytes == 0 {
		c.CrossRegionMinBytes = d.CrossRegionMinBytes
	}
	return c
}
