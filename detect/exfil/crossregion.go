package exfil

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/store/duckdb"
)

// crossRegionFilter selects what internal sources send to workloads in another
// region of the estate (the regions compared through each side's endpoint).
const (
	crossRegionFilter = "direction = internal and answer = false"
	crossRegionExtra  = "se.region <> de.region AND se.region <> 0 AND de.region <> 0"
)

// copyPair is what one source sent to one destination in another region.
type copyPair struct {
	src, dst, srcWL, dstWL, srcRegion, dstRegion string
	now, prev, flows                             uint64
	first, last                                  time.Time
}

// crossRegion reports copies between the estate's regions far above their
// baseline (T1537: data moved to storage the attacker controls or can reach).
func (d *Detector) crossRegion(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	c, err := detect.Compile(Name, crossRegionFilter)
	if err != nil {
		return nil, err
	}
	from, scale := w.From, 0.0
	if w.HasBaseline() {
		from = w.BaselineFrom
		scale = w.Until.Sub(w.From).Seconds() / w.From.Sub(w.BaselineFrom).Seconds()
	}
	rows, _, err := src.Aggregate(ctx, duckdb.AggregateQuery{From: from, Until: w.Until, Where: c.Where, Args: c.Args, Columns: c.Columns,
		Extra:   crossRegionExtra,
		By:      []string{"src.ip", "dst.ip", "time", "src.region", "dst.region", "src.workload", "dst.workload"},
		OrderBy: "bytes", Limit: 1_000_000})
	if err != nil {
		return nil, fmt.Errorf("exfiltration: cross-region volumes: %w", err)
	}
	pairs := map[[2]string]*copyPair{}
	for _, r := range rows {
		k := [2]string{r.Cell("src.ip"), r.Cell("dst.ip")}
		p := pairs[k]
		if p == nil {
			p = &copyPair{src: k[0], dst: k[1]}
			pairs[k] = p
		}
		t, _ := r["time"].(time.Time)
		b := detect.Num(r, "bytes")
		if t.Before(w.From) {
			p.prev += uint64(float64(b) * scale)
			continue
		}
		p.now += b
		p.flows += detect.Num(r, "flows")
		p.srcWL, p.dstWL = r.Cell("src.workload"), r.Cell("dst.workload")
		p.srcRegion, p.dstRegion = r.Cell("src.region"), r.Cell("dst.region")
		if p.first.IsZero() || t.Before(p.first) {
			p.first = t
		}
		if end := t.Add(time.Hour); end.After(p.last) {
			p.last = end
		}
	}
	var out []detect.Finding
	for _, p := range pairs {
		if p.now < d.cfg.CrossRegionMinBytes || float64(p.now) < d.cfg.Ratio*float64(p.prev) {
			continue
		}
		out = append(out, d.copyFinding(p))
	}
	slices.SortFunc(out, func(a, b detect.Finding) int { return cmp.Compare(a.Key, b.Key) })
	return out, nil
}

// copyFinding scores p: 40 points for a copy above CrossRegionMinBytes, up to
// 30 for the ratio to the baseline (full with no baseline or 10× Ratio), up to
// 30 for the volume (logarithmic, full at 100× CrossRegionMinBytes).
func (d *Detector) copyFinding(p *copyPair) detect.Finding {
	reasons := []detect.ScoreReason{{Reason: fmt.Sprintf("%s copied from %s to %s", detect.Size(p.now), p.srcRegion, p.dstRegion), Points: 40}}
	if p.prev == 0 {
		reasons = append(reasons, detect.ScoreReason{Reason: "nothing between them in the baseline", Points: 30})
	} else {
		ratio := float64(p.now) / float64(p.prev)
		reasons = append(reasons, detect.ScoreReason{Reason: fmt.Sprintf("%.1f× the baseline's %s (scaled to the window)", ratio, detect.Size(p.prev)),
			Points: int(math.Round(30 * min(1, max(0, math.Log10(ratio/d.cfg.Ratio)))))})
	}
	vol := min(1, math.Log10(float64(p.now)/float64(d.cfg.CrossRegionMinBytes))/2)
	reasons = append(reasons, detect.ScoreReason{Reason: "volume " + detect.Size(p.now), Points: int(math.Round(30 * max(0, vol)))})
	score := 0
	for _, r := range reasons {
		score += max(0, r.Points)
	}
	name := func(ip, wl string) string {
		if wl == "" {
			return ip
		}
		return wl + " (" + ip + ")"
	}
	f := detect.Finding{
		Key:        detect.KeyOf(Name, "cross-region", p.src, p.dst),
		Title:      fmt.Sprintf("bulk copy from %s to %s across regions (%s → %s): %s", name(p.src, p.srcWL), name(p.dst, p.dstWL), p.srcRegion, p.dstRegion, detect.Size(p.now)),
		Tactics:    []string{"TA0010"},
		Techniques: []string{"T1537"},
		Score:      min(score, 100),
		FirstSeen:  p.first,
		LastSeen:   p.last,
		Entities:   detect.Entities{Sources: []string{p.src}, Destinations: []string{p.dst}},
		Evidence: detect.Evidence{Flows: p.flows, Bytes: p.now,
			Filter: fmt.Sprintf("src.ip = %s and dst.ip = %s and %s", strconv.Quote(p.src), strconv.Quote(p.dst), crossRegionFilter),
			Score:  reasons, Details: map[string]any{"src_region": p.srcRegion, "dst_region": p.dstRegion, "bytes_baseline_scaled": p.prev}},
		Summary: fmt.Sprintf("%s sent %s to %s in %s between %s and %s, against %s in the baseline (scaled to the window).",
			name(p.src, p.srcWL), detect.Size(p.now), name(p.dst, p.dstWL), p.dstRegion, p.first.Format(time.RFC3339), p.last.Format(time.RFC3339), detect.Size(p.prev)),
	}
	f.Severity = detect.SeverityOf(f.Score)
	for _, wl := range []string{p.srcWL, p.dstWL} {
		if wl != "" {
			f.Entities.Workloads = append(f.Entities.Workloads, wl)
		}
	}
	return f
}
