// Package exfil finds data leaving (DESIGN §7, TA0010): internal sources
// whose uploads to the internet in the window are far above their own baseline
// (the window before it), with what makes them suspicious scored and named — a
// burst (a lot to one destination within an hour), a slow drip (steady modest
// volume to one destination hour after hour), a country the source never sent
// to; and bulk copies between the estate's own regions far above their
// baseline (T1537). Only uploads count: the bytes a source sends in the
// connections it opens (requests, not a server's answers). It reads three
// aggregates, keeps no state and does not judge destinations by reputation
// (malicious-ip does).
package exfil

import (
	"cmp"
	"context"
	"slices"

	"github.com/weirhq/weir/detect"
)

// Name is the detector's name in findings.
const Name = "exfiltration"

// Detector finds exfiltration. It is safe for use by one goroutine at a time.
type Detector struct{ cfg Configuration }

var _ detect.Detector = (*Detector)(nil)

// New returns an exfiltration detector; zero fields of cfg take their defaults.
func New(cfg Configuration) *Detector { return &Detector{cfg: cfg.withDefaults()} }

// Name returns "exfiltration".
func (d *Detector) Name() string { return Name }

// Detect reports the sources whose uploads in w stand out, and outsized
// cross-region copies.
func (d *Detector) Detect(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	out, err := d.external(ctx, src, w)
	if err != nil {
		return nil, err
	}
	cross, err := d.crossRegion(ctx, src, w)
	if err != nil {
		return nil, err
	}
	out = append(out, cross...)
	slices.SortFunc(out, func(a, b detect.Finding) int { return cmp.Compare(a.Key, b.Key) })
	return out, nil
}
