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
		{"whole hours, rollup columns", AggregateQuery{From: day, Until: day.Add(24 * time.Hour), By: []string{"service", "dst.role"}}, "flows_1h_ep"},
		{"whole hours, by address", AggregateQuery{From: day, Until: day.Add(24 * time.Hour), By: []string{"service", "dst.role", "src.ip"}}, "flows_1h"},
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
		if len(tc.q.By) == 2 && tc.q.By[1] == "dst.role" && (len(rows) != 5 || flows != 10_000) {
			t.Errorf("%s: %d groups, %d flows; want 5 (service, role) pairs and every flow: %v", tc.name, len(rows), flows, rows)
		}
		if tc.q.By[1] == "dst.role" && rows[0]["service"] == "" {
			t.Errorf("%s: service not named: %v", tc.name, rows[0])
		}
	}
}

func TestAggregateNowPrevAndTimeline(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	w, err := s.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	recs := synthetic(10)
	for i := range recs { // five in the first hour, five in the second
		recs[i].Start = recs[0].Start.Add(time.Duration(i/5)*time.Hour + time.Duration(i)*time.Minute)
		recs[i].End = recs[i].Start
		recs[i].Service = []string{"SMB", "RDP"}[i%2]
		w.Append(&recs[i])
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	h0 := recs[0].Start
	for _, rolled := range []bool{false, true} {
		if rolled {
			if _, err := s.Rollup(ctx); err != nil {
				t.Fatal(err)
			}
		}
		rows, table, err := s.Aggregate(ctx, AggregateQuery{From: h0, Until: h0.Add(2 * time.Hour), Split: h0.Add(time.Hour),
			By: []string{"service"}})
		if err != nil {
			t.Fatal(err)
		}
		// First hour: SMB, RDP, SMB, RDP, SMB; second: RDP, SMB, RDP, SMB, RDP.
		want := map[string][2]uint64{"SMB": {2, 3}, "RDP": {3, 2}}
		if len(rows) != 2 || rows[0]["service"] != "RDP" {
			t.Fatalf("%s: rows %v; want RDP (3 now) first", table, rows)
		}
		for _, r := range rows {
			np := want[r["service"].(string)]
			if r["flows_now"] != np[0] || r["flows_prev"] != np[1] {
				t.Errorf("%s: %v: now %v prev %v, want %v", table, r["service"], r["flows_now"], r["flows_prev"], np)
			}
		}
		if wantTable := map[bool]string{false: "flows", true: "flows_1h_ep"}[rolled]; table != wantTable {
			t.Errorf("answered from %s, want %s", table, wantTable)
		}
		tl, _, err := s.Aggregate(ctx, AggregateQuery{From: h0, Until: h0.Add(2 * time.Hour), By: []string{"time"}, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(tl) != 2 || tl[0]["flows"] != uint64(5) || !tl[0]["time"].(time.Time).Equal(h0) && !tl[1]["time"].(time.Time).Equal(h0) {
			t.Errorf("timeline: %v", tl)
		}
	}
}
