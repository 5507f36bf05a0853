package insight

import (
	"context"
	"testing"
	"time"
)

// BenchmarkHub computes every insight, Now against Prev over the estate's last
// day, as the Hub does, and reports milliseconds per insight and for the Hub.
func BenchmarkHub(b *testing.B) {
	ctx := context.Background()
	p := Params{Window: "12h", Until: est.Truth.End.Format(time.RFC3339), Now: est.Truth.End}
	per := map[string]time.Duration{}
	var n int
	for b.Loop() {
		for _, id := range IDs() {
			t0 := time.Now()
			if _, err := Run(ctx, est.Store, id, p); err != nil {
				b.Fatal(err)
			}
			per[id] += time.Since(t0)
		}
		n++
	}
	var total time.Duration
	for id, d := range per {
		total += d
		b.ReportMetric(float64(d.Microseconds())/1000/float64(n), id+"-ms")
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(n), "hub-ms")
}
