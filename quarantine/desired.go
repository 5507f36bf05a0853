package quarantine

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
)

// Desired is what an agent on a workload's host should enforce.
type Desired struct {
	Workload     string `json:"workload"`
	Isolate      bool   `json:"isolate"`
	QuarantineID string `json:"quarantine_id,omitempty"`
	// Allow are the networks the host may still exchange traffic with (the allow
	// list resolved, and the server's addresses); DNS says name resolution stays open.
	Allow []string `json:"allow"`
	DNS   bool     `json:"dns"`
}

// DesiredState is what the host of workload should enforce now: isolation while
// a quarantine is being applied or holds, nothing otherwise (a release is done
// when the agent stops isolating).
func (m *Manager) DesiredState(ctx context.Context, workload string) (Desired, error) {
	d := Desired{Workload: workload, Allow: []string{}}
	qs, err := m.List(ctx, Filter{Workload: workload, States: []string{InProgress, Quarantined, Leaking}})
	if err != nil {
		return d, err
	}
	if len(qs) == 0 {
		return d, nil
	}
	q := qs[0]
	allow, err := m.Allowed(q)
	if err != nil {
		return d, err
	}
	d.Isolate, d.QuarantineID, d.DNS = true, q.ID, true
	for _, p := range allow {
		d.Allow = append(d.Allow, p.String())
	}
	return d, nil
}

// Allowed resolves q's allow list, and the addresses every quarantine allows, to
// networks: workloads to their addresses. A workload that left the inventory
// allows nothing more.
func (m *Manager) Allowed(q Quarantine) ([]netip.Prefix, error) {
	var out []netip.Prefix
	add := func(p netip.Prefix) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, a := range append(slices.Clone(m.cfg.AlwaysAllow), q.Allow...) {
		if p, ok := parseNet(a); ok {
			add(p)
			continue
		}
		w, ok := m.deps.Workloads(a)
		if !ok {
			m.logger.Warn("allowed workload left the inventory", "quarantine", q.ID, "workload", a)
			continue
		}
		for _, ip := range w.IPs {
			if p, ok := parseNet(ip.String()); ok {
				add(p)
			} else {
				return nil, fmt.Errorf("quarantine %s: allowed workload %s has address %v", q.ID, a, ip)
			}
		}
	}
	return out, nil
}
