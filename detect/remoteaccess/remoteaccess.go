// Package remoteaccess is the remote-access-tool detector (DESIGN §7, ATT&CK
// TA0011 Command and Control, T1219 Remote Access Software): RustDesk, AnyDesk,
// TeamViewer and VNC in use, recognised by the services catalog (their ports:
// RustDesk 21115–21119 and 21116/udp, AnyDesk 7070, TeamViewer 5938, VNC
// 5900–5903 and 5800) or by the vendors' domains where passive DNS names the
// destination (their relays and rendezvous servers), inbound or outbound. Only
// allowed traffic that carried something counts: a denied knock on 5900 is a scan,
// not a session. It owns no storage and no alerting.
package remoteaccess

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/store/duckdb"
)

const name = "remote-access-tool"

// Configuration holds the thresholds; zero fields take the defaults.
type Configuration struct {
	// MinBytes is what an endpoint's use of a tool must carry, both ways, to count
	// (default 2 KB: a few heartbeats; a handshake that got nothing back is not use).
	MinBytes uint64
	// Services are the catalog's names of remote-access tools (default RustDesk,
	// AnyDesk, TeamViewer, VNC, VNC-HTTP).
	Services []string
	// Domains are the tools' domains, matched as "contains" (default rustdesk,
	// anydesk, teamviewer).
	Domains []string
}

func (c Configuration) withDefaults() Configuration {
	if c.MinBytes == 0 {
		c.MinBytes = 2000
	}
	if c.Services == nil {
		c.Services = []string{"RustDesk", "AnyDesk", "TeamViewer", "VNC", "VNC-HTTP"}
	}
	if c.Domains == nil {
		c.Domains = []string{"rustdesk", "anydesk", "teamviewer"}
	}
	return c
}

// Detector finds remote-access tools.
type Detector struct{ cfg Configuration }

// New returns a remote-access-tool detector with cfg's settings.
func New(cfg Configuration) *Detector { return &Detector{cfg: cfg.withDefaults()} }

// Name is "remote-access-tool".
func (d *Detector) Name() string { return name }

// use is one estate endpoint's use of one tool.
type use struct {
	tool, ip, workload, direction string
	peers, domains, countries     map[string]bool
	ports                         map[uint16]bool
	flows, bytes, bytesRev        uint64
}

// Detect reads the window's requests to the tools in one aggregate.
func (d *Detector) Detect(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	var terms []string
	for _, s := range d.cfg.Services {
		terms = append(terms, "service = "+detect.Quote(s))
	}
	for _, dom := range d.cfg.Domains {
		terms = append(terms, "dst.domain ~ "+detect.Quote(dom))
	}
	filter := "answer = false and action = allow and (" + strings.Join(terms, " or ") + ")"
	rows, err := detect.Query(ctx, src, name, filter, duckdb.AggregateQuery{From: w.From, Until: w.Until,
		By: []string{"src.ip", "dst.ip", "service", "service.port", "direction", "dst.domain", "src.workload", "dst.workload",
			"src.country", "dst.country"}, Limit: 1_000_000})
	if err != nil {
		return nil, err
	}
	uses := map[string]*use{}
	for _, r := range rows {
		tool := d.toolOf(detect.Str(r, "service"), detect.Str(r, "dst.domain"))
		if tool == "" {
			continue
		}
		dir := detect.Str(r, "direction")
		// The estate's end: the client for outbound and internal use, the server
		// for inbound.
		ip, wl, peer, country := detect.Str(r, "src.ip"), detect.Str(r, "src.workload"), detect.Str(r, "dst.ip"), detect.Str(r, "dst.country")
		if dir == "inbound" {
			ip, wl, peer, country = detect.Str(r, "dst.ip"), detect.Str(r, "dst.workload"), detect.Str(r, "src.ip"), detect.Str(r, "src.country")
		}
		k := tool + "|" + ip + "|" + dir
		u := uses[k]
		if u == nil {
			u = &use{tool: tool, ip: ip, workload: wl, direction: dir, peers: map[string]bool{}, domains: map[string]bool{},
				countries: map[string]bool{}, ports: map[uint16]bool{}}
			uses[k] = u
		}
		u.peers[peer] = true
		if dom := detect.Str(r, "dst.domain"); dom != "" {
			u.domains[dom] = true
		}
		if country != "" {
			u.countries[country] = true
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
		if u.bytes+u.bytesRev < d.cfg.MinBytes {
			continue
		}
		f := d.finding(u)
		if f.FirstSeen, f.LastSeen, err = detect.Seen(ctx, src, name, w, f.Evidence.Filter); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// toolOf names the tool of a flow by its service, else by its domain.
func (d *Detector) toolOf(service, domain string) string {
	if slices.Contains(d.cfg.Services, service) {
		if strings.HasPrefix(service, "VNC") {
			return "VNC"
		}
		return service
	}
	dom := strings.ToLower(domain)
	for _, t := range d.cfg.Domains {
		if strings.Contains(dom, t) {
			switch t {
			case "rustdesk":
				return "RustDesk"
			case "anydesk":
				return "AnyDesk"
			case "teamviewer":
				return "TeamViewer"
			}
			return t
		}
	}
	return ""
}

func (d *Detector) finding(u *use) detect.Finding {
	who := u.ip
	if u.workload != "" {
		who = u.workload + " (" + u.ip + ")"
	}
	peers := detect.SortedIPs(u.peers)
	var sc detect.Scorer
	sc.Add(50, u.tool+" in use: remote control of a machine outside the estate's own tools")
	var title, summary string
	total := u.bytes + u.bytesRev
	switch u.direction {
	case "inbound":
		sc.Add(30, "controlled from the internet")
		title = fmt.Sprintf("%s from the internet into %s", u.tool, who)
		summary = fmt.Sprintf("%d address(es) on the internet reached %s over %s (%d connections, %s).", len(peers), who, u.tool, u.flows, detect.SizeKB(total))
	case "outbound":
		sc.Add(20, "to the internet: a relay lets anyone with the id in")
		title = fmt.Sprintf("%s from %s to the internet", u.tool, who)
		summary = fmt.Sprintf("%s talked %s to %d address(es) on the internet (%d connections, %s).", who, u.tool, len(peers), u.flows, detect.SizeKB(total))
	default:
		title = fmt.Sprintf("%s from %s to %d internal host(s)", u.tool, who, len(peers))
		summary = fmt.Sprintf("%s used %s to reach %d internal host(s) (%d connections, %s).", who, u.tool, len(peers), u.flows, detect.SizeKB(total))
	}
	if total >= 1_000_000 {
		sc.Add(10, fmt.Sprintf("%s moved: interactive sessions, not just heartbeats", detect.SizeKB(total)))
	}
	if len(u.domains) > 0 {
		sc.Add(5, fmt.Sprintf("the vendor's servers by name: %v", detect.SortedKeys(u.domains)))
	}
	side, peerSide := "src.ip", "dst.ip"
	if u.direction == "inbound" {
		side, peerSide = "dst.ip", "src.ip"
	}
	filter := fmt.Sprintf("%s = %s and %s in (%s) and service.port in (%s) and answer = false",
		side, detect.Quote(u.ip), peerSide, detect.QuoteAll(peers), detect.PortList(detect.SortedKeys(u.ports)))
	ent := detect.Entities{Sources: []string{u.ip}, Destinations: peers}
	if u.direction == "inbound" {
		ent = detect.Entities{Sources: peers, Destinations: []string{u.ip}}
	}
	if u.workload != "" {
		ent.Workloads = []string{u.workload}
	}
	return detect.Finding{
		Key:        detect.KeyOf(name, u.tool, u.ip, u.direction),
		Title:      title,
		Tactics:    []string{"TA0011"},
		Techniques: []string{"T1219"},
		Score:      sc.Score(),
		Severity:   detect.SeverityOf(sc.Score()),
		Entities:   ent,
		Evidence: detect.Evidence{Flows: u.flows, Bytes: total, Ports: detect.SortedKeys(u.ports), Countries: detect.SortedKeys(u.countries),
			Filter: filter, Score: sc.Reasons(),
			Details: map[string]any{"tool": u.tool, "direction": u.direction, "domains": detect.SortedKeys(u.domains),
				"bytes_out": u.bytes, "bytes_in": u.bytesRev}},
		Summary: summary,
	}
}
