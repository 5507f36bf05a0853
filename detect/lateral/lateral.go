// Package lateral is the lateral-movement detector (DESIGN §7, ATT&CK TA0008
// Lateral Movement, T1021 Remote Services: .001 RDP, .002 SMB, .004 SSH, .006
// WinRM): an internal source reaching several internal destinations over those
// services that it did not reach over them in the baseline window. A workstation
// reaching other workstations, or a user's machine reaching servers, weighs more;
// a client reaching its domain controllers and file servers over SMB is what
// Windows does and weighs little. Without a baseline everything is new, so the
// detector needs the hunt's baseline window. It owns no storage and no alerting.
package lateral

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/store/duckdb"
)

const name = "lateral-movement"

// Configuration holds the thresholds; zero fields take the defaults.
type Configuration struct {
	// MinWeight is the weighted count of new destinations one source must reach
	// over one service (default 3: three new servers, or two new workstations).
	MinWeight float64
	// MinNew is the least number of new destinations, whatever their weight (default 2).
	MinNew int
}

func (c Configuration) withDefaults() Configuration {
	if c.MinWeight <= 0 {
		c.MinWeight = 3
	}
	if c.MinNew <= 0 {
		c.MinNew = 2
	}
	return c
}

// services are the remote services watched, by the server's port.
var services = map[uint16]struct{ name, technique string }{
	445:  {"SMB", "T1021.002"},
	139:  {"SMB", "T1021.002"},
	3389: {"RDP", "T1021.001"},
	22:   {"SSH", "T1021.004"},
	5985: {"WinRM", "T1021.006"},
	5986: {"WinRM", "T1021.006"},
}

// Detector finds lateral movement.
type Detector struct{ cfg Configuration }

// New returns a lateral-movement detector with cfg's thresholds.
func New(cfg Configuration) *Detector { return &Detector{cfg: cfg.withDefaults()} }

// Name is "lateral-movement".
func (d *Detector) Name() string { return name }

type peer struct {
	ip, role, kind, workload string
	flows, bytes, denied     uint64
	now, before              bool
	ports                    map[uint16]bool
}

type mover struct {
	src, role, kind, workload, service string
	peers                              map[string]*peer
}

// Detect reads the window and its baseline in one aggregate split at the window's start.
func (d *Detector) Detect(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	var ports []string
	for p := range services {
		ports = append(ports, fmt.Sprint(p))
	}
	slices.Sort(ports)
	filter := "answer = false and direction = internal and service.port in (" + strings.Join(ports, ", ") + ")"
	q := detect.BaselineQuery(duckdb.AggregateQuery{
		By:    []string{"src.ip", "dst.ip", "service.port", "action", "src.role", "src.kind", "src.workload", "dst.role", "dst.kind", "dst.workload"},
		Limit: 2_000_000,
	}, w)
	rows, err := detect.Query(ctx, src, name, filter, q)
	if err != nil {
		return nil, err
	}
	movers := map[string]*mover{}
	for _, r := range rows {
		svc, ok := services[uint16(detect.Num(r, "service.port"))]
		if !ok {
			continue
		}
		s := detect.Str(r, "src.ip")
		k := s + "|" + svc.name
		m := movers[k]
		if m == nil {
			m = &mover{src: s, role: detect.Str(r, "src.role"), kind: detect.Str(r, "src.kind"), workload: detect.Str(r, "src.workload"),
				service: svc.name, peers: map[string]*peer{}}
			movers[k] = m
		}
		p := m.peers[detect.Str(r, "dst.ip")]
		if p == nil {
			p = &peer{ip: detect.Str(r, "dst.ip"), role: detect.Str(r, "dst.role"), kind: detect.Str(r, "dst.kind"), workload: detect.Str(r, "dst.workload"),
				ports: map[uint16]bool{}}
			m.peers[p.ip] = p
		}
		if detect.Prev(r, "records") > 0 {
			p.before = true
		}
		if detect.Now(r, "records") > 0 {
			p.now = true
			p.flows += detect.Now(r, "flows")
			p.bytes += detect.Now(r, "bytes") + detect.Now(r, "bytes_rev")
			p.ports[uint16(detect.Num(r, "service.port"))] = true
			if detect.Str(r, "action") == "deny" {
				p.denied += max(detect.Now(r, "flows"), 1)
			}
		}
	}
	keys := make([]string, 0, len(movers))
	for k := range movers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []detect.Finding
	for _, k := range keys {
		f, ok := d.judge(movers[k])
		if !ok {
			continue
		}
		if f.FirstSeen, f.LastSeen, err = detect.Seen(ctx, src, name, w, f.Evidence.Filter); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func isUser(role, kind string) bool {
	switch strings.ToLower(role) {
	case "user", "desktop", "workstation", "laptop", "vdi":
		return true
	}
	k := strings.ToLower(kind)
	return strings.Contains(k, "workstation") || strings.Contains(k, "desktop") || strings.Contains(k, "laptop")
}

// weight is what a new destination counts for.
func (m *mover) weight(p *peer) (float64, string) {
	srcUser := isUser(m.role, m.kind)
	switch {
	case srcUser && isUser(p.role, p.kind):
		return 2, "workstation to workstation"
	case m.service == "SMB" && (p.role == "dc" || p.role == "file"):
		return 0.25, "SMB to a domain controller or file server"
	case srcUser:
		return 1.5, "user endpoint to server"
	}
	return 1, ""
}

func (d *Detector) judge(m *mover) (detect.Finding, bool) {
	var weight float64
	var fresh, known []string
	var flows, bytes, denied uint64
	newSet := map[string]bool{}
	kinds := map[string]int{}
	portSet := map[uint16]bool{}
	var workloads []string
	for _, p := range m.peers {
		if !p.now {
			continue
		}
		if p.before {
			known = append(known, p.ip)
			continue
		}
		wt, why := m.weight(p)
		weight += wt
		if why != "" {
			kinds[why]++
		}
		fresh = append(fresh, p.ip)
		newSet[p.ip] = true
		flows += p.flows
		bytes += p.bytes
		denied += p.denied
		for port := range p.ports {
			portSet[port] = true
		}
		if p.workload != "" {
			workloads = append(workloads, p.workload)
		}
	}
	if len(fresh) < d.cfg.MinNew || weight < d.cfg.MinWeight {
		return detect.Finding{}, false
	}
	slices.Sort(workloads)
	dsts := detect.SortedIPs(newSet)
	who := m.src
	if m.workload != "" {
		who = m.workload + " (" + m.src + ")"
	}
	var sc detect.Scorer
	sc.Add(45, fmt.Sprintf("%s to %d internal destinations not reached over it in the baseline", m.service, len(fresh)))
	sc.Add(min(25, int(20*math.Log10(weight/d.cfg.MinWeight+1))), fmt.Sprintf("%.1f weighted new destinations (threshold %.0f)", weight, d.cfg.MinWeight))
	for _, why := range detect.SortedKeys(kinds) {
		switch why {
		case "workstation to workstation":
			sc.Add(15, fmt.Sprintf("%s: %d", why, kinds[why]))
		case "user endpoint to server":
			sc.Add(10, fmt.Sprintf("%s: %d", why, kinds[why]))
		}
	}
	if m.service == "RDP" || m.service == "WinRM" {
		sc.Add(5, m.service+" gives interactive control")
	}
	if denied > 0 {
		sc.Add(5, fmt.Sprintf("%d connections denied: probing", denied))
	}
	filter := fmt.Sprintf("src.ip = %s and dst.ip in (%s) and service.port in (%s) and answer = false",
		detect.Quote(m.src), detect.QuoteAll(dsts), detect.PortList(detect.SortedKeys(portSet)))
	srcWorkloads := []string{}
	if m.workload != "" {
		srcWorkloads = append(srcWorkloads, m.workload)
	}
	return detect.Finding{
		Key:        detect.KeyOf(name, m.src, m.service),
		Title:      fmt.Sprintf("Lateral movement over %s from %s to %d new hosts", m.service, who, len(fresh)),
		Tactics:    []string{"TA0008"},
		Techniques: []string{techniqueOf(m.service)},
		Score:      sc.Score(),
		Severity:   detect.SeverityOf(sc.Score()),
		Entities:   detect.Entities{Sources: []string{m.src}, Destinations: dsts, Workloads: append(srcWorkloads, workloads...)},
		Evidence: detect.Evidence{Flows: flows, Bytes: bytes, Ports: detect.SortedKeys(portSet), Filter: filter, Score: sc.Reasons(),
			Details: map[string]any{"new_destinations": len(fresh), "known_destinations": len(known),
				"weighted": math.Round(weight*10) / 10, "denied": denied}},
		Summary: fmt.Sprintf("%s reached %d internal hosts over %s that it had not reached over %s in the baseline (%d connections, %d denied).",
			who, len(fresh), m.service, m.service, flows, denied),
	}, true
}

func techniqueOf(service string) string {
	for _, s := range services {
		if s.name == service {
			return s.technique
		}
	}
	return "T1021"
}
