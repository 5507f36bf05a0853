package quarantine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Agents is the enforcer for hosts that run `weir agent`: the agent pulls the
// workload's desired state (DesiredState, which isolates from in_progress on),
// applies it in nftables and reports back. Apply and Release are done when the
// host's agent has reported doing them; until then they are pending. It reaches
// the workloads of the clouds it lists (e.g. onprem) and the workloads it names.
type Agents struct {
	Clouds    []string `yaml:"clouds"`
	Workloads []string `yaml:"workloads"`
	// ConfirmTimeout is how long a quarantine waits for its agent to report it
	// applied before it fails, and a release before it is taken as done (the
	// desired state already says free: an agent that comes back frees its host).
	ConfirmTimeout time.Duration `yaml:"confirm_timeout"`

	mu      sync.Mutex
	reports map[string]AgentReport // by workload
	asked   map[string]time.Time   // first Apply or Release of "apply:"/"release:" + quarantine id
	now     func() time.Time       // for tests
}

// AgentReport is what a host agent last said it enforces.
type AgentReport struct {
	Workload     string    `json:"workload"`
	Isolate      bool      `json:"isolate"`
	QuarantineID string    `json:"quarantine_id,omitempty"`
	Error        string    `json:"error,omitempty"` // the last apply's failure, if it failed
	Version      string    `json:"version,omitempty"`
	SeenAt       time.Time `json:"seen_at"`
}

var _ Enforcer = (*Agents)(nil)

// DefaultConfirmTimeout is ConfirmTimeout when the configuration leaves it out.
const DefaultConfirmTimeout = 2 * time.Minute

// Name is "agent".
func (a *Agents) Name() string { return "agent" }

// Reaches reports whether w runs an agent.
func (a *Agents) Reaches(w Workload) bool {
	return slices.Contains(a.Workloads, w.Name) || w.Cloud != "" && slices.Contains(a.Clouds, w.Cloud)
}

// Report records what an agent enforces.
func (a *Agents) Report(r AgentReport) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.reports == nil {
		a.reports = make(map[string]AgentReport)
	}
	r.SeenAt = a.clock()
	a.reports[r.Workload] = r
}

// Reports are the agents' last reports, by workload name.
func (a *Agents) Reports() []AgentReport {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]AgentReport, 0, len(a.reports))
	for _, r := range a.reports {
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y AgentReport) int { return cmp.Compare(x.Workload, y.Workload) })
	return out
}

// Apply is done when the workload's agent reports enforcing t's quarantine.
func (a *Agents) Apply(_ context.Context, t Target) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	r, seen := a.reports[t.Workload.Name]
	switch {
	case seen && r.Isolate && r.QuarantineID == t.Quarantine.ID:
		a.forget("apply:" + t.Quarantine.ID)
		return nil
	case seen && r.Error != "" && r.QuarantineID == t.Quarantine.ID:
		return fmt.Errorf("agent on %s could not apply: %s", t.Workload.Name, r.Error)
	}
	if waited := a.waited("apply:" + t.Quarantine.ID); waited > a.timeout() {
		a.forget("apply:" + t.Quarantine.ID)
		return fmt.Errorf("%w: the agent on %s did not confirm within %v (%s)", ErrPermanent, t.Workload.Name,
			a.timeout(), lastSeen(r, seen))
	}
	return fmt.Errorf("%w: the agent on %s has not applied it yet (%s)", ErrPending, t.Workload.Name, lastSeen(r, seen))
}

// Release is done when the workload's agent reports no longer isolating, or
// when it has not said so within ConfirmTimeout (it frees the host when it
// next asks).
func (a *Agents) Release(_ context.Context, t Target) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.forget("apply:" + t.Quarantine.ID) // a release before the agent confirmed ends that wait
	r, seen := a.reports[t.Workload.Name]
	if seen && !r.Isolate || a.waited("release:"+t.Quarantine.ID) > a.timeout() {
		a.forget("release:" + t.Quarantine.ID)
		return nil
	}
	return fmt.Errorf("%w: the agent on %s still isolates it (%s)", ErrPending, t.Workload.Name, lastSeen(r, seen))
}

func lastSeen(r AgentReport, seen bool) string {
	if !seen {
		return "never seen since the server started"
	}
	return "last seen " + r.SeenAt.UTC().Format(time.RFC3339)
}

// waited is how long ago key was first asked for; the first call starts it.
func (a *Agents) waited(key string) time.Duration {
	if a.asked == nil {
		a.asked = make(map[string]time.Time)
	}
	first, ok := a.asked[key]
	if !ok {
		first = a.clock()
		a.asked[key] = first
	}
	return a.clock().Sub(first)
}

func (a *Agents) forget(key string) { delete(a.asked, key) }

func (a *Agents) timeout() time.Duration {
	if a.ConfirmTimeout > 0 {
		return a.ConfirmTimeout
	}
	return DefaultConfirmTimeout
}

func (a *Agents) clock() time.Time {
	if a.now != nil {
		return a.now()
	}
	return time.Now()
}

// ReportAgent records what a host agent enforces and, as that may confirm an
// apply or a release, wakes the workflow. It is ErrNoEnforcer when no agents
// are configured.
func (m *Manager) ReportAgent(r AgentReport) error {
	a := m.agents()
	if a == nil {
		return fmt.Errorf("%w %s: this server has no agents enforcer configured", ErrNoEnforcer, r.Workload)
	}
	a.Report(r)
	m.poke()
	return nil
}

// AgentReports are the host agents' last reports (none without an agents enforcer).
func (m *Manager) AgentReports() []AgentReport {
	if a := m.agents(); a != nil {
		return a.Reports()
	}
	return []AgentReport{}
}

func (m *Manager) agents() *Agents {
	for _, e := range m.deps.Enforcers {
		if a, ok := e.(*Agents); ok {
			return a
		}
	}
	return nil
}
