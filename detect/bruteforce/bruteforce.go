// Package bruteforce is the brute-force detector (DESIGN §7, ATT&CK TA0006
// Credential Access, T1110 Brute Force with .001 Password Guessing and .003
// Password Spraying): one source opening many short connections to an
// authentication service (SSH, RDP, WinRM, FTP, Telnet; SMB, NetBIOS and LDAP from
// the internet), each one a login attempt that carried a handshake and a
// credential and little else, or was denied. A long session from the same source
// after the failures is a guess that worked and raises the score. Flows cannot see
// accounts, so spraying is told from guessing by the number of targets. It owns
// no storage and no alerting.
package bruteforce

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/store/duckdb"
)

const name = "brute-force"

// Configuration holds the thresholds; zero fields take the defaults.
type Configuration struct {
	// MinAttempts is how many attempts one source must make on one service in the
	// window (default 30).
	MinAttempts uint64
	// MaxAttemptBytes is the most a client sends per connection, on average over
	// its connections to one server, for them to be attempts rather than sessions
	// (default 10 KB: an SSH key exchange and password is 2–3 KB, a failed RDP
	// logon with NLA 3–6 KB).
	MaxAttemptBytes uint64
	// SessionBytes is what one connection must carry from the client to be a
	// session, a guess that worked (default 40 KB).
	SessionBytes uint64
	// Ports are the authentication services watched from any source (default SSH
	// 22, RDP 3389, WinRM 5985 and 5986, FTP 21, Telnet 23).
	Ports []uint16
	// InboundPorts are watched only from the internet: inside an estate, Windows
	// clients log on over SMB and LDAP all day in short connections that flows
	// cannot tell from guesses; from the internet nobody should (default SMB 445,
	// NetBIOS 139, LDAP 389).
	InboundPorts []uint16
}

func (c Configuration) withDefaults() Configuration {
	if c.MinAttempts == 0 {
		c.MinAttempts = 30
	}
	if c.MaxAttemptBytes == 0 {
		c.MaxAttemptBytes = 10_000
	}
	if c.SessionBytes == 0 {
		c.SessionBytes = 40_000
	}
	if c.Ports == nil {
		c.Ports = []uint16{22, 3389, 5985, 5986, 21, 23}
	}
	if c.InboundPorts == nil {
		c.InboundPorts = []uint16{445, 139, 389}
	}
	return c
}

// Detector finds brute force.
type Detector struct{ cfg Configuration }

// New returns a brute-force detector with cfg's thresholds.
func New(cfg Configuration) *Detector { return &Detector{cfg: cfg.withDefaults()} }

// Name is "brute-force".
func (d *Detector) Name() string { return name }

// target is what one source did to one server's service.
type target struct {
	dst                    string
	allowed, denied        uint64 // connections
	allowedBytes, allBytes uint64
	records                uint64
}

// attempts are the target's connections that look like logon attempts: the
// denied ones, and the allowed ones when they were short on average.
func (t *target) attempts(maxBytes uint64) uint64 {
	n := t.denied
	if t.allowed > 0 && t.allowedBytes/t.allowed <= maxBytes {
		n += t.allowed
	}
	return n
}

type attacker struct {
	src, service, direction string
	port                    uint16
	targets                 map[string]*target
	countries               map[string]bool
}

// Detect reads the window's requests to the watched ports in one aggregate, then
// looks for a session after the failures in a bounded sample of each attacker's flows.
func (d *Detector) Detect(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	ports := append(slices.Clone(d.cfg.Ports), d.cfg.InboundPorts...)
	filter := fmt.Sprintf("answer = false and service.port in (%s)", detect.PortList(ports))
	rows, err := detect.Query(ctx, src, name, filter, duckdb.AggregateQuery{From: w.From, Until: w.Until,
		By: []string{"src.ip", "dst.ip", "service.port", "service", "action", "direction", "src.country"}, Limit: 1_000_000})
	if err != nil {
		return nil, err
	}
	by := map[string]*attacker{}
	var order []string
	for _, r := range rows {
		port := uint16(detect.Num(r, "service.port"))
		dir := detect.Str(r, "direction")
		if slices.Contains(d.cfg.InboundPorts, port) && !slices.Contains(d.cfg.Ports, port) && dir != "inbound" && dir != "external" {
			continue
		}
		k := detect.Str(r, "src.ip") + "|" + fmt.Sprint(port)
		a := by[k]
		if a == nil {
			a = &attacker{src: detect.Str(r, "src.ip"), port: port, service: detect.Str(r, "service"), direction: dir,
				targets: map[string]*target{}, countries: map[string]bool{}}
			by[k] = a
			order = append(order, k)
		}
		t := a.targets[detect.Str(r, "dst.ip")]
		if t == nil {
			t = &target{dst: detect.Str(r, "dst.ip")}
			a.targets[t.dst] = t
		}
		conns := detect.Num(r, "flows")
		if conns == 0 {
			continue // continuation tuples of long connections: sessions, not attempts
		}
		if detect.Str(r, "action") == "deny" {
			t.denied += conns
		} else {
			t.allowed += conns
			t.allowedBytes += detect.Num(r, "bytes")
		}
		t.allBytes += detect.Num(r, "bytes")
		t.records += detect.Num(r, "records")
		if c := detect.Str(r, "src.country"); c != "" {
			a.countries[c] = true
		}
	}
	slices.Sort(order)
	var out []detect.Finding
	for _, k := range order {
		f, ok, err := d.judge(ctx, src, w, by[k])
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, f)
		}
	}
	return out, nil
}

func (d *Detector) judge(ctx context.Context, src detect.Source, w detect.Window, a *attacker) (detect.Finding, bool, error) {
	var attempts, denied, flows, bytes, top uint64
	topDst := ""
	hit := map[string]bool{}
	for _, t := range a.targets {
		n := t.attempts(d.cfg.MaxAttemptBytes)
		flows += t.allowed + t.denied
		bytes += t.allBytes
		denied += t.denied
		if n == 0 {
			continue
		}
		attempts += n
		hit[t.dst] = true
		if n > top || n == top && t.dst < topDst {
			top, topDst = n, t.dst
		}
	}
	if attempts < d.cfg.MinAttempts {
		return detect.Finding{}, false, nil
	}
	dsts := detect.SortedIPs(hit)
	svc := a.service
	if svc == "" {
		svc = fmt.Sprintf("port %d", a.port)
	}
	filter := fmt.Sprintf("src.ip = %s and service.port = %d and answer = false", detect.Quote(a.src), a.port)
	// A session after the failures: a bounded sample of the attacker's flows
	// that carried more than a logon.
	c, err := detect.Compile(name, fmt.Sprintf("(%s) and action = allow and bytes >= %d", filter, d.cfg.SessionBytes))
	if err != nil {
		return detect.Finding{}, false, err
	}
	sessions, err := src.Flows(ctx, duckdb.FlowQuery{From: w.From, Until: w.Until, Where: c.Where, Args: c.Args, Limit: 5})
	if err != nil {
		return detect.Finding{}, false, fmt.Errorf("%s: sessions of %s: %w", name, a.src, err)
	}
	var sc detect.Scorer
	sc.Add(45, fmt.Sprintf("%d short or denied connections to %s from one source (threshold %d)", attempts, svc, d.cfg.MinAttempts))
	if ratio := float64(attempts) / float64(d.cfg.MinAttempts); ratio > 1 {
		sc.Add(min(20, int(10*math.Log10(ratio)*2)), fmt.Sprintf("%.0f× the threshold", ratio))
	}
	techniques := []string{"T1110"}
	if top*5 >= attempts*4 {
		techniques = append(techniques, "T1110.001")
	}
	if len(dsts) >= 3 {
		techniques = append(techniques, "T1110.003")
		sc.Add(5, fmt.Sprintf("spread over %d servers", len(dsts)))
	}
	var winners []string
	for _, r := range sessions {
		if ip := detect.Str(r, "dst.ip"); !slices.Contains(winners, ip) {
			winners = append(winners, ip)
		}
	}
	if len(winners) > 0 {
		sc.Add(30, fmt.Sprintf("a session (≥ %d bytes from the client) followed: a guess may have worked on %v", d.cfg.SessionBytes, winners))
	}
	switch a.direction {
	case "internal":
		sc.Add(10, "the source is inside the estate")
	case "inbound":
		sc.Add(5, "from the internet")
	}
	title := fmt.Sprintf("%s brute force from %s against %s", svc, a.src, topDst)
	if len(dsts) > 1 {
		title = fmt.Sprintf("%s brute force from %s against %d servers", svc, a.src, len(dsts))
	}
	if len(winners) > 0 {
		title += ", then a session"
	}
	summary := fmt.Sprintf("%s made %d short or denied %s connections to %d server(s) in the window (%d denied).",
		a.src, attempts, svc, len(dsts), denied)
	if len(winners) > 0 {
		summary = fmt.Sprintf("%s made %d short or denied %s connections to %d server(s) and then held a session with %v.",
			a.src, attempts, svc, len(dsts), winners)
	}
	f := detect.Finding{
		Key:        detect.KeyOf(name, a.src, fmt.Sprint(a.port)),
		Title:      title,
		Tactics:    []string{"TA0006"},
		Techniques: techniques,
		Score:      sc.Score(),
		Severity:   detect.SeverityOf(sc.Score()),
		Entities:   detect.Entities{Sources: []string{a.src}, Destinations: dsts},
		Evidence: detect.Evidence{Flows: flows, Bytes: bytes, Ports: []uint16{a.port}, Countries: detect.SortedKeys(a.countries),
			Filter: filter, Score: sc.Reasons(),
			Details: map[string]any{"attempts": attempts, "denied": denied, "servers": len(dsts), "sessions_after": winners}},
		Summary: summary,
	}
	if f.FirstSeen, f.LastSeen, err = detect.Seen(ctx, src, name, w, filter); err != nil {
		return f, false, err
	}
	return f, true, nil
}
