package notify

import "github.com/prometheus/client_golang/prometheus"

// notified counts notifications per channel by outcome: sent, retried, failed,
// dropped (queue full), duplicate.
var notified = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "weir_notify_total",
	Help: "Finding notifications per channel by outcome (sent, retried, failed, dropped, duplicate).",
}, []string{"channel", "outcome"})

func init() { prometheus.MustRegister(notified) }
