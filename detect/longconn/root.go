// Package longconn finds long connections between the estate and the internet
// (DESIGN §7, TA0011 / T1071): sessions held open far longer than web requests
// and downloads, the way an interactive C2 channel, a remote-access relay or a
// tunnel looks on the wire. A connection's duration is the span of its records:
// one record for Zeek (logged when it ends), a record per aggregation interval
// for AWS and GCP (those after the first have flows 0), and B, C and E tuples for
// Azure (C and E have flows 0; the B tuple, an instant, is not read, so an Azure
// duration is short by up to one tuple interval). Technique T1071 (Application
// Layer Protocol) rather than T1572 (Protocol Tunneling): a flow record shows a
// session held open, not what it encapsulates. It reads one aggregate over the
// raw flows and one to name what it found, and keeps no state.
package longconn

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
	"github.com/weirhq/weir/query"
	"github.com/weirhq/weir/store/duckdb"
)

// Name is the detector's name in findings.
const Name = "long-connection"

// filter selects the client's records of connections between the estate and the
// internet, either way round.
const filter = "direction in (outbound, inbound) and answer = false and action = allow"

// maxGap is the longest silence within one connection's records.
const maxGap = 16 * time.Minute

// Detector finds long connections. It is safe for use by one goroutine at a time.
type Detector struct{ cfg Configuration }

var _ detect.Detector = (*Detector)(nil)

// New returns a long-connection detector; zero fields of cfg take their defaults.
func New(cfg Configuration) *Detector { return &Detector{cfg: cfg.withDefaults()} }

// Name returns "long-connection".
func (d *Detector) Name() string { return Name }

// connKey is a connection's five-tuple.
type connKey struct {
	src, dst     string
	sport, dport uint16
	proto        string
}

// conn is one connection as its records show it.
type conn struct {
	start, end   time.Time
	bytes, rev   uint64
	servicePort  uint16
	service      string
	srcWL, dstWL string
	country      string
}

// group is one (source, destination, service port): its long connections.
type group struct {
	src, dst     string
	port         uint16
	service      string
	srcWL, dstWL string
	country      string
	conns        []*conn
	longest      time.Duration
	total        time.Duration
	bytes, rev   uint64
}

// Detect reports the long connections in w.
func (d *Detector) Detect(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	c, err := query.Compile(filter, query.DuckDB)
	if err != nil {
		return nil, fmt.Errorf("long-connection: compile filter: %w", err)
	}
	// Only a record that is long itself or continues a connection (flows 0) can
	// belong to a long connection: the rest, almost every record, is left in the
	// scan. The first record of an AWS or GCP connection that goes on lasts a
	// whole aggregation interval (at least 5 minutes), so it is read too.
	rows, _, err := src.Aggregate(ctx, duckdb.AggregateQuery{
		From: w.From, Until: w.Until, Where: c.Where, Args: c.Args,
		Columns: append(slices.Clone(c.Columns), "ts_start", "ts_end", "flows"),
		Extra:   "f.flows = 0 OR f.ts_end >= f.ts_start + 300",
		// Names (workloads, service, country) are read afterwards for the few
		// long connections: on this scan, which returns every short connection's
		// Azure end tuple too, they would cost more than the scan.
		By:    []string{"src.ip", "src.port", "dst.ip", "dst.port", "proto", "start", "end", "service.port"},
		Limit: d.cfg.MaxRecords,
	})
	if err != nil {
		return nil, fmt.Errorf("long-connection: read long records: %w", err)
	}
	type record struct {
		start, end time.Time
		bytes, rev uint64
	}
	records := map[connKey][]record{}
	first := map[connKey]*conn{} // the names each five-tuple's connections share
	for _, r := range rows {
		k := connKey{r.Cell("src.ip"), r.Cell("dst.ip"), uint16(detect.Num(r, "src.port")), uint16(detect.Num(r, "dst.port")), r.Cell("proto")}
		start, _ := r["start"].(time.Time)
		end, _ := r["end"].(time.Time)
		records[k] = append(records[k], record{start, end, detect.Num(r, "bytes"), detect.Num(r, "bytes_rev")})
		if first[k] == nil {
			first[k] = &conn{servicePort: uint16(detect.Num(r, "service.port"))}
		}
	}
	// A five-tuple comes back when a client reuses a source port: records more
	// than MaxGap apart are different connections (a live one is reported every
	// aggregation interval, at most 10 minutes in AWS, 5 in Azure and GCP).
	var keys []connKey
	var conns []*conn
	for k, rs := range records {
		slices.SortFunc(rs, func(a, b record) int { return a.start.Compare(b.start) })
		var cn *conn
		for _, rec := range rs {
			if cn == nil || rec.start.Sub(cn.end) > maxGap {
				c := *first[k]
				cn = &c
				cn.start, cn.end = rec.start, rec.end
				keys = append(keys, k)
				conns = append(conns, cn)
			}
			cn.end = detect.Later(rec.end, cn.end)
			cn.bytes += rec.bytes
			cn.rev += rec.rev
		}
	}
	var long []*conn
	var longKeys []connKey
	for i, cn := range conns {
		if cn.end.Sub(cn.start) >= d.cfg.MinDuration {
			long, longKeys = append(long, cn), append(longKeys, keys[i])
		}
	}
	if len(long) == 0 {
		return nil, nil
	}
	if err := d.name(ctx, src, w, long, longKeys); err != nil {
		return nil, err
	}
	conns, keys = long, longKeys
	groups := map[string]*group{}
	internal := map[string]map[string]bool{} // destination:port → internal hosts with long connections
	for i, cn := range conns {
		k := keys[i]
		dur := cn.end.Sub(cn.start)
		if dur < d.cfg.MinDuration {
			continue
		}
		gk := k.src + "|" + k.dst + "|" + strconv.Itoa(int(cn.servicePort))
		g := groups[gk]
		if g == nil {
			g = &group{src: k.src, dst: k.dst, port: cn.servicePort, service: cn.service, srcWL: cn.srcWL, dstWL: cn.dstWL, country: cn.country}
			groups[gk] = g
		}
		g.conns = append(g.conns, cn)
		g.longest = max(g.longest, dur)
		g.total += dur
		g.bytes += cn.bytes
		g.rev += cn.rev
		// The internal end is the one with a workload, or the source of an
		// outbound connection; the external end is the "service".
		ext, in := k.dst, k.src
		if cn.dstWL != "" && cn.srcWL == "" {
			ext, in = k.src, k.dst
		}
		svc := ext + ":" + strconv.Itoa(int(cn.servicePort))
		if internal[svc] == nil {
			internal[svc] = map[string]bool{}
		}
		internal[svc][in] = true
	}
	var out []detect.Finding
	for _, g := range groups {
		ext := g.dst
		if g.dstWL != "" && g.srcWL == "" {
			ext = g.src
		}
		peers := len(internal[ext+":"+strconv.Itoa(int(g.port))])
		if peers >= d.cfg.CommonSources {
			continue
		}
		out = append(out, d.finding(g, peers, w))
	}
	slices.SortFunc(out, func(a, b detect.Finding) int { return cmp.Compare(a.Key, b.Key) })
	return out, nil
}

// name fills in the workloads, service and country of the long connections:
// one aggregate over their addresses.
func (d *Detector) name(ctx context.Context, src detect.Source, w detect.Window, conns []*conn, keys []connKey) error {
	ips := map[string]bool{}
	for _, k := range keys {
		ips[k.src], ips[k.dst] = true, true
	}
	var list []string
	for ip := range ips {
		list = append(list, strconv.Quote(ip))
	}
	slices.Sort(list)
	in := strings.Join(list, ", ")
	c, err := query.Compile(filter+" and src.ip in ("+in+") and dst.ip in ("+in+")", query.DuckDB)
	if err != nil {
		return fmt.Errorf("long-connection: compile filter: %w", err)
	}
	rows, _, err := src.Aggregate(ctx, duckdb.AggregateQuery{
		From: w.From, Until: w.Until, Where: c.Where, Args: c.Args, Columns: c.Columns,
		By:    []string{"src.ip", "dst.ip", "service.port", "service", "src.workload", "dst.workload", "src.country", "dst.country"},
		Limit: 100_000,
	})
	if err != nil {
		return fmt.Errorf("long-connection: name long connections: %w", err)
	}
	type names struct{ service, srcWL, dstWL, country string }
	byPair := map[string]names{}
	for _, r := range rows {
		n := names{r.Cell("service"), r.Cell("src.workload"), r.Cell("dst.workload"), r.Cell("dst.country")}
		if n.country == "" {
			n.country = r.Cell("src.country")
		}
		byPair[r.Cell("src.ip")+"|"+r.Cell("dst.ip")+"|"+r.Cell("service.port")] = n
	}
	for i, cn := range conns {
		n := byPair[keys[i].src+"|"+keys[i].dst+"|"+strconv.Itoa(int(cn.servicePort))]
		cn.service, cn.srcWL, cn.dstWL, cn.country = n.service, n.srcWL, n.dstWL, n.country
	}
	return nil
}

// finding scores g: 30 points for a connection over MinDuration, up to 40 for
// the longest (logarithmic, full at a day), up to 15 for the share of the window
// spent connected, 15 when no other internal host keeps such connections to that
// destination.
func (d *Detector) finding(g *group, peers int, w detect.Window) detect.Finding {
	slices.SortFunc(g.conns, func(a, b *conn) int { return a.start.Compare(b.start) })
	reasons := []detect.ScoreReason{{Reason: fmt.Sprintf("%d connection(s) longer than %s", len(g.conns), d.cfg.MinDuration), Points: 30}}
	frac := math.Log(g.longest.Hours()/d.cfg.MinDuration.Hours()) / math.Log(24/d.cfg.MinDuration.Hours())
	reasons = append(reasons, detect.ScoreReason{Reason: "longest " + g.longest.Round(time.Second).String(), Points: int(math.Round(40 * min(1, max(0, frac))))})
	share := g.total.Seconds() / max(1, w.Until.Sub(w.From).Seconds())
	reasons = append(reasons, detect.ScoreReason{Reason: fmt.Sprintf("connected %s in all, %.0f%% of the window", g.total.Round(time.Second), 100*min(1, share)),
		Points: int(math.Round(15 * min(1, share*2)))})
	if peers <= 1 {
		reasons = append(reasons, detect.ScoreReason{Reason: "no other internal host keeps long connections to it", Points: 15})
	}
	score := 0
	for _, r := range reasons {
		score += r.Points
	}
	name := func(ip, wl string) string {
		if wl == "" {
			return ip
		}
		return wl + " (" + ip + ")"
	}
	svc := strconv.Itoa(int(g.port))
	if g.service != "" {
		svc = g.service + "/" + svc
	}
	f := detect.Finding{
		Key:        detect.KeyOf(Name, g.src, g.dst, strconv.Itoa(int(g.port))),
		Title:      fmt.Sprintf("%s held %s open to %s for up to %s", name(g.src, g.srcWL), svc, name(g.dst, g.dstWL), g.longest.Round(time.Minute)),
		Tactics:    []string{"TA0011"},
		Techniques: []string{"T1071"},
		Score:      score,
		Severity:   detect.SeverityOf(score),
		FirstSeen:  g.conns[0].start,
		Entities:   detect.Entities{Sources: []string{g.src}, Destinations: []string{g.dst}},
		Evidence: detect.Evidence{
			Flows: uint64(len(g.conns)), Bytes: g.bytes + g.rev, Ports: []uint16{g.port},
			Filter: fmt.Sprintf("src.ip = %s and dst.ip = %s and service.port = %d", strconv.Quote(g.src), strconv.Quote(g.dst), g.port),
			Score:  reasons,
			Details: map[string]any{"longest_seconds": int(g.longest.Seconds()), "connected_seconds": int(g.total.Seconds()),
				"bytes_sent": g.bytes, "bytes_received": g.rev},
		},
	}
	var spans []string
	for _, cn := range g.conns {
		f.LastSeen = detect.Later(cn.end, f.LastSeen)
		if len(spans) < 5 {
			spans = append(spans, fmt.Sprintf("%s for %s", cn.start.Format("15:04"), cn.end.Sub(cn.start).Round(time.Minute)))
		}
	}
	if g.country != "" {
		f.Evidence.Countries = []string{g.country}
	}
	for _, wl := range []string{g.srcWL, g.dstWL} {
		if wl != "" {
			f.Entities.Workloads = append(f.Entities.Workloads, wl)
		}
	}
	f.Summary = fmt.Sprintf("%s kept %d %s connection(s) open to %s (%s), the longest %s, %s sent and %s received.",
		name(g.src, g.srcWL), len(g.conns), svc, name(g.dst, g.dstWL), strings.Join(spans, ", "), g.longest.Round(time.Second), detect.Size(g.bytes), detect.Size(g.rev))
	return f
}
