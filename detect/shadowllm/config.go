package shadowllm

// Configuration holds the detector's thresholds. The zero value of a field
// means its default (DefaultConfiguration).
type Configuration struct {
	// MinFlows is how many connections a source needs to an unsanctioned provider
	// in the window to be reported. Default 1: any use of an AI service nobody
	// approved is what the data-protection team asks about.
	MinFlows uint64
	// HighBytes is the upload volume (bytes sent to the provider in the window)
	// that earns all the volume points. Default 100 MB: pasting a handful of
	// documents is a few MB; whole datasets or code bases are hundreds.
	HighBytes uint64
}

// DefaultConfiguration is the configuration New uses for zero fields.
func DefaultConfiguration() Configuration {
	return Configuration{MinFlows: 1, HighBytes: 100e6}
}

func (c Configuration) withDefaults() Configuration {
	d := DefaultConfiguration()
	if c.MinFlows == 0 {
		c.MinFlows = d.MinFlows
	}
	if c.HighBytes == 0 {
		c.HighBytes = d.HighBytes
	}
	return c
}
