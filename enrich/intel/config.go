package intel

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Feed names one threat-intelligence file and what to assume for its entries.
type Feed struct {
	// Name is how flows name the feed (flow.Threat.Feeds). Default: the file's
	// base name without its extension.
	Name string `yaml:"name"`
	Path string `yaml:"path"`
	// Category and Confidence apply to entries that carry none of their own
	// (a plain IP list has neither; a STIX indicator or a CSV row may have both).
	// Without them the format's default applies (e.g. "c2" for Feodo Tracker).
	Category   string `yaml:"category"`
	Confidence uint8  `yaml:"confidence"` // 0–100; 0 means unset
}

func (f Feed) name() string {
	if f.Name != "" {
		return f.Name
	}
	base := filepath.Base(f.Path)
	// drop_v4.json → drop_v4; feodo.ipset.gz is not supported, so one extension.
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// LoadReport says what each feed yielded, for the ingest summary and logs.
type LoadReport struct {
	Feeds []FeedReport
}

// FeedReport is one feed's load: how many entries of each kind, and the lines
// that could not be read (the rest of the feed still loads).
type FeedReport struct {
	Name, Path string
	Format     string // see the Format* constants
	IPs        int    // addresses and networks
	Domains    int
	Skipped    int      // entries that name no address or domain (hashes, for instance)
	Bad        int      // lines or objects that could not be read
	Errors     []string // the first maxErrors of them, as "path:line: reason"
}

// Bad is the number of bad entries over all feeds.
func (r LoadReport) Bad() int {
	n := 0
	for _, f := range r.Feeds {
		n += f.Bad
	}
	return n
}

func (r LoadReport) String() string {
	var b strings.Builder
	for _, f := range r.Feeds {
		fmt.Fprintf(&b, "%s (%s, %s): %d ips, %d domains, %d skipped, %d bad\n", f.Name, f.Path, f.Format, f.IPs, f.Domains, f.Skipped, f.Bad)
		for _, e := range f.Errors {
			fmt.Fprintf(&b, "  %s\n", e)
		}
	}
	return b.String()
}

const maxErrors = 20
