// Package portscan is the port-scan detector (DESIGN §7, ATT&CK TA0007 Discovery,
// T1046 Network Service Discovery): one source probing many hosts on one port
// (horizontal) or many ports of one host (vertical). It counts the distinct
// targets of the source's requests (records with answer = false) and weighs the
// probes that failed (denied, unanswered, reset or tiny) over the ones that
// carried a conversation: a scan is mostly knocks on closed doors, a busy client
// mostly conversations. Targets the source already reached in the baseline count
// for less, so that a health checker or a scheduled scanner that does the same
// every day stands out less than a new sweep. It owns no storage and no alerting.
package portscan

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/store/duckdb"
)

const name = "port-scan"

// Configuration holds the thresholds; zero fields take the defaults.
type Configuration struct {
	// MinHosts is how many weighted targets one source must probe on one port for
	// a horizontal scan (default 20).
	MinHosts float64
	// MinPorts is how many weighted ports of one host one source must probe for a
	// vertical scan (default 15).
	MinPorts float64
	// TinyBytes is the most a probe carries each way, per connection, to count as
	// tiny: a handshake and a reset or a banner, no conversation (default 300, IP
	// bytes: a SYN is 60, a full handshake with FIN about 200).
	TinyBytes uint64
	// KnownWeight scales targets the source already reached on that port in the
	// baseline (default 0.5).
	KnownWeight float64
	// MaxSources bounds the sources examined, busiest first (default 5000).
	MaxSources int
}

func (c Configuration) withDefaults() Configuration {
	if c.MinHosts <= 0 {
		c.MinHosts = 20
	}
	if c.MinPorts <= 0 {
		c.MinPorts = 15
	}
	if c.TinyBytes == 0 {
		c.TinyBytes = 300
	}
	if c.KnownWeight <= 0 {
		c.KnownWeight = 0.5
	}
	if c.MaxSources <= 0 {
		c.MaxSources = 5000
	}
	return c
}

// Detector finds port scans.
type Detector struct{ cfg Configuration }

// New returns a port-scan detector with cfg's thresholds.
func New(cfg Configuration) *Detector { return &Detector{cfg: cfg.withDefaults()} }

// Name is "port-scan".
func (d *Detector) Name() string { return name }

// probe is what one source did to one target (host and port) in the window.
type probe struct {
	src, dst, service, proto string
	port                     uint16
	reqFlows, reqBytes       uint64
	reqPackets, respBytes    uint64
	denied, allowed          uint64 // request connections by action
	known                    bool   // reached in the baseline
	dstCountry               string
}

// failed reports whether the probe found nothing listening or was stopped:
// every attempt denied, no answer at all, or only tiny exchanges.
func (p *probe) failed(tiny uint64) bool {
	conns := max(p.reqFlows, 1)
	switch {
	case p.allowed == 0:
		return true
	case p.respBytes == 0:
		return true
	}
	return p.reqBytes/conns <= tiny && p.respBytes/conns <= tiny
}

// Detect reads the window's request records in two aggregates: the sources that
// made enough requests to scan, then those sources' targets with their answers.
func (d *Detector) Detect(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	need := min(d.cfg.MinHosts, d.cfg.MinPorts)
	rows, err := detect.Query(ctx, src, name, "answer = false", duckdb.AggregateQuery{From: w.From, Until: w.Until,
		By: []string{"src.ip"}, Limit: d.cfg.MaxSources})
	if err != nil {
		return nil, err
	}
	var cands []string
	for _, r := range rows {
		// Azure's continuation tuples count no connection: take the records too.
		if float64(max(detect.Num(r, "flows"), detect.Num(r, "records"))) >= need {
			cands = append(cands, detect.Str(r, "src.ip"))
		}
	}
	if len(cands) == 0 {
		return nil, nil
	}
	probes, err := d.probes(ctx, src, w, cands)
	if err != nil {
		return nil, err
	}
	out := append(d.horizontal(probes), d.vertical(probes)...)
	for i := range out {
		if out[i].FirstSeen, out[i].LastSeen, err = detect.Seen(ctx, src, name, w, out[i].Evidence.Filter); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// probes groups the candidates' requests, and the answers to them, by target.
func (d *Detector) probes(ctx context.Context, src detect.Source, w detect.Window, cands []string) (map[[3]string]*probe, error) {
	list := detect.QuoteAll(cands)
	filter := fmt.Sprintf("(answer = false and src.ip in (%s)) or (answer = true and dst.ip in (%s))", list, list)
	q := detect.BaselineQuery(duckdb.AggregateQuery{
		By:    []string{"src.ip", "dst.ip", "service.port", "service", "proto", "answer", "action", "dst.country"},
		Limit: 2_000_000,
	}, w)
	rows, err := detect.Query(ctx, src, name, filter, q)
	if err != nil {
		return nil, err
	}
	probes := map[[3]string]*probe{}
	get := func(s, dd string, port uint16) *probe {
		k := [3]string{s, dd, fmt.Sprint(port)}
		p := probes[k]
		if p == nil {
			p = &probe{src: s, dst: dd, port: port}
			probes[k] = p
		}
		return p
	}
	for _, r := range rows {
		port := uint16(detect.Num(r, "service.port"))
		if r["answer"] == true {
			// The server's half: its source is the target.
			if detect.Now(r, "records") > 0 {
				p := get(detect.Str(r, "dst.ip"), detect.Str(r, "src.ip"), port)
				p.respBytes += detect.Now(r, "bytes")
			}
			continue
		}
		p := get(detect.Str(r, "src.ip"), detect.Str(r, "dst.ip"), port)
		if detect.Prev(r, "records") > 0 {
			p.known = true
		}
		if detect.Now(r, "records") == 0 {
			continue
		}
		conns := max(detect.Now(r, "flows"), 1)
		p.reqFlows += detect.Now(r, "flows")
		p.reqBytes += detect.Now(r, "bytes")
		p.reqPackets += detect.Now(r, "packets")
		p.respBytes += detect.Now(r, "bytes_rev")
		if detect.Str(r, "action") == "deny" {
			p.denied += conns
		} else {
			p.allowed += conns
		}
		p.service, p.proto, p.dstCountry = detect.Str(r, "service"), detect.Str(r, "proto"), detect.Str(r, "dst.country")
	}
	// Answers to targets that were never asked in the window are not probes.
	for k, p := range probes {
		if p.reqFlows == 0 && p.allowed == 0 && p.denied == 0 {
			delete(probes, k)
		}
	}
	return probes, nil
}

// weight is what one target counts for: a target that answered with a
// conversation counts for nothing (a proxy or a crawler reaches hundreds of hosts
// that way), one that failed or answered with almost nothing for one.
func (d *Detector) weight(p *probe) float64 {
	wt := 0.0
	if p.failed(d.cfg.TinyBytes) {
		wt = 1
	}
	if p.known {
		wt *= d.cfg.KnownWeight
	}
	return wt
}

// tally sums a group of probes for the evidence.
type tally struct {
	weight                     float64
	flows, bytes, denied, fail uint64
	targets, known             int
	countries                  map[string]bool
}

func (d *Detector) sum(ps []*probe) tally {
	t := tally{countries: map[string]bool{}}
	for _, p := range ps {
		t.weight += d.weight(p)
		t.flows += p.reqFlows
		t.bytes += p.reqBytes
		t.denied += p.denied
		t.targets++
		if p.failed(d.cfg.TinyBytes) {
			t.fail++
		}
		if p.known {
			t.known++
		}
		if p.dstCountry != "" {
			t.countries[p.dstCountry] = true
		}
	}
	return t
}

// horizontal is one finding per source that probed enough hosts on some port.
func (d *Detector) horizontal(probes map[[3]string]*probe) []detect.Finding {
	bySrcPort := map[string]map[uint16][]*probe{}
	for _, p := range probes {
		m := bySrcPort[p.src]
		if m == nil {
			m = map[uint16][]*probe{}
			bySrcPort[p.src] = m
		}
		m[p.port] = append(m[p.port], p)
	}
	var out []detect.Finding
	for _, s := range detect.SortedIPs(bySrcPort) {
		var ports []uint16
		var all []*probe
		var best tally
		var bestPort uint16
		for port, ps := range bySrcPort[s] {
			t := d.sum(ps)
			if t.weight < d.cfg.MinHosts {
				continue
			}
			ports = append(ports, port)
			all = append(all, ps...)
			if t.weight > best.weight || t.weight == best.weight && port < bestPort {
				best, bestPort = t, port
			}
		}
		if len(ports) == 0 {
			continue
		}
		slices.Sort(ports)
		t := d.sum(all)
		dsts := map[string]bool{}
		for _, p := range all {
			dsts[p.dst] = true
		}
		svc := describePort(bySrcPort[s][bestPort][0])
		var sc detect.Scorer
		sc.Add(40, fmt.Sprintf("%d hosts probed on %s, %d of them failed or tiny", best.targets, svc, best.fail))
		sc.Add(volumePoints(t.weight, d.cfg.MinHosts), fmt.Sprintf("%.0f weighted targets in all (threshold %.0f)", t.weight, d.cfg.MinHosts))
		sc.Add(sourcePoints(s), sourceReason(s))
		if len(ports) > 1 {
			sc.Add(min(10, 2*len(ports)), fmt.Sprintf("swept %d ports this way", len(ports)))
		}
		if t.known*2 > t.targets {
			sc.Add(-15, fmt.Sprintf("%d of %d targets were already reached in the baseline", t.known, t.targets))
		}
		filter := fmt.Sprintf("src.ip = %s and service.port in (%s) and answer = false", detect.Quote(s), detect.PortList(ports))
		title := fmt.Sprintf("Horizontal port scan from %s: %d hosts on %s", s, best.targets, svc)
		if len(ports) > 1 {
			title = fmt.Sprintf("Horizontal port scan from %s: %d hosts on %d ports", s, len(dsts), len(ports))
		}
		out = append(out, finding(s, "horizontal", title, detect.SortedIPs(dsts), ports, t, sc, filter,
			fmt.Sprintf("%s probed %d hosts on %s in the window; %d of %d connections were denied and %d targets failed or answered with almost nothing.",
				s, best.targets, svc, t.denied, t.flows, t.fail)))
	}
	return out
}

// vertical is one finding per source that probed enough ports of some host.
func (d *Detector) vertical(probes map[[3]string]*probe) []detect.Finding {
	bySrcDst := map[string]map[string][]*probe{}
	for _, p := range probes {
		m := bySrcDst[p.src]
		if m == nil {
			m = map[string][]*probe{}
			bySrcDst[p.src] = m
		}
		m[p.dst] = append(m[p.dst], p)
	}
	var out []detect.Finding
	for _, s := range detect.SortedIPs(bySrcDst) {
		var hosts []string
		var all []*probe
		var best tally
		bestHost := ""
		for dst, ps := range bySrcDst[s] {
			t := d.sum(ps)
			if t.weight < d.cfg.MinPorts {
				continue
			}
			hosts = append(hosts, dst)
			all = append(all, ps...)
			if t.weight > best.weight || t.weight == best.weight && dst < bestHost {
				best, bestHost = t, dst
			}
		}
		if len(hosts) == 0 {
			continue
		}
		t := d.sum(all)
		portSet := map[uint16]bool{}
		for _, p := range all {
			portSet[p.port] = true
		}
		ports := detect.SortedKeys(portSet)
		var sc detect.Scorer
		sc.Add(40, fmt.Sprintf("%d ports of %s probed, %d of them failed or tiny", best.targets, bestHost, best.fail))
		sc.Add(volumePoints(t.weight, d.cfg.MinPorts), fmt.Sprintf("%.0f weighted targets in all (threshold %.0f)", t.weight, d.cfg.MinPorts))
		sc.Add(sourcePoints(s), sourceReason(s))
		if len(hosts) > 1 {
			sc.Add(min(10, 2*len(hosts)), fmt.Sprintf("did the same to %d hosts", len(hosts)))
		}
		if t.known*2 > t.targets {
			sc.Add(-15, fmt.Sprintf("%d of %d ports were already reached in the baseline", t.known, t.targets))
		}
		hostSet := map[string]bool{}
		for _, h := range hosts {
			hostSet[h] = true
		}
		hs := detect.SortedIPs(hostSet)
		filter := fmt.Sprintf("src.ip = %s and dst.ip in (%s) and answer = false", detect.Quote(s), detect.QuoteAll(hs))
		title := fmt.Sprintf("Vertical port scan from %s: %d ports of %s", s, best.targets, bestHost)
		if len(hs) > 1 {
			title = fmt.Sprintf("Vertical port scan from %s: many ports of %d hosts", s, len(hs))
		}
		if len(ports) > 50 {
			ports = ports[:50] // the evidence names the first; the filter finds them all
		}
		out = append(out, finding(s, "vertical", title, hs, ports, t, sc, filter,
			fmt.Sprintf("%s probed %d ports of %s in the window; %d of %d connections were denied and %d ports failed or answered with almost nothing.",
				s, best.targets, bestHost, t.denied, t.flows, t.fail)))
	}
	return out
}

func finding(s, mode, title string, dsts []string, ports []uint16, t tally, sc detect.Scorer, filter, summary string) detect.Finding {
	entDsts := dsts
	if len(entDsts) > 100 {
		entDsts = entDsts[:100] // the filter finds the rest
	}
	return detect.Finding{
		Key:        detect.KeyOf(name, mode, s),
		Title:      title,
		Tactics:    []string{"TA0007"},
		Techniques: []string{"T1046"},
		Score:      sc.Score(),
		Severity:   detect.SeverityOf(sc.Score()),
		Entities:   detect.Entities{Sources: []string{s}, Destinations: entDsts},
		Evidence: detect.Evidence{
			Flows: t.flows, Bytes: t.bytes, Ports: ports, Countries: detect.SortedKeys(t.countries),
			Filter: filter, Score: sc.Reasons(),
			Details: map[string]any{"mode": mode, "targets": t.targets, "failed_targets": t.fail,
				"denied_connections": t.denied, "baseline_targets": t.known, "weighted_targets": math.Round(t.weight*10) / 10,
				"hosts": len(dsts)},
		},
		Summary: summary,
	}
}

// volumePoints grows with how far past the threshold the scan went: up to 30
// points at a hundred times it.
func volumePoints(weight, threshold float64) int {
	if weight <= threshold {
		return 0
	}
	return min(30, int(15*math.Log10(weight/threshold)))
}

// An internal source scanning is a foothold inside the estate looking around; an
// internet source scanning is background radiation more often than not.
func sourcePoints(ip string) int {
	if internal(ip) {
		return 20
	}
	return 5
}

func sourceReason(ip string) string {
	if internal(ip) {
		return "the source is inside the estate"
	}
	return "the source is on the internet"
}

func internal(ip string) bool {
	a, err := netip.ParseAddr(ip)
	return err == nil && (a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast())
}

func describePort(p *probe) string {
	proto := strings.ToUpper(p.proto)
	if proto == "" {
		proto = "port"
	}
	if p.service != "" {
		return fmt.Sprintf("%s %d (%s)", proto, p.port, p.service)
	}
	return fmt.Sprintf("%s %d", proto, p.port)
}
