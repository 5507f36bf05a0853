package pipeline

import "github.com/prometheus/client_golang/prometheus"

// Metrics of every stage, on the default registry that `weir serve` exposes on /metrics.
var (
	recordsRejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "weir", Subsystem: "ingest", Name: "records_rejected_total",
		Help: "Records rejected by a decoder, by format and reason.",
	}, []string{"format", "reason"})
	recordsDecoded = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "weir", Subsystem: "ingest", Name: "records_total",
		Help: "Records decoded, by format and outcome: accepted (stored), duplicate (a connection already counted at its other end).",
	}, []string{"format", "outcome"})
	filesRead = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "weir", Subsystem: "ingest", Name: "files_total",
		Help: "Inputs by format and status: ingested, resumed, already ingested, failed.",
	}, []string{"format", "status"})
	batchSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: "weir", Subsystem: "store", Name: "commit_seconds",
		Help:    "Time to commit one batch of flows.",
		Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
	})
	flowsStored = prometheus.NewCounter(prometheus.CounterOpts{
		Namespace: "weir", Subsystem: "store", Name: "flows_total",
		Help: "Flows committed to the store.",
	})
)

func init() {
	prometheus.MustRegister(recordsRejected, recordsDecoded, filesRead, batchSeconds, flowsStored)
}
