package quarantine

import "github.com/prometheus/client_golang/prometheus"

// Metrics of the workflow, on the default registry that `weir serve` exposes
// on /metrics: an operator alerts on failed quarantines, leaks and enforcers
// that keep failing.
var (
	transitions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "weir", Subsystem: "quarantine", Name: "transitions_total",
		Help: "Quarantines entering a state (requested, quarantined, failed, leaking, released ...).",
	}, []string{"state"})
	enforcerErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "weir", Subsystem: "quarantine", Name: "enforcer_errors_total",
		Help: "Failed applies and releases, by enforcer and operation (a wait for an agent is no error).",
	}, []string{"enforcer", "op"})
)

func init() { prometheus.MustRegister(transitions, enforcerErrors) }
