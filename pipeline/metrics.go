package pipeline

import "github.com/prometheus/client_golang/prometheus"

var (
	recordsRejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "weir", Subsystem: "ingest", Name: "records_rejected_total",
		Help: "Records rejected by a decoder, by format and reason.",
	}, []string{"format", "reason"})
)

func init() {
	prometheus.MustRegister(recordsRejected)
}
