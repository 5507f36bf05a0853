package beaconing

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/store/duckdb"
)

// pair is one (source, destination, service port) and its connections.
type pair struct {
	src, dst          string
	port              uint16
	workload, domain  string
	country, service  string
	flows             uint64 // connections, from the first query
	starts            []time.Time
	sizes             []float64 // bytes each connection sent
	bytes             uint64
	domainN, countryN uint64 // flows behind the names chosen
}

type pairKey struct {
	src, dst string
	port     uint16
}

// candidates are the pairs with at least MinConnections connections in w, most
// first, at most MaxPairs: one aggregate, from the hourly rollup when the window
// falls on whole hours.
func (d *Detector) candidates(ctx context.Context, src detect.Source, w detect.Window) ([]*pair, error) {
	c, err := detect.Compile(Name, d.base)
	if err != nil {
		return nil, err
	}
	rows, _, err := src.Aggregate(ctx, duckdb.AggregateQuery{
		From: w.From, Until: w.Until, Where: c.Where, Args: c.Args, Columns: c.Columns,
		By:      []string{"src.ip", "dst.ip", "service.port", "src.workload", "dst.domain", "dst.country", "service"},
		OrderBy: "flows", Limit: 4 * d.cfg.MaxPairs,
	})
	if err != nil {
		return nil, fmt.Errorf("beaconing: candidate pairs: %w", err)
	}
	byKey := map[pairKey]*pair{}
	var out []*pair
	for _, r := range rows {
		k := pairKey{r.Cell("src.ip"), r.Cell("dst.ip"), uint16(detect.Num(r, "service.port"))}
		p := byKey[k]
		if p == nil {
			p = &pair{src: k.src, dst: k.dst, port: k.port, workload: r.Cell("src.workload"), service: r.Cell("service")}
			byKey[k] = p
			out = append(out, p)
		}
		n := detect.Num(r, "flows")
		p.flows += n
		// Passive DNS and geo can name one address differently over time: keep
		// the names most of the connections had.
		if dom := r.Cell("dst.domain"); dom != "" && n > p.domainN {
			p.domain, p.domainN = dom, n
		}
		if cc := r.Cell("dst.country"); cc != "" && n > p.countryN {
			p.country, p.countryN = cc, n
		}
	}
	out = slices.DeleteFunc(out, func(p *pair) bool { return p.flows < uint64(d.cfg.MinConnections) })
	slices.SortStableFunc(out, func(a, b *pair) int {
		return cmp.Compare(b.flows, a.flows)
	})
	if len(out) > d.cfg.MaxPairs {
		out = out[:d.cfg.MaxPairs]
	}
	return out, nil
}

// readTimes fills each pair's connection start times and sizes: one aggregate by
// the second over the raw flows of the candidates' sources and destinations.
func (d *Detector) readTimes(ctx context.Context, src detect.Source, w detect.Window, pairs []*pair) error {
	srcs, dsts := map[string]bool{}, map[string]bool{}
	var total uint64
	byKey := map[pairKey]*pair{}
	for _, p := range pairs {
		srcs[p.src], dsts[p.dst] = true, true
		total += p.flows
		byKey[pairKey{p.src, p.dst, p.port}] = p
	}
	filter := d.base + " and src.ip in (" + detect.QuoteAll(detect.SortedKeys(srcs)) + ") and dst.ip in (" + detect.QuoteAll(detect.SortedKeys(dsts)) + ")"
	c, err := detect.Compile(Name, filter)
	if err != nil {
		return err
	}
	// The sources × destinations product can hold pairs that are not candidates:
	// room for them, then they are dropped here.
	limit := int(min(4*total+10_000, 5_000_000))
	rows, _, err := src.Aggregate(ctx, duckdb.AggregateQuery{
		From: w.From, Until: w.Until, Where: c.Where, Args: c.Args, Columns: c.Columns,
		By: []string{"src.ip", "dst.ip", "service.port", "time"}, Bucket: time.Second, Limit: limit,
	})
	if err != nil {
		return fmt.Errorf("beaconing: connection times: %w", err)
	}
	type sec struct {
		t            time.Time
		flows, bytes uint64
	}
	secs := map[*pair][]sec{}
	for _, r := range rows {
		p := byKey[pairKey{r.Cell("src.ip"), r.Cell("dst.ip"), uint16(detect.Num(r, "service.port"))}]
		if p == nil {
			continue
		}
		t, _ := r["time"].(time.Time)
		secs[p] = append(secs[p], sec{t, detect.Num(r, "flows"), detect.Num(r, "bytes")})
	}
	for p, ss := range secs {
		slices.SortFunc(ss, func(a, b sec) int { return a.t.Compare(b.t) })
		// A second with connection starts opens them; a second with only
		// continued records (Azure's C and E tuples carry a connection's bytes
		// after its start) adds its bytes to the last connection opened.
		for _, s := range ss {
			p.bytes += s.bytes
			if s.flows == 0 {
				if len(p.sizes) > 0 {
					p.sizes[len(p.sizes)-1] += float64(s.bytes)
				}
				continue
			}
			for range s.flows {
				p.starts = append(p.starts, s.t)
				p.sizes = append(p.sizes, float64(s.bytes)/float64(s.flows))
			}
		}
	}
	return nil
}
