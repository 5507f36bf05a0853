package exfil

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

// uploads are the bytes internal sources send in the connections they open to
// the internet.
const uploads = "direction = outbound and answer = false"

// source is one internal source's uploads.
type source struct {
	ip, workload string
	now, prev    uint64          // bytes in the window, in the baseline scaled to the window's length
	countries    map[string]bool // countries it sent to in the baseline
	hot          map[string]bool // countries it sent to far above the baseline
	dests        map[string]*dest
}

// dest is what one source sent to one destination in the window, by hour.
type dest struct {
	ip, country, domain, category string
	bytes, flows                  uint64
	hourly                        map[time.Time]uint64
}

// external reports the sources whose uploads to the internet stand out.
func (d *Detector) external(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	srcs, estateCountries, err := d.volumes(ctx, src, w)
	if err != nil || len(srcs) == 0 {
		return nil, err
	}
	if err := d.destinations(ctx, src, w, srcs); err != nil {
		return nil, err
	}
	var out []detect.Finding
	for _, s := range srcs {
		if f, ok := d.sourceFinding(s, estateCountries, w); ok {
			out = append(out, f)
		}
	}
	return out, nil
}

// volumes compares every source's uploads per country in w with its baseline,
// and returns the sources above it, and the countries the estate sent to in the
// baseline.
func (d *Detector) volumes(ctx context.Context, src detect.Source, w detect.Window) (map[string]*source, map[string]bool, error) {
	c, err := detect.Compile(Name, uploads)
	if err != nil {
		return nil, nil, err
	}
	q := duckdb.AggregateQuery{From: w.From, Until: w.Until, Where: c.Where, Args: c.Args, Columns: c.Columns,
		By: []string{"src.ip", "dst.country"}, OrderBy: "bytes", Limit: 1_000_000}
	scale := 0.0
	if w.HasBaseline() {
		q.From, q.Split = w.BaselineFrom, w.From
		scale = w.Until.Sub(w.From).Seconds() / w.From.Sub(w.BaselineFrom).Seconds()
	}
	rows, _, err := src.Aggregate(ctx, q)
	if err != nil {
		return nil, nil, fmt.Errorf("exfiltration: volumes by source: %w", err)
	}
	all := map[string]*source{}
	hot := map[string]bool{}
	estate := map[string]bool{}
	for _, r := range rows {
		ip, cc := r.Cell("src.ip"), r.Cell("dst.country")
		now, prev := detect.Num(r, "bytes"), uint64(0)
		if scale > 0 {
			now, prev = detect.Num(r, "bytes_now"), uint64(float64(detect.Num(r, "bytes_prev"))*scale)
		}
		s := all[ip]
		if s == nil {
			s = &source{ip: ip, countries: map[string]bool{}, hot: map[string]bool{}, dests: map[string]*dest{}}
			all[ip] = s
		}
		s.now += now
		s.prev += prev
		if prev > 0 {
			s.countries[cc] = true
			estate[cc] = true
		}
		// A country alone far above its baseline makes the source worth a look
		// even when its total is not (a big regular backup hides a new drip).
		if d.above(now, prev) {
			hot[ip] = true
			s.hot[cc] = true
		}
	}
	for ip, s := range all {
		if !hot[ip] && !d.above(s.now, s.prev) {
			delete(all, ip)
		}
	}
	return all, estate, nil
}

// above reports whether now is at least MinBytes and Ratio times prev.
func (d *Detector) above(now, prev uint64) bool {
	return now >= d.cfg.MinBytes && float64(now) >= d.cfg.Ratio*float64(prev)
}

// destinations reads, for the sources above their baseline, what they sent to
// each destination in each hour of w.
func (d *Detector) destinations(ctx context.Context, src detect.Source, w detect.Window, srcs map[string]*source) error {
	c, err := detect.Compile(Name, uploads+" and src.ip in ("+detect.QuoteAll(detect.NonEmptyKeys(srcs))+")")
	if err != nil {
		return err
	}
	rows, _, err := src.Aggregate(ctx, duckdb.AggregateQuery{From: w.From, Until: w.Until, Where: c.Where, Args: c.Args, Columns: c.Columns,
		By:      []string{"src.ip", "dst.ip", "time", "dst.country", "dst.category", "dst.domain", "src.workload"},
		OrderBy: "bytes", Limit: 1_000_000})
	if err != nil {
		return fmt.Errorf("exfiltration: destinations by hour: %w", err)
	}
	for _, r := range rows {
		s := srcs[r.Cell("src.ip")]
		if s == nil {
			continue
		}
		if wl := r.Cell("src.workload"); wl != "" {
			s.workload = wl
		}
		ip := r.Cell("dst.ip")
		dt := s.dests[ip]
		if dt == nil {
			dt = &dest{ip: ip, hourly: map[time.Time]uint64{}}
			s.dests[ip] = dt
		}
		if cc := r.Cell("dst.country"); cc != "" {
			dt.country = cc
		}
		if cat := r.Cell("dst.category"); cat != "" {
			dt.category = cat
		}
		if dom := r.Cell("dst.domain"); dom != "" {
			dt.domain = dom
		}
		t, _ := r["time"].(time.Time)
		b := detect.Num(r, "bytes")
		dt.hourly[t] += b
		dt.bytes += b
		dt.flows += detect.Num(r, "flows")
	}
	return nil
}

// shape is what a destination's hours say.
type shape struct {
	burst     bool
	burstHour time.Time
	burstMax  uint64
	drip      bool
	hours     int
}

func (d *Detector) shapeOf(dt *dest) shape {
	var sh shape
	var vals []float64
	for t, b := range dt.hourly {
		if b == 0 {
			continue
		}
		sh.hours++
		vals = append(vals, float64(b))
		if b > sh.burstMax {
			sh.burstMax, sh.burstHour = b, t
		}
	}
	sh.burst = sh.burstMax >= d.cfg.BurstBytes
	// A drip sends modest amounts hour after hour, steadily: the hourly volumes
	// vary less than their mean (coefficient of variation at most 1).
	if sh.hours >= d.cfg.DripHours && sh.burstMax <= d.cfg.DripMaxHourly {
		var mean, sq float64
		for _, v := range vals {
			mean += v
		}
		mean /= float64(len(vals))
		for _, v := range vals {
			sq += (v - mean) * (v - mean)
		}
		sh.drip = math.Sqrt(sq/float64(len(vals))) <= mean
	}
	return sh
}

// sourceFinding scores s: up to 30 points for the volume against the
// baseline, 20 for the volume itself (logarithmic, 100 MB to 10 GB), 25 for a
// burst, 25 for a slow drip, 20 for a country the source never sent to in the
// baseline; at most 100.
func (d *Detector) sourceFinding(s *source, estate map[string]bool, w detect.Window) (detect.Finding, bool) {
	var reasons []detect.ScoreReason
	if s.prev == 0 {
		reasons = append(reasons, detect.ScoreReason{Reason: fmt.Sprintf("%s uploaded to the internet; nothing in the baseline", detect.Size(s.now)), Points: 30})
	} else {
		ratio := float64(s.now) / float64(s.prev)
		pts := 0
		if ratio >= d.cfg.Ratio {
			pts = 10 + int(math.Round(20*min(1, math.Log10(ratio/d.cfg.Ratio))))
		}
		reasons = append(reasons, detect.ScoreReason{Reason: fmt.Sprintf("%s uploaded to the internet, %.1f× the baseline's %s (scaled to the window)",
			detect.Size(s.now), ratio, detect.Size(s.prev)), Points: pts})
	}
	vol := 0.0
	if s.now > 100e6 {
		vol = min(1, math.Log10(float64(s.now)/100e6)/2)
	}
	reasons = append(reasons, detect.ScoreReason{Reason: "volume " + detect.Size(s.now), Points: int(math.Round(20 * vol))})

	var named []*dest
	var bursts, drips, newCountries []string
	techniques := map[string]bool{}
	for _, dt := range s.dests {
		sh := d.shapeOf(dt)
		share := float64(dt.bytes) / float64(max(s.now, 1))
		// Only destinations in a country the source sends to far above its
		// baseline are weighed (the regular backup beside a new drip is not,
		// however big its hours), and named for their shape or their share.
		if len(s.hot) > 0 && !s.hot[dt.country] || !sh.burst && !sh.drip && share < d.cfg.DestShare {
			continue
		}
		named = append(named, dt)
		to := dt.label()
		if sh.burst {
			bursts = append(bursts, fmt.Sprintf("%s to %s in the hour from %s", detect.Size(sh.burstMax), to, sh.burstHour.Format("15:04")))
		}
		if sh.drip {
			drips = append(drips, fmt.Sprintf("%s to %s over %d hours, about %s an hour", detect.Size(dt.bytes), to, sh.hours, detect.Size(dt.bytes/uint64(sh.hours))))
			techniques["T1041"] = true
		}
		if dt.country != "" && !s.countries[dt.country] && dt.bytes >= d.cfg.MinBytes/10 && !slices.Contains(newCountries, dt.country) {
			newCountries = append(newCountries, dt.country)
		}
		switch dt.category {
		case "cloud", "saas", "ai", "cdn":
			techniques["T1567"] = true
		default:
			techniques["T1048"] = true
		}
	}
	if len(named) == 0 {
		return detect.Finding{}, false
	}
	if len(bursts) > 0 {
		reasons = append(reasons, detect.ScoreReason{Reason: "burst: " + strings.Join(bursts, "; "), Points: 25})
	}
	if len(drips) > 0 {
		reasons = append(reasons, detect.ScoreReason{Reason: "slow drip: " + strings.Join(drips, "; "), Points: 25})
	}
	if len(newCountries) > 0 {
		slices.Sort(newCountries)
		why := "country the source never sent to in the baseline: " + strings.Join(newCountries, ", ")
		for _, cc := range newCountries {
			if !estate[cc] {
				why += " (" + cc + ": no workload of the estate did)"
				break
			}
		}
		reasons = append(reasons, detect.ScoreReason{Reason: why, Points: 20})
	}
	score := 0
	for _, r := range reasons {
		score += r.Points
	}
	score = min(score, 100)

	slices.SortFunc(named, func(a, b *dest) int { return cmp.Compare(b.bytes, a.bytes) })
	f := detect.Finding{
		Key:      detect.KeyOf(Name, s.ip),
		Tactics:  []string{"TA0010"},
		Score:    score,
		Severity: detect.SeverityOf(score),
		Entities: detect.Entities{Sources: []string{s.ip}},
		Evidence: detect.Evidence{Score: reasons, Details: map[string]any{
			"bytes_window": s.now, "bytes_baseline_scaled": s.prev,
		}},
	}
	var countries, dsts, labels []string
	for _, dt := range named {
		dsts = append(dsts, dt.ip)
		labels = append(labels, dt.label())
		f.Evidence.Flows += dt.flows
		f.Evidence.Bytes += dt.bytes
		if dt.country != "" && !slices.Contains(countries, dt.country) {
			countries = append(countries, dt.country)
		}
		for t, b := range dt.hourly {
			if b == 0 {
				continue
			}
			if f.FirstSeen.IsZero() || t.Before(f.FirstSeen) {
				f.FirstSeen = t
			}
			if end := t.Add(time.Hour); end.After(f.LastSeen) {
				f.LastSeen = end
			}
		}
	}
	f.FirstSeen, f.LastSeen = detect.Later(f.FirstSeen, w.From), detect.Earlier(f.LastSeen, w.Until)
	slices.Sort(countries)
	f.Entities.Destinations = dsts
	f.Evidence.Countries = countries
	f.Evidence.Filter = fmt.Sprintf("src.ip = %s and dst.ip in (%s) and %s", strconv.Quote(s.ip), detect.QuoteAll(dsts), uploads)
	f.Techniques = detect.NonEmptyKeys(techniques)
	who := s.ip
	if s.workload != "" {
		who = s.workload + " (" + s.ip + ")"
		f.Entities.Workloads = []string{s.workload}
	}
	what := "unusual upload volume"
	switch {
	case len(bursts) > 0:
		what = "burst upload"
	case len(drips) > 0:
		what = "slow-drip upload"
	}
	f.Title = fmt.Sprintf("%s from %s: %s to %s", what, who, detect.Size(f.Evidence.Bytes), strings.Join(countriesOr(countries, dsts), ", "))
	f.Summary = fmt.Sprintf("%s sent %s to %s between %s and %s, against %s in the baseline (scaled to the window).",
		who, detect.Size(f.Evidence.Bytes), strings.Join(labels, ", "), f.FirstSeen.Format(time.RFC3339), f.LastSeen.Format(time.RFC3339), detect.Size(s.prev))
	return f, true
}

func (dt *dest) label() string {
	s := dt.ip
	if dt.domain != "" {
		s = dt.domain + " (" + dt.ip + ")"
	}
	if dt.country != "" {
		s += " in " + dt.country
	}
	return s
}

func countriesOr(countries, dsts []string) []string {
	if len(countries) > 0 {
		return countries
	}
	return dsts
}
