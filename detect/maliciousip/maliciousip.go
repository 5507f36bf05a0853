// Package maliciousip is the malicious-ip detector (DESIGN §7): traffic to or from
// an address, or a domain, that a threat-intelligence feed lists (enrichment sets
// src.threat and dst.threat from the --intel feeds), one finding per listed
// address. The estate reaching out to a listed address is command and control
// (TA0011, T1071 Application Layer Protocol); a listed address reaching in is
// initial access (TA0001: T1133 External Remote Services on a remote-access port,
// T1190 Exploit Public-Facing Application otherwise). Allowed traffic is worse than
// denied and outbound worse than inbound; a listed scanner the firewall turned
// away a few times is the internet's weather and is left out. It owns no storage,
// no feeds (package enrich/intel) and no alerting.
package maliciousip

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/store/duckdb"
)

const name = "malicious-ip"

// Configuration holds the thresholds; zero fields take the defaults.
type Configuration struct {
	// MinDeniedInbound is how many connections a listed address must try inward,
	// all denied, to be reported (default 20): fewer is background radiation.
	MinDeniedInbound uint64
}

func (c Configuration) withDefaults() Configuration {
	if c.MinDeniedInbound == 0 {
		c.MinDeniedInbound = 20
	}
	return c
}

// remotePorts are remote-access services: a listed address reaching them is
// T1133 External Remote Services.
var remotePorts = []uint16{22, 23, 3389, 5900, 5901, 5902, 5903, 5985, 5986, 21115, 21116, 21117, 21118, 21119, 7070, 5938}

// Detector finds traffic with listed addresses.
type Detector struct{ cfg Configuration }

// New returns a malicious-ip detector with cfg's thresholds.
func New(cfg Configuration) *Detector { return &Detector{cfg: cfg.withDefaults()} }

// Name is "malicious-ip".
func (d *Detector) Name() string { return name }

// listed is everything that touched one listed address.
type listed struct {
	ip, feeds, category, domain string
	confidence                  uint64
	peers, workloads, services  map[string]bool
	countries                   map[string]bool
	ports                       map[uint16]bool
	in, out                     counts // the listed address as source (inbound), as destination (outbound)
}

type counts struct{ allowed, denied, bytes, bytesRev uint64 }

func (c counts) conns() uint64 { return c.allowed + c.denied }

// Detect reads the window's requests with a listed end in one aggregate.
func (d *Detector) Detect(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	rows, err := detect.Query(ctx, src, name, "threat = any and answer = false", duckdb.AggregateQuery{From: w.From, Until: w.Until,
		By: []string{"src.ip", "dst.ip", "action", "service", "service.port", "src.threat", "dst.threat",
			"src.threat.category", "dst.threat.category", "src.threat.confidence", "dst.threat.confidence",
			"src.country", "dst.country", "src.workload", "dst.workload", "dst.domain"}, Limit: 1_000_000})
	if err != nil {
		return nil, err
	}
	all := map[string]*listed{}
	get := func(ip string) *listed {
		l := all[ip]
		if l == nil {
			l = &listed{ip: ip, peers: map[string]bool{}, workloads: map[string]bool{}, services: map[string]bool{},
				countries: map[string]bool{}, ports: map[uint16]bool{}}
			all[ip] = l
		}
		return l
	}
	for _, r := range rows {
		conns := detect.Num(r, "flows")
		denied := detect.Str(r, "action") == "deny"
		port := uint16(detect.Num(r, "service.port"))
		for _, side := range []string{"src", "dst"} {
			feeds := detect.Str(r, side+".threat")
			if feeds == "" {
				continue
			}
			other := "dst"
			if side == "dst" {
				other = "src"
			}
			l := get(detect.Str(r, side+".ip"))
			l.feeds, l.category, l.confidence = feeds, detect.Str(r, side+".threat.category"), max(l.confidence, detect.Num(r, side+".threat.confidence"))
			if side == "dst" && detect.Str(r, "dst.domain") != "" {
				l.domain = detect.Str(r, "dst.domain")
			}
			if c := detect.Str(r, side+".country"); c != "" {
				l.countries[c] = true
			}
			l.peers[detect.Str(r, other+".ip")] = true
			if wl := detect.Str(r, other+".workload"); wl != "" {
				l.workloads[wl] = true
			}
			if s := detect.Str(r, "service"); s != "" {
				l.services[s] = true
			}
			l.ports[port] = true
			c := &l.in
			if side == "dst" {
				c = &l.out
			}
			if denied {
				c.denied += conns
			} else {
				c.allowed += conns
			}
			c.bytes += detect.Num(r, "bytes")
			c.bytesRev += detect.Num(r, "bytes_rev")
		}
	}
	keys := detect.SortedIPs(all)
	var out []detect.Finding
	for _, k := range keys {
		l := all[k]
		if l.out.conns() == 0 && l.in.allowed == 0 && l.in.denied < d.cfg.MinDeniedInbound {
			continue
		}
		f := l.finding()
		if f.FirstSeen, f.LastSeen, err = detect.Seen(ctx, src, name, w, f.Evidence.Filter); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func (l *listed) finding() detect.Finding {
	var sc detect.Scorer
	feeds := fmt.Sprintf("listed by %s", l.feeds)
	if l.category != "" {
		feeds += " as " + l.category
	}
	sc.Add(35, feeds)
	var tactics, techniques []string
	var what []string
	if l.out.conns() > 0 {
		tactics, techniques = append(tactics, "TA0011"), append(techniques, "T1071")
		if l.out.allowed > 0 {
			sc.Add(35, fmt.Sprintf("the estate reached it: %d connections allowed out", l.out.allowed))
		} else {
			sc.Add(20, fmt.Sprintf("the estate tried to reach it: %d connections, all denied", l.out.denied))
		}
		what = append(what, fmt.Sprintf("%d outbound (%d allowed)", l.out.conns(), l.out.allowed))
	}
	if l.in.conns() > 0 {
		tactics = append(tactics, "TA0001")
		remote := slices.ContainsFunc(detect.SortedKeys(l.ports), func(p uint16) bool { return slices.Contains(remotePorts, p) })
		if remote {
			techniques = append(techniques, "T1133")
		} else {
			techniques = append(techniques, "T1190")
		}
		if l.in.allowed > 0 {
			sc.Add(20, fmt.Sprintf("it got in: %d inbound connections allowed", l.in.allowed))
		}
		what = append(what, fmt.Sprintf("%d inbound (%d allowed)", l.in.conns(), l.in.allowed))
	}
	total := l.in.bytes + l.in.bytesRev + l.out.bytes + l.out.bytesRev
	if total >= 1_000_000 {
		sc.Add(10, fmt.Sprintf("%d bytes exchanged", total))
	}
	if len(l.peers) > 1 {
		sc.Add(min(10, 2*len(l.peers)), fmt.Sprintf("%d hosts of the estate involved", len(l.peers)))
	}
	if l.confidence >= 80 {
		sc.Add(5, fmt.Sprintf("feed confidence %d", l.confidence))
	}
	peers := detect.SortedIPs(l.peers)
	who := l.ip
	if l.domain != "" {
		who += " (" + l.domain + ")"
	}
	var title string
	switch {
	case l.out.allowed > 0:
		title = fmt.Sprintf("Traffic to listed address %s from %d host(s)", who, len(peers))
	case l.out.conns() > 0:
		title = fmt.Sprintf("Blocked attempts to reach listed address %s from %d host(s)", who, len(peers))
	case l.in.allowed > 0:
		title = fmt.Sprintf("Listed address %s reached %d host(s)", who, len(peers))
	default:
		title = fmt.Sprintf("Listed address %s knocked on %d host(s), denied", who, len(peers))
	}
	ent := detect.Entities{Workloads: detect.SortedKeys(l.workloads)}
	if l.in.conns() > 0 {
		ent.Sources, ent.Destinations = []string{l.ip}, peers
	}
	if l.out.conns() > 0 {
		ent.Sources, ent.Destinations = append(slices.Clone(peers), ent.Sources...), append(ent.Destinations, l.ip)
		ent.Sources, ent.Destinations = dedup(ent.Sources), dedup(ent.Destinations)
	}
	return detect.Finding{
		Key:        detect.KeyOf(name, l.ip),
		Title:      title,
		Tactics:    dedup(tactics),
		Techniques: dedup(techniques),
		Score:      sc.Score(),
		Severity:   detect.SeverityOf(sc.Score()),
		Entities:   ent,
		Evidence: detect.Evidence{Flows: l.in.conns() + l.out.conns(), Bytes: total, Ports: detect.SortedKeys(l.ports),
			Countries: detect.SortedKeys(l.countries), Filter: fmt.Sprintf("ip = %s and answer = false", detect.Quote(l.ip)), Score: sc.Reasons(),
			Details: map[string]any{"feeds": strings.Split(l.feeds, ","), "category": l.category, "confidence": l.confidence,
				"domain": l.domain, "services": detect.SortedKeys(l.services),
				"inbound_allowed": l.in.allowed, "inbound_denied": l.in.denied,
				"outbound_allowed": l.out.allowed, "outbound_denied": l.out.denied}},
		Summary: fmt.Sprintf("%s, %s, exchanged %s with %d host(s) of the estate.", who, feeds, strings.Join(what, " and "), len(peers)),
	}
}

func dedup(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
