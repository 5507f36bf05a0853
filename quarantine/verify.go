package quarantine

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/query"
	"github.com/weirhq/weir/store/duckdb"
)

// LeakDetector names the findings Verify reports.
const LeakDetector = "quarantine-leak"

// Verify checks each quarantined workload against the flows since it was
// quarantined (after VerifyGrace), or since it last held again: allowed traffic
// that crosses it outside its allow list, and not DNS, marks the quarantine
// leaking and makes a finding. A leaking quarantine is checked again, so that
// its finding keeps up; once it has leaked for VerifyClean and then shown no
// leak for VerifyClean while flow logs kept arriving, it holds again. On the
// leak its enforcer applies it once more (reapply). Denied flows are the
// quarantine working and do not count.
func (m *Manager) Verify(ctx context.Context, now time.Time) ([]detect.Finding, error) {
	if m.deps.Flows == nil {
		return nil, nil
	}
	qs, err := m.List(ctx, Filter{States: []string{Quarantined, Leaking}})
	if err != nil {
		return nil, err
	}
	var out []detect.Finding
	for _, q := range qs {
		from := q.QuarantinedAt.Add(m.cfg.VerifyGrace)
		if q.HoldsSince.After(from) {
			from = q.HoldsSince
		}
		if q.QuarantinedAt.IsZero() || !from.Before(now) {
			continue
		}
		if q.State == Leaking {
			holds, err := m.holdsAgain(ctx, q, now)
			if err != nil {
				return out, err
			}
			if holds {
				m.mu.Lock()
				err := m.transition(ctx, &q, Leaking, Quarantined, SystemActor, "quarantine.holds",
					fmt.Sprintf("no flow outside the allow list for %v while flow logs kept arriving", m.cfg.VerifyClean))
				m.mu.Unlock()
				if err != nil {
					return out, err
				}
				continue
			}
		}
		f, leaking, err := m.verifyOne(ctx, q, from, now)
		if err != nil {
			return out, err
		}
		if !leaking {
			continue
		}
		out = append(out, f)
		if q.State == Quarantined {
			m.mu.Lock()
			err := m.transition(ctx, &q, Quarantined, Leaking, SystemActor, "quarantine.leak",
				fmt.Sprintf("%d flows outside the allow list since %s", f.Evidence.Flows, from.Format(time.RFC3339)))
			m.mu.Unlock()
			if err != nil {
				return out, err
			}
			if err := m.reapply(ctx, q); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// reapply asks q's enforcer once more to apply it, when it has just been found
// leaking: isolation may have drifted (a pod recreated without its label, a
// security group swapped by hand), and applying is idempotent. What came of it
// goes to the audit log; the quarantine stays leaking until flows show it holds.
func (m *Manager) reapply(ctx context.Context, q Quarantine) error {
	e, err := m.enforcerNamed(q.Enforcer)
	if err != nil {
		return m.deps.Audit(ctx, SystemActor, "quarantine.reapply", q.ID, q.Workload+" not re-applied: "+err.Error())
	}
	w, ok := m.deps.Workloads(q.Workload)
	if !ok {
		return m.deps.Audit(ctx, SystemActor, "quarantine.reapply", q.ID, q.Workload+" not re-applied: it left the inventory")
	}
	allow, err := m.Allowed(q)
	if err == nil {
		err = e.Apply(ctx, Target{Quarantine: q, Workload: w, Allow: allow})
	}
	detail := q.Workload + " re-applied by " + e.Name()
	if err != nil {
		detail = q.Workload + " re-apply by " + e.Name() + " failed: " + err.Error()
	}
	return m.deps.Audit(ctx, SystemActor, "quarantine.reapply", q.ID, detail)
}

// holdsAgain reports whether leaking q has leaked for VerifyClean and then had
// no leaking flow in the last VerifyClean, while the store kept receiving flows
// (silence from a stalled collector proves nothing).
func (m *Manager) holdsAgain(ctx context.Context, q Quarantine, now time.Time) (bool, error) {
	since := now.Add(-m.cfg.VerifyClean)
	if q.UpdatedAt.After(since) {
		return false, nil
	}
	if _, leaking, err := m.verifyOne(ctx, q, since, now); err != nil || leaking {
		return false, err
	}
	rows, _, err := m.deps.Flows.Aggregate(ctx, duckdb.AggregateQuery{From: since, Until: now, Limit: 1})
	if err != nil {
		return false, fmt.Errorf("verify quarantine %s: flows since %s: %w", q.ID, since.Format(time.RFC3339), err)
	}
	return len(rows) > 0 && detect.Num(rows[0], "flows") > 0, nil
}

// leakFilter selects the allowed, non-DNS flows with q's workload at one end
// and a peer outside its allow list at the other.
func (m *Manager) leakFilter(q Quarantine) (string, error) {
	w, ok := m.deps.Workloads(q.Workload)
	mine := func(side string) string {
		c := side + ".workload = " + strconv.Quote(q.Workload)
		if ok && len(w.IPs) > 0 {
			c += " or " + side + ".ip in (" + quoteIPs(w.IPs) + ")"
		}
		return "(" + c + ")"
	}
	allowed, err := m.Allowed(q)
	if err != nil {
		return "", err
	}
	var nets, names []string
	for _, p := range allowed {
		nets = append(nets, strconv.Quote(p.String()))
	}
	for _, a := range q.Allow {
		if _, isNet := parseNet(a); !isNet {
			names = append(names, strconv.Quote(a))
		}
	}
	peer := func(side string) string {
		var c []string
		if len(nets) > 0 {
			c = append(c, side+".ip in ("+strings.Join(nets, ", ")+")")
		}
		if len(names) > 0 {
			c = append(c, side+".workload in ("+strings.Join(names, ", ")+")")
		}
		if len(c) == 0 {
			return ""
		}
		return " and not (" + strings.Join(c, " or ") + ")"
	}
	return "action = allow and service.port != 53 and ((" + mine("src") + peer("dst") + ") or (" +
		mine("dst") + peer("src") + "))", nil
}

func quoteIPs(ips []netip.Addr) string {
	q := make([]string, len(ips))
	for i, ip := range ips {
		q[i] = strconv.Quote(ip.Unmap().String())
	}
	return strings.Join(q, ", ")
}

// verifyOne looks for q's leaking flows in [from, now).
func (m *Manager) verifyOne(ctx context.Context, q Quarantine, from, now time.Time) (detect.Finding, bool, error) {
	var f detect.Finding
	filter, err := m.leakFilter(q)
	if err != nil {
		return f, false, err
	}
	c, err := query.Compile(filter, query.DuckDB)
	if err != nil {
		return f, false, fmt.Errorf("verify quarantine %s: compile %q: %w", q.ID, filter, err)
	}
	rows, _, err := m.deps.Flows.Aggregate(ctx, duckdb.AggregateQuery{From: from, Until: now, Where: c.Where,
		Args: c.Args, Columns: c.Columns, By: []string{"src.ip", "dst.ip", "service.port"}, Limit: 1000})
	if err != nil {
		return f, false, fmt.Errorf("verify quarantine %s: %w", q.ID, err)
	}
	if len(rows) == 0 {
		return f, false, nil
	}
	srcs, dsts := map[string]bool{}, map[string]bool{}
	var ports []uint16
	for _, r := range rows {
		f.Evidence.Flows += detect.Num(r, "flows")
		f.Evidence.Bytes += detect.Num(r, "bytes") + detect.Num(r, "bytes_rev")
		srcs[fmt.Sprint(r["src.ip"])], dsts[fmt.Sprint(r["dst.ip"])] = true, true
		if p := uint16(detect.Num(r, "service.port")); p != 0 && !slices.Contains(ports, p) {
			ports = append(ports, p)
		}
	}
	slices.Sort(ports)
	f.Key = detect.KeyOf(LeakDetector, q.ID)
	f.ID = detect.IDOf(f.Key)
	f.Detector = LeakDetector
	f.Title = "Quarantined workload " + q.Workload + " still has traffic outside its allow list"
	// Defense Evasion: traffic getting around containment is a control that does
	// not hold, whether by misconfiguration or by design (T1562.004: impair a
	// firewall; T1599: bridge a network boundary).
	f.Tactics, f.Techniques = []string{"TA0005"}, []string{"T1562.004", "T1599"}
	f.Score = 70
	f.Evidence.Score = []detect.ScoreReason{{Reason: "flows cross a quarantined workload outside its allow list", Points: 70}}
	if f.Evidence.Flows >= 10 {
		f.Score += 15
		f.Evidence.Score = append(f.Evidence.Score, detect.ScoreReason{Reason: "10 or more leaking flows", Points: 15})
	}
	f.Severity = detect.SeverityOf(f.Score)
	f.FirstSeen, f.LastSeen = from, now
	f.Entities = detect.Entities{Sources: keys(srcs), Destinations: keys(dsts), Workloads: []string{q.Workload}}
	f.Evidence.Ports = ports
	f.Evidence.Filter = filter + " and start >= " + from.UTC().Format(time.RFC3339)
	f.Evidence.Details = map[string]any{"quarantine": q.ID, "quarantined_at": q.QuarantinedAt, "allow": q.Allow,
		"peers": len(rows)}
	f.Summary = fmt.Sprintf("%d flows (%d bytes) crossed %s, quarantined since %s, outside its allow list and DNS.",
		f.Evidence.Flows, f.Evidence.Bytes, q.Workload, q.QuarantinedAt.Format(time.RFC3339))
	return f, true, nil
}

func keys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		if k != "" && k != "<nil>" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
