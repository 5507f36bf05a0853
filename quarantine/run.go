package quarantine

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// SystemActor is the actor of transitions weir makes itself (apply, retry,
// expiry, verification).
const SystemActor = "weir"

// errRaced says a transition lost to another (a release while applying): the
// next Step acts on the state that won.
var errRaced = errors.New("raced")

// Run drives quarantines until ctx ends: first it resumes what a previous run
// left in_progress or releasing, then it steps whenever a request or release
// wakes it and every Interval. It returns ctx's error.
func (m *Manager) Run(ctx context.Context) error {
	if err := m.resume(ctx); err != nil {
		m.logger.Error("resume quarantines", "error", err)
	}
	t := time.NewTicker(m.cfg.Interval)
	defer t.Stop()
	for {
		if err := m.Step(ctx); err != nil && ctx.Err() == nil {
			m.logger.Error("quarantine step", "error", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		case <-m.wake:
		}
	}
}

// resume audits that this run takes over what was under way, and makes it due
// now: what a stopped server was doing, it does again (enforcers are idempotent).
func (m *Manager) resume(ctx context.Context) error {
	qs, err := m.List(ctx, Filter{States: []string{InProgress, Releasing}})
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, q := range qs {
		from := q.State
		q.NextAttempt = m.now()
		if err := m.transition(ctx, &q, from, from, SystemActor, "quarantine.resume", "resumed after restart"); err != nil {
			return err
		}
	}
	return nil
}

// Step does one round of the work due now: it expires, applies and releases.
// Run calls it; tests call it directly with an injected clock. An error of one
// quarantine does not stop the others; the first is returned.
func (m *Manager) Step(ctx context.Context) error {
	m.stepMu.Lock()
	defer m.stepMu.Unlock()
	qs, err := m.List(ctx, Filter{States: []string{Requested, InProgress, Quarantined, Leaking, Releasing}})
	if err != nil {
		return err
	}
	var first error
	note := func(err error) {
		if err != nil && !errors.Is(err, errRaced) && first == nil {
			first = err
		}
	}
	now := m.now()
	for i := len(qs) - 1; i >= 0; i-- { // oldest first
		q := qs[i]
		if q.State != Releasing && !q.Expires.IsZero() && !q.Expires.After(now) {
			note(m.expire(ctx, &q))
		}
		if !q.NextAttempt.IsZero() && q.NextAttempt.After(now) {
			continue
		}
		switch q.State {
		case Requested, InProgress:
			note(m.apply(ctx, q))
		case Releasing:
			note(m.release(ctx, q))
		}
	}
	return first
}

func (m *Manager) expire(ctx context.Context, q *Quarantine) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	from := q.State
	q.ReleasedBy, q.ReleaseReason = SystemActor, "expired"
	return m.transition(ctx, q, from, m.releaseState(*q), SystemActor, "quarantine.expire",
		"expired at "+q.Expires.Format(time.RFC3339))
}

// apply hands q to its enforcer once, and records what came of it.
func (m *Manager) apply(ctx context.Context, q Quarantine) error {
	if q.State == Requested {
		m.mu.Lock()
		err := m.transition(ctx, &q, Requested, InProgress, SystemActor, "quarantine.start", "")
		m.mu.Unlock()
		if err != nil {
			return err
		}
	}
	w, ok := m.deps.Workloads(q.Workload)
	if !ok {
		return m.fail(ctx, q, fmt.Errorf("%w %q: it left the inventory", ErrUnknownWorkload, q.Workload))
	}
	e, err := m.enforcerFor(w)
	if err != nil {
		return m.fail(ctx, q, err)
	}
	if q.Enforcer != e.Name() {
		// Recorded before the call: a release that comes while it runs must
		// know whom to ask to undo it.
		q.Enforcer = e.Name()
		m.mu.Lock()
		ok, err := m.swap(ctx, &q, InProgress)
		m.mu.Unlock()
		if err != nil {
			return err
		}
		if !ok {
			return errRaced
		}
	}
	allow, err := m.Allowed(q)
	if err != nil {
		return m.fail(ctx, q, err)
	}
	err = e.Apply(ctx, Target{Quarantine: q, Workload: w, Allow: allow})
	m.mu.Lock()
	defer m.mu.Unlock()
	if err == nil {
		return m.transition(ctx, &q, InProgress, Quarantined, SystemActor, "quarantine.apply", "applied by "+e.Name())
	}
	if errors.Is(err, ErrPending) {
		return m.pending(ctx, &q, InProgress, err)
	}
	q.Attempts++
	q.Error = fmt.Sprintf("apply by %s: %v", e.Name(), err)
	enforcerErrors.WithLabelValues(e.Name(), "apply").Inc()
	if errors.Is(err, ErrPermanent) || q.Attempts >= m.cfg.MaxAttempts {
		return m.transition(ctx, &q, InProgress, Failed, SystemActor, "quarantine.fail",
			fmt.Sprintf("after %d attempts: %s", q.Attempts, q.Error))
	}
	q.NextAttempt = m.now().Add(m.cfg.backoff(q.Attempts))
	return m.transition(ctx, &q, InProgress, InProgress, SystemActor, "quarantine.retry",
		fmt.Sprintf("attempt %d failed, next at %s: %s", q.Attempts, q.NextAttempt.Format(time.RFC3339), q.Error))
}

// fail ends q in failed for a reason no retry fixes.
func (m *Manager) fail(ctx context.Context, q Quarantine, cause error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	q.Error = cause.Error()
	return m.transition(ctx, &q, InProgress, Failed, SystemActor, "quarantine.fail", q.Error)
}

// release asks the enforcer that applied q to lift it. A release is retried
// with backoff without end: giving up would leave the workload cut off with
// nothing left to retry; the error and each attempt are in the record.
func (m *Manager) release(ctx context.Context, q Quarantine) error {
	done := func(detail string) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.transition(ctx, &q, Releasing, Released, SystemActor, "quarantine.released", detail)
	}
	if q.Enforcer == "" {
		return done("nothing was applied")
	}
	e, err := m.enforcerNamed(q.Enforcer)
	if err == nil {
		w, ok := m.deps.Workloads(q.Workload)
		if !ok {
			// The enforcer still gets the name: it may hold state under it.
			w = Workload{Name: q.Workload}
		}
		var allow []netip.Prefix
		if allow, err = m.Allowed(q); err == nil {
			err = e.Release(ctx, Target{Quarantine: q, Workload: w, Allow: allow})
		}
		if err == nil {
			return done("released by " + e.Name())
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if errors.Is(err, ErrPending) {
		return m.pending(ctx, &q, Releasing, err)
	}
	q.Attempts++
	q.Error = fmt.Sprintf("release by %s: %v", q.Enforcer, err)
	enforcerErrors.WithLabelValues(q.Enforcer, "release").Inc()
	q.NextAttempt = m.now().Add(m.cfg.backoff(q.Attempts))
	return m.transition(ctx, &q, Releasing, Releasing, SystemActor, "quarantine.retry",
		fmt.Sprintf("release attempt %d failed, next at %s: %s", q.Attempts, q.NextAttempt.Format(time.RFC3339), q.Error))
}

// pending records that q's enforcer waits for a confirmation: the first time
// in the audit log, then only in the record when what it waits for changes.
// No attempt is counted and no backoff set: every round asks again, and a
// confirmation wakes the Manager at once (ReportAgent).
func (m *Manager) pending(ctx context.Context, q *Quarantine, state string, cause error) error {
	msg := cause.Error()
	if q.Error == msg {
		return nil
	}
	first := !strings.HasPrefix(q.Error, ErrPending.Error())
	q.Error = msg
	if first {
		return m.transition(ctx, q, state, state, SystemActor, "quarantine.pending", msg)
	}
	ok, err := m.swap(ctx, q, state)
	if err == nil && !ok {
		return errRaced
	}
	return err
}
