package quarantine

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
)

// Enforcer isolates workloads in one place (a host's nftables, a cloud's
// network controls, a SOAR). The Manager calls Apply and Release from one
// goroutine at a time; both must be idempotent, because after a restart the
// Manager applies or releases again what it may have done before. An error
// wrapping ErrPermanent fails the quarantine at once; any other is retried.
type Enforcer interface {
	Name() string
	// Reaches reports whether this enforcer can isolate w.
	Reaches(w Workload) bool
	Apply(ctx context.Context, t Target) error
	Release(ctx context.Context, t Target) error
}

// Target is what an enforcer isolates or frees: the quarantine, its workload,
// and the allow list resolved to networks (workloads to their addresses, plus
// the addresses every quarantine allows). DNS stays open too.
type Target struct {
	Quarantine Quarantine
	Workload   Workload
	Allow      []netip.Prefix
}

// enforcerFor is the first configured enforcer that reaches w.
func (m *Manager) enforcerFor(w Workload) (Enforcer, error) {
	names := make([]string, 0, len(m.deps.Enforcers))
	for _, e := range m.deps.Enforcers {
		if e.Reaches(w) {
			return e, nil
		}
		names = append(names, e.Name())
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w %s (cloud %q): no enforcer is configured", ErrNoEnforcer, w.Name, w.Cloud)
	}
	return nil, fmt.Errorf("%w %s (cloud %q): configured enforcers %s do not", ErrNoEnforcer, w.Name, w.Cloud,
		strings.Join(names, ", "))
}

// enforcerNamed is the enforcer that applied a quarantine, to release it.
func (m *Manager) enforcerNamed(name string) (Enforcer, error) {
	for _, e := range m.deps.Enforcers {
		if e.Name() == name {
			return e, nil
		}
	}
	return nil, fmt.Errorf("enforcer %q, which applied the quarantine, is no longer configured", name)
}
