package api

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/store/duckdb"
)

func TestInsightAPI(t *testing.T) {
	ctx := context.Background()
	st, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, _ := st.NewWriter(ctx)
	base := time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)
	for i, svc := range []string{"SMB", "RDP", "SMB"} {
		r := flow.Record{Start: base.Add(time.Duration(i) * time.Minute), SrcIP: netip.MustParseAddr("10.0.0.1"),
			DstIP: netip.AddrFrom4([4]byte{10, 0, 1, byte(i)}), DstPort: 445, Proto: flow.ProtoTCP, Bytes: 100, Flows: 1,
			Service: svc, Action: flow.Allow}
		r.End = r.Start
		r.Dst.Role = "db"
		w.Append(&r)
	}
	w.Commit(ctx)
	w.Close()
	s := New(slog.New(slog.DiscardHandler), Configuration{Now: func() time.Time { return base.Add(time.Hour) }}, Dependencies{Flows: st})
	for _, tc := range []struct {
		id, query string
		code      int
		want      string
	}{
		{"workloads-by-role", "service=SMB&window=2h", 200, `"flows_now":2`},
		{"workloads-by-role", "service=SMB&format=csv", 200, "src.ip,src.workload,dst.role,flows_now"},
		{"nope", "", 404, `"insights"`},
		{"zones", "q=service%20%3D", 400, `"position"`},
		{"zones", "limit=0", 400, "limit"},
		{"zones", "group=x", 400, "group"},
	} {
		req := httptest.NewRequest("GET", "/api/v1/insights/"+tc.id+"?"+tc.query, nil)
		req.SetPathValue("id", tc.id)
		rec := httptest.NewRecorder()
		s.insight(rec, req)
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%s?%s: %d %s", tc.id, tc.query, rec.Code, rec.Body.String())
		}
		t.Logf("%s?%s: %d %s", tc.id, tc.query, rec.Code, rec.Body.String()[:min(300, rec.Body.Len())])
	}
}
