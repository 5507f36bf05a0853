package duckdb

import (
	"context"
	"testing"
	"time"
)

func TestAggregatePicksTheRollupWhenItCan(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	w, err := s.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	recs := synthetic(10_000) // 100 s of flows from 2026-01-14T00:00Z, five services in turn
	for i := range recs {
		w.Append(&recs[i])
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Rollup(ctx); err != nil {
		t.Fatal(err)
	}
	day := recs[0].Start
	for _, tc := range []struct {
		name      string
		q         AggregateQuery
		wantTable string
	}{
		{"whole hours, rollup columns", AggregateQuery{From: day, Until: day.Add(24 * time.Hour), By: []string{"service", "dst.role"}}, "flows_1h"},
		{"a window off the hour", AggregateQuery{From: day.Add(-time.Minute), Until: day.Add(time.Hour), By: []string{"service", "dst.role"}}, "flows"},
		{"grouped by the source port", AggregateQuery{From: day, Until: day.Add(time.Hour), By: []string{"service", "src.port"}}, "flows"},
		{"filtered on the exporter", AggregateQuery{From: day, Until: day.Add(time.Hour), By: []string{"service", "dst.role"},
			Where: "exporter <> 0", Columns: []string{"exporter"}}, "flows"},
	} {
		rows, table, err := s.Aggregate(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if table != tc.wantTable {
			t.Errorf("%s: answered from %s, want %s", tc.name, table, tc.wantTable)
		}
		var flows uint64
		for _, r := range rows {
			flows += r["flows"].(uint64)
		}
		if tc.q.By[1] == "dst.role" && (len(rows) != 5 || flows != 10_000) {
			t.Errorf("%s: %d groups, %d flows; want 5 (service, role) pairs and every flow: %v", tc.name, len(rows), flows, rows)
		}
		if tc.q.By[1] == "dst.role" && rows[0]["service"] == "" {
			t.Errorf("%s: service not named: %v", tc.name, rows[0])
		}
	}
}
