// Package legacy is the legacy-protocol detector (DESIGN §7): cleartext protocols
// from another era (Telnet, rlogin, rsh, rexec, FTP, TFTP, NetBIOS 137–139) used
// across the internet boundary, inbound or outbound, where anyone on the path reads
// the credentials and the data. Only allowed traffic counts: a denied knock on 23
// is a scan (package portscan), not use. It owns no storage and no alerting.
//
// ATT&CK has no technique for "used an old protocol", so each finding takes the
// technique of what the use enables, by protocol and direction:
//
//   - Telnet, rlogin, rsh, rexec out of the estate: TA0008 Lateral Movement,
//     T1021 Remote Services — someone drives a remote shell from inside the estate
//     (the simulator's truth files Telnet the same way).
//   - The same from the internet in: TA0001 Initial Access, T1133 External
//     Remote Services — a cleartext remote shell is open to the internet.
//   - FTP, TFTP out: TA0010 Exfiltration, T1048.003 Exfiltration Over
//     Unencrypted Non-C2 Protocol — files leave in clear.
//   - FTP, TFTP in: TA0001 Initial Access, T1190 Exploit Public-Facing Application
//     — an exposed file service.
//   - NetBIOS out: TA0006 Credential Access, T1187 Forced Authentication — a
//     Windows host talking NetBIOS/SMB to the internet hands over NTLM hashes.
//   - NetBIOS in: TA0001 Initial Access, T1190.
package legacy

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/store/duckdb"
)

const name = "legacy-protocol"

// Configuration says which services are legacy; zero fields take the defaults.
type Configuration struct {
	// Services are the services catalog's names of legacy cleartext protocols
	// (default Telnet, rlogin, rsh, rexec, FTP, FTP-Data, TFTP, NetBIOS-NS,
	// NetBIOS-DGM, NetBIOS-SSN).
	Services []string
}

func (c Configuration) withDefaults() Configuration {
	if c.Services == nil {
		c.Services = []string{"Telnet", "rlogin", "rsh", "rexec", "FTP", "FTP-Data", "TFTP", "NetBIOS-NS", "NetBIOS-DGM", "NetBIOS-SSN"}
	}
	return c
}

// family groups services that mean the same thing for the mapping above.
func family(service string) string {
	switch service {
	case "Telnet", "rlogin", "rsh", "rexec":
		return "shell"
	case "FTP", "FTP-Data", "TFTP":
		return "file"
	}
	return "netbios"
}

func attack(fam, direction string) (tactic, technique string) {
	if direction == "inbound" {
		if fam == "shell" {
			return "TA0001", "T1133"
		}
		return "TA0001", "T1190"
	}
	switch fam {
	case "shell":
		return "TA0008", "T1021"
	case "file":
		return "TA0010", "T1048.003"
	}
	return "TA0006", "T1187"
}

// Detector finds legacy protocols across the internet boundary.
type Detector struct{ cfg Configuration }

// New returns a legacy-protocol detector.
func New(cfg Configuration) *Detector { return &Detector{cfg: cfg.withDefaults()} }

// Name is "legacy-protocol".
func (d *Detector) Name() string { return name }

type use struct {
	service, ip, workload, direction string
	peers, countries, domains        map[string]bool
	ports                            map[uint16]bool
	flows, bytes, bytesRev           uint64
}

// Detect reads the window's allowed requests over legacy services that cross the
// boundary in one aggregate, and for each finding the pair's other traffic (an FTP
// control connection's data connections are on other ports) in one more.
func (d *Detector) Detect(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	names := make([]string, len(d.cfg.Services))
	for i, s := range d.cfg.Services {
		names[i] = detect.Quote(s)
	}
	filter := "answer = false and action = allow and direction in (inbound, outbound) and service in (" + strings.Join(names, ", ") + ")"
	rows, err := detect.Query(ctx, src, name, filter, duckdb.AggregateQuery{From: w.From, Until: w.Until,
		By: []string{"src.ip", "dst.ip", "service", "service.port", "direction", "src.workload", "dst.workload",
			"src.country", "dst.country", "dst.domain"}, Limit: 1_000_000})
	if err != nil {
		return nil, err
	}
	uses := map[string]*use{}
	for _, r := range rows {
		dir := detect.Str(r, "direction")
		ip, wl, peer, country := detect.Str(r, "src.ip"), detect.Str(r, "src.workload"), detect.Str(r, "dst.ip"), detect.Str(r, "dst.country")
		if dir == "inbound" {
			ip, wl, peer, country = detect.Str(r, "dst.ip"), detect.Str(r, "dst.workload"), detect.Str(r, "src.ip"), detect.Str(r, "src.country")
		}
		svc := detect.Str(r, "service")
		k := svc + "|" + ip + "|" + dir
		u := uses[k]
		if u == nil {
			u = &use{service: svc, ip: ip, workload: wl, direction: dir, peers: map[string]bool{}, countries: map[string]bool{},
				domains: map[string]bool{}, ports: map[uint16]bool{}}
			uses[k] = u
		}
		u.peers[peer] = true
		if country != "" {
			u.countries[country] = true
		}
		if dom := detect.Str(r, "dst.domain"); dom != "" {
			u.domains[dom] = true
		}
		u.ports[uint16(detect.Num(r, "service.port"))] = true
		u.flows += detect.Num(r, "flows")
		u.bytes += detect.Num(r, "bytes")
		u.bytesRev += detect.Num(r, "bytes_rev")
	}
	keys := make([]string, 0, len(uses))
	for k := range uses {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []detect.Finding
	for _, k := range keys {
		u := uses[k]
		if u.flows == 0 && u.bytes+u.bytesRev == 0 {
			continue
		}
		f, err := d.finding(ctx, src, w, u)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func (d *Detector) finding(ctx context.Context, src detect.Source, w detect.Window, u *use) (detect.Finding, error) {
	fam := family(u.service)
	tactic, technique := attack(fam, u.direction)
	peers := detect.SortedIPs(u.peers)
	who := u.ip
	if u.workload != "" {
		who = u.workload + " (" + u.ip + ")"
	}
	side, peerSide := "src.ip", "dst.ip"
	if u.direction == "inbound" {
		side, peerSide = "dst.ip", "src.ip"
	}
	filter := fmt.Sprintf("%s = %s and %s in (%s) and service = %s and answer = false",
		side, detect.Quote(u.ip), peerSide, detect.QuoteAll(peers), detect.Quote(u.service))
	// Everything else between the same ends: FTP's data connections, a shell's
	// file copies.
	pair := fmt.Sprintf("%s = %s and %s in (%s) and answer = false", side, detect.Quote(u.ip), peerSide, detect.QuoteAll(peers))
	rows, err := detect.Query(ctx, src, name, pair, duckdb.AggregateQuery{From: w.From, Until: w.Until, Limit: 1})
	if err != nil {
		return detect.Finding{}, err
	}
	var pairBytes, pairFlows uint64
	for _, r := range rows {
		pairBytes, pairFlows = detect.Num(r, "bytes")+detect.Num(r, "bytes_rev"), detect.Num(r, "flows")
	}
	var sc detect.Scorer
	sc.Add(40, fmt.Sprintf("%s crosses the internet boundary in clear text", u.service))
	switch u.direction {
	case "inbound":
		sc.Add(25, "reached from the internet: the service is exposed")
	default:
		sc.Add(15, "from inside the estate to the internet")
	}
	if fam == "shell" {
		sc.Add(10, "a remote shell: credentials and commands readable on the path")
	}
	if pairBytes >= 10_000_000 {
		sc.Add(15, fmt.Sprintf("%s moved between the ends", detect.SizeKB(pairBytes)))
	} else if pairBytes >= 100_000 {
		sc.Add(5, fmt.Sprintf("%s moved between the ends", detect.SizeKB(pairBytes)))
	}
	if len(peers) > 1 {
		sc.Add(min(10, 2*len(peers)), fmt.Sprintf("%d peers on the internet", len(peers)))
	}
	var title, summary string
	if u.direction == "inbound" {
		title = fmt.Sprintf("%s from the internet into %s", u.service, who)
		summary = fmt.Sprintf("%d address(es) on the internet reached %s over %s (%d connections; %s between them in all).",
			len(peers), who, u.service, u.flows, detect.SizeKB(pairBytes))
	} else {
		title = fmt.Sprintf("%s from %s to the internet", u.service, who)
		summary = fmt.Sprintf("%s used %s with %d address(es) on the internet (%d connections; %s between them in all).",
			who, u.service, len(peers), u.flows, detect.SizeKB(pairBytes))
	}
	ent := detect.Entities{Sources: []string{u.ip}, Destinations: peers}
	if u.direction == "inbound" {
		ent = detect.Entities{Sources: peers, Destinations: []string{u.ip}}
	}
	if u.workload != "" {
		ent.Workloads = []string{u.workload}
	}
	f := detect.Finding{
		Key:        detect.KeyOf(name, u.service, u.ip, u.direction),
		Title:      title,
		Tactics:    []string{tactic},
		Techniques: []string{technique},
		Score:      sc.Score(),
		Severity:   detect.SeverityOf(sc.Score()),
		Entities:   ent,
		Evidence: detect.Evidence{Flows: u.flows, Bytes: u.bytes + u.bytesRev, Ports: detect.SortedKeys(u.ports),
			Countries: detect.SortedKeys(u.countries), Filter: filter, Score: sc.Reasons(),
			Details: map[string]any{"service": u.service, "direction": u.direction, "domains": detect.SortedKeys(u.domains),
				"pair_flows": pairFlows, "pair_bytes": pairBytes}},
		Summary: summary,
	}
	f.FirstSeen, f.LastSeen, err = detect.Seen(ctx, src, name, w, filter)
	return f, err
}
