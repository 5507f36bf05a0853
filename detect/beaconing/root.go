// Package beaconing finds implants calling home: an internal source that
// connects to the same external destination and service port at a steady
// interval, with requests of a steady size, hour after hour (DESIGN §7,
// TA0011 / T1071). Pairs are scored the way RITA made standard: interval
// regularity (Bowley skewness and median absolute deviation of the gaps between
// connections, and how many there are), size regularity (the same over the bytes
// each connection sends) and persistence (the fraction of the window's hours with
// a connection). It reads the store through detect.Source in two queries and
// keeps no state; what it excludes as known-good periodic traffic is in
// Configuration.
package beaconing

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/weirhq/weir/detect"
)

// Name is the detector's name in findings.
const Name = "beaconing"

// Detector finds beacons. It is safe for use by one goroutine at a time.
type Detector struct {
	cfg  Configuration
	base string // the filter every query starts from
}

var _ detect.Detector = (*Detector)(nil)

// New returns a beaconing detector; zero fields of cfg take their defaults.
func New(cfg Configuration) *Detector {
	cfg = cfg.withDefaults()
	return &Detector{cfg: cfg, base: baseFilter(cfg)}
}

// Name returns "beaconing".
func (d *Detector) Name() string { return Name }

// baseFilter selects the requests internal sources send to the internet, less
// the known-good periodic traffic of cfg. Answers are the server's half of a
// connection (AWS, GCP): their times are the client's, their sizes the server's.
func baseFilter(cfg Configuration) string {
	var b strings.Builder
	b.WriteString("direction = outbound and answer = false and proto in (tcp, udp)")
	for _, p := range cfg.ExcludeUDPPorts {
		fmt.Fprintf(&b, " and not (proto = udp and service.port = %d)", p)
	}
	if len(cfg.ResolverRoles) > 0 {
		b.WriteString(" and not (service.port = 53 and src.role in (" + detect.QuoteAll(cfg.ResolverRoles) + "))")
	}
	for _, dom := range cfg.AllowDomains {
		b.WriteString(" and not dst.domain ~ " + strconv.Quote(dom))
	}
	return b.String()
}

// Detect scores every pair with enough connections in w and reports those that
// score at least MinScore.
func (d *Detector) Detect(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	pairs, err := d.candidates(ctx, src, w)
	if err != nil || len(pairs) == 0 {
		return nil, err
	}
	if err := d.readTimes(ctx, src, w, pairs); err != nil {
		return nil, err
	}
	var out []detect.Finding
	for _, p := range pairs {
		s := p.score(w, d.cfg.MinConnections)
		if s.total < d.cfg.MinScore {
			continue
		}
		out = append(out, p.finding(s))
	}
	return out, nil
}
