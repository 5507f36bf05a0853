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
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/query"
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

func compile(filter string) (*query.Compiled, error) {
	c, err := query.Compile(filter, query.DuckDB)
	if err != nil {
		return nil, fmt.Errorf("exfiltration: compile filter %q: %w", filter, err)
	}
	return c, nil
}

func quoteAll(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

func num(v any) uint64 {
	switch x := v.(type) {
	case uint64:
		return x
	case uint32:
		return uint64(x)
	case int64:
		return uint64(max(x, 0))
	}
	return 0
}

// size writes a byte count in decimal units.
func size(b uint64) string {
	switch {
	case b >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(b)/1e9)
	case b >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(b)/1e6)
	case b >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(b)/1e3)
	}
	return fmt.Sprintf("%d B", b)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
