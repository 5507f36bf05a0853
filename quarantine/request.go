package quarantine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Request records a request to quarantine r.Workload, for Run to apply. It is
// idempotent: while the workload has an active quarantine, that one is returned
// (created is false) and nothing changes. Errors: ErrUnknownWorkload,
// ErrInvalid (no actor, a bad allow entry, an expiry in the past), ErrReleasing
// (the workload's last quarantine is still being released).
func (m *Manager) Request(ctx context.Context, r Request) (q Quarantine, created bool, err error) {
	if r.Actor == "" {
		return q, false, fmt.Errorf("%w: want an actor", ErrInvalid)
	}
	if _, ok := m.deps.Workloads(r.Workload); !ok {
		return q, false, fmt.Errorf("%w %q", ErrUnknownWorkload, r.Workload)
	}
	allow, err := m.checkAllow(r.Workload, r.Allow)
	if err != nil {
		return q, false, err
	}
	now := m.now()
	if !r.Expires.IsZero() && !r.Expires.After(now) {
		return q, false, fmt.Errorf("%w: expiry %s is not in the future", ErrInvalid, r.Expires.Format(time.RFC3339))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	current, err := m.List(ctx, Filter{Workload: r.Workload, States: []string{Requested, InProgress, Quarantined, Leaking, Releasing}})
	if err != nil {
		return q, false, err
	}
	for _, c := range current {
		if c.State == Releasing {
			return c, false, fmt.Errorf("%w: %s of %s; request again once it is released", ErrReleasing, c.ID, c.Workload)
		}
		return c, false, nil
	}
	q = Quarantine{ID: newID(), Workload: r.Workload, State: Requested, Reason: r.Reason, Allow: allow,
		Expires: dbTime(r.Expires), CreatedBy: r.Actor, CreatedAt: now, UpdatedAt: now, NextAttempt: now}
	if err := m.insert(ctx, &q); err != nil {
		return q, false, err
	}
	transitions.WithLabelValues(Requested).Inc()
	detail := fmt.Sprintf("quarantine %s: %s", q.Workload, q.Reason)
	if len(allow) > 0 {
		detail += "; allow " + strings.Join(allow, ", ")
	}
	if !q.Expires.IsZero() {
		detail += "; expires " + q.Expires.Format(time.RFC3339)
	}
	if err := m.deps.Audit(ctx, r.Actor, "quarantine.request", q.ID, detail); err != nil {
		return q, true, fmt.Errorf("audit quarantine %s: %w", q.ID, err)
	}
	m.poke()
	return q, true, nil
}

// checkAllow validates an allow list: addresses, CIDRs or known workloads other
// than the one quarantined. It returns the list cleaned (trimmed, deduplicated).
func (m *Manager) checkAllow(workload string, allow []string) ([]string, error) {
	out := make([]string, 0, len(allow))
	for _, a := range allow {
		a = strings.TrimSpace(a)
		if a == "" || slices.Contains(out, a) {
			continue
		}
		if _, ok := parseNet(a); !ok {
			if a == workload {
				return nil, fmt.Errorf("%w: allow list names the quarantined workload %q", ErrInvalid, a)
			}
			if _, ok := m.deps.Workloads(a); !ok {
				return nil, fmt.Errorf("%w: allow entry %q is not an address, CIDR or known workload", ErrInvalid, a)
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// Release asks for quarantine id to be lifted, for Run to release. A quarantine
// never handed to an enforcer is released at once. Errors: ErrNotFound,
// ErrNotQuarantined (it is already released or being released).
func (m *Manager) Release(ctx context.Context, id, actor, reason string) (Quarantine, error) {
	if actor == "" {
		return Quarantine{}, fmt.Errorf("%w: want an actor", ErrInvalid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	q, err := m.Get(ctx, id)
	if err != nil {
		return q, err
	}
	if q.State == Released || q.State == Releasing {
		return q, fmt.Errorf("%w: %s of %s is %s", ErrNotQuarantined, q.ID, q.Workload, q.State)
	}
	from := q.State
	q.ReleasedBy, q.ReleaseReason = actor, reason
	if err := m.transition(ctx, &q, from, m.releaseState(q), actor, "quarantine.release", reason); err != nil {
		return q, err
	}
	m.poke()
	return q, nil
}

// releaseState is where a release goes: straight to released when no enforcer
// ever touched the workload.
func (m *Manager) releaseState(q Quarantine) string {
	if q.State == Requested || q.State == Failed && q.Enforcer == "" {
		return Released
	}
	return Releasing
}

// transition moves q from state from to state to, persists it and audits it.
// The caller holds m.mu.
func (m *Manager) transition(ctx context.Context, q *Quarantine, from, to, actor, action, detail string) error {
	now := m.now()
	q.State, q.UpdatedAt = to, now
	switch {
	case from == to: // a retry or a resume: the caller set what changes
	case to == Releasing:
		q.Attempts, q.NextAttempt, q.Error = 0, now, ""
	case to == Released:
		q.ReleasedAt, q.NextAttempt = now, time.Time{}
	case to == Quarantined && from == Leaking: // it holds again; it was quarantined all along
		q.HoldsSince = now
	case to == Quarantined:
		q.QuarantinedAt, q.NextAttempt, q.Error = now, time.Time{}, ""
	case to == Failed:
		q.NextAttempt = time.Time{}
	}
	ok, err := m.swap(ctx, q, from)
	if err != nil {
		return err
	}
	if !ok {
		cur, err := m.Get(ctx, q.ID)
		if err != nil {
			return err
		}
		*q = cur
		return fmt.Errorf("quarantine %s changed to %s meanwhile: %w", q.ID, cur.State, errRaced)
	}
	if from != to {
		transitions.WithLabelValues(to).Inc()
	}
	if detail == "" {
		detail = from + " → " + to
	} else {
		detail = from + " → " + to + ": " + detail
	}
	if err := m.deps.Audit(ctx, actor, action, q.ID, q.Workload+" "+detail); err != nil {
		return fmt.Errorf("audit quarantine %s: %w", q.ID, err)
	}
	m.logger.Info("quarantine transition", "id", q.ID, "workload", q.Workload, "from", from, "to", to, "actor", actor)
	return nil
}

// poke wakes Run.
func (m *Manager) poke() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}
