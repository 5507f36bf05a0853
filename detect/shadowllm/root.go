// Package shadowllm finds Shadow LLM use (DESIGN §7, TA0010 / T1567): internal
// sources sending data to AI services the organisation has not sanctioned
// (llm.provider set by enrichment's AI catalog, llm.sanctioned false), one
// finding per source and provider, scored on the volume uploaded, how many hours
// it went on and whether the source used the provider in the baseline. Which
// providers are sanctioned is enrichment's configuration, not this package's:
// sanctioned use produces no finding. It reads one aggregate (the hourly rollup
// when the window falls on whole hours) and keeps no state.
package shadowllm

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/store/duckdb"
)

// Name is the detector's name in findings.
const Name = "shadow-llm"

// filter selects the requests internal sources send to unsanctioned AI services.
const filter = `llm.provider != "" and llm.sanctioned = false and answer = false and direction = outbound`

// Detector finds Shadow LLM use. It is safe for use by one goroutine at a time.
type Detector struct{ cfg Configuration }

var _ detect.Detector = (*Detector)(nil)

// New returns a shadow-llm detector; zero fields of cfg take their defaults.
func New(cfg Configuration) *Detector { return &Detector{cfg: cfg.withDefaults()} }

// Name returns "shadow-llm".
func (d *Detector) Name() string { return Name }

// use is one source's use of one provider.
type use struct {
	src, provider     string
	workload          string
	dsts              map[string]bool
	domains           map[string]bool
	flows, bytes, rev uint64
	baselineFlows     uint64
	hours             map[time.Time]bool
	first, last       time.Time
}

// Detect reports every source that used an unsanctioned provider in w.
func (d *Detector) Detect(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	c, err := detect.Compile(Name, filter)
	if err != nil {
		return nil, err
	}
	from := w.From
	if w.HasBaseline() {
		from = w.BaselineFrom
	}
	rows, _, err := src.Aggregate(ctx, duckdb.AggregateQuery{
		From: from, Until: w.Until, Where: c.Where, Args: c.Args, Columns: c.Columns,
		By:    []string{"src.ip", "llm.provider", "dst.ip", "time", "src.workload", "dst.domain"},
		Limit: 1_000_000,
	})
	if err != nil {
		return nil, fmt.Errorf("shadow-llm: read use: %w", err)
	}
	uses := map[[2]string]*use{}
	for _, r := range rows {
		k := [2]string{r.Cell("src.ip"), r.Cell("llm.provider")}
		u := uses[k]
		if u == nil {
			u = &use{src: k[0], provider: k[1], dsts: map[string]bool{}, domains: map[string]bool{}, hours: map[time.Time]bool{}}
			uses[k] = u
		}
		t, _ := r["time"].(time.Time)
		flows := detect.Num(r, "flows")
		if t.Before(w.From) {
			u.baselineFlows += flows
			continue
		}
		if wl := r.Cell("src.workload"); wl != "" {
			u.workload = wl
		}
		u.dsts[r.Cell("dst.ip")] = true
		if dom := r.Cell("dst.domain"); dom != "" {
			u.domains[dom] = true
		}
		u.flows += flows
		u.bytes += detect.Num(r, "bytes")
		u.rev += detect.Num(r, "bytes_rev")
		u.hours[t] = true
		if u.first.IsZero() || t.Before(u.first) {
			u.first = t
		}
		if end := t.Add(time.Hour); end.After(u.last) {
			u.last = end
		}
	}
	var out []detect.Finding
	for _, u := range uses {
		if u.flows < d.cfg.MinFlows || u.flows == 0 {
			continue
		}
		out = append(out, d.finding(u, w))
	}
	slices.SortFunc(out, func(a, b detect.Finding) int { return cmp.Compare(a.Key, b.Key) })
	return out, nil
}

// finding reports u. The score: 40 points for any use of an unsanctioned
// provider, up to 30 for the volume sent (logarithmic, full at HighBytes), up
// to 15 for how many hours of the window it went on, 15 when the source did not
// use the provider in the baseline (a new habit, or a new program).
func (d *Detector) finding(u *use, w detect.Window) detect.Finding {
	reasons := []detect.ScoreReason{{Reason: u.provider + " is not a sanctioned AI provider", Points: 40}}
	volPts := int(math.Round(30 * volumeFraction(u.bytes, d.cfg.HighBytes)))
	reasons = append(reasons, detect.ScoreReason{Reason: fmt.Sprintf("%s sent to it in %d connections", detect.Size(u.bytes), u.flows), Points: volPts})
	windowHours := max(1, int(math.Ceil(w.Until.Sub(w.From).Hours())))
	hrsPts := int(math.Round(15 * min(1, float64(len(u.hours))/float64(windowHours))))
	reasons = append(reasons, detect.ScoreReason{Reason: fmt.Sprintf("used in %d of the window's %d hours", len(u.hours), windowHours), Points: hrsPts})
	if u.baselineFlows == 0 {
		reasons = append(reasons, detect.ScoreReason{Reason: "not used from this source in the baseline", Points: 15})
	} else {
		reasons = append(reasons, detect.ScoreReason{Reason: fmt.Sprintf("already used in the baseline (%d connections)", u.baselineFlows), Points: 0})
	}
	score := 0
	for _, r := range reasons {
		score += r.Points
	}
	who := u.src
	if u.workload != "" {
		who = u.workload + " (" + u.src + ")"
	}
	dsts := detect.NonEmptyKeys(u.dsts)
	f := detect.Finding{
		Key:        detect.KeyOf(Name, u.src, u.provider),
		Title:      fmt.Sprintf("%s uses unsanctioned %s (%s sent)", who, u.provider, detect.Size(u.bytes)),
		Tactics:    []string{"TA0010"},
		Techniques: []string{"T1567"},
		Score:      score,
		Severity:   detect.SeverityOf(score),
		FirstSeen:  u.first,
		LastSeen:   u.last,
		Entities:   detect.Entities{Sources: []string{u.src}, Destinations: dsts},
		Evidence: detect.Evidence{
			Flows: u.flows, Bytes: u.bytes,
			Filter: fmt.Sprintf("src.ip = %s and llm.provider = %s", strconv.Quote(u.src), strconv.Quote(u.provider)),
			Score:  reasons,
			Details: map[string]any{
				"provider": u.provider, "bytes_received": u.rev, "hours": len(u.hours),
				"baseline_flows": u.baselineFlows, "domains": detect.NonEmptyKeys(u.domains),
			},
		},
		Summary: fmt.Sprintf("%s sent %s to %s (%s) in %d connections over %d hours and received %s; %s is not sanctioned.",
			who, detect.Size(u.bytes), u.provider, strings.Join(detect.NonEmptyKeys(u.domains), ", "), u.flows, len(u.hours), detect.Size(u.rev), u.provider),
	}
	if u.workload != "" {
		f.Entities.Workloads = []string{u.workload}
	}
	return f
}

// volumeFraction is log10(bytes) between 10 kB (0) and high (1).
func volumeFraction(bytes, high uint64) float64 {
	lo, hi := 4.0, math.Log10(float64(high))
	if bytes == 0 || hi <= lo {
		return 0
	}
	return min(1, max(0, (math.Log10(float64(bytes))-lo)/(hi-lo)))
}
