package state

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/store/duckdb"
)

// BenchmarkUpsert measures a scheduled hunt's write: 500 findings that are
// already open, updated with a later window.
func BenchmarkUpsert(b *testing.B) {
	ctx := context.Background()
	fs, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer fs.Close()
	st, err := Open(ctx, fs.DB())
	if err != nil {
		b.Fatal(err)
	}
	const n = 500
	batch := make([]detect.Finding, n)
	for i := range batch {
		batch[i] = finding("port-scan", fmt.Sprintf("10.0.%d.%d", i/256, i%256), i%100, t0, t0.Add(time.Hour), uint64(i))
	}
	if _, _, err := st.Upsert(ctx, batch, t0); err != nil {
		b.Fatal(err)
	}
	now := t0
	for b.Loop() {
		now = now.Add(time.Minute)
		for i := range batch {
			batch[i].LastSeen = now
		}
		if _, u, err := st.Upsert(ctx, batch, now); err != nil || u != n {
			b.Fatalf("Upsert: %d updated, %v", u, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "findings/s")
}

// BenchmarkList measures the analysts' queue: the first page of open, high
// findings among 2000.
func BenchmarkList(b *testing.B) {
	ctx := context.Background()
	fs, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer fs.Close()
	st, err := Open(ctx, fs.DB())
	if err != nil {
		b.Fatal(err)
	}
	batch := make([]detect.Finding, 2000)
	for i := range batch {
		batch[i] = finding("port-scan", fmt.Sprintf("10.0.%d.%d", i/256, i%256), i%100, t0, t0.Add(time.Hour), uint64(i))
	}
	if _, _, err := st.Upsert(ctx, batch, t0); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if fs, err := st.List(ctx, Filter{Status: []string{StatusOpen}, Severity: detect.High, Limit: 100}); err != nil || len(fs) != 100 {
			b.Fatalf("List: %d, %v", len(fs), err)
		}
	}
}
