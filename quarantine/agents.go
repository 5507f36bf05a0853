package quarantine

import (
	"context"
	"slices"
)

// Agents is the enforcer for hosts that run `weir agent`: the agent pulls the
// workload's desired state (DesiredState, which isolates from in_progress on)
// and applies it in nftables, so applying and releasing here only records the
// decision. It reaches the workloads of the clouds it lists (e.g. onprem) and
// the workloads it names.
type Agents struct {
	Clouds    []string `yaml:"clouds"`
	Workloads []string `yaml:"workloads"`
}

var _ Enforcer = (*Agents)(nil)

// Name is "agent".
func (a *Agents) Name() string { return "agent" }

// Reaches reports whether w runs an agent.
func (a *Agents) Reaches(w Workload) bool {
	return slices.Contains(a.Workloads, w.Name) || w.Cloud != "" && slices.Contains(a.Clouds, w.Cloud)
}

// Apply succeeds at once: the host's agent enforces what DesiredState says.
func (a *Agents) Apply(context.Context, Target) error { return nil }

// Release succeeds at once, as Apply.
func (a *Agents) Release(context.Context, Target) error { return nil }
