package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/store/duckdb"
)

func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	st, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)
	for i, svc := range []string{"SMB", "RDP", "HTTPS"} {
		r := flow.Record{Start: base.Add(time.Duration(i) * time.Minute), SrcIP: netip.MustParseAddr("10.0.0.1"),
			DstIP: netip.AddrFrom4([4]byte{10, 0, 1, byte(i)}), DstPort: 445, Proto: flow.ProtoTCP, Bytes: 100, Flows: 1,
			Service: svc, Action: flow.Allow}
		r.End = r.Start
		r.Dst.Role = "db"
		w.Append(&r)
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	w.Close()
	srv := New(slog.New(slog.DiscardHandler), Configuration{Tokens: []string{"secret"},
		Now: func() time.Time { return base.Add(time.Hour) }}, Dependencies{Flows: st})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestFlowsAPI(t *testing.T) {
	ts := newTestServer(t)
	if code, _ := get(t, ts.URL+"/healthz", ""); code != 200 {
		t.Errorf("/healthz: %d, want 200 without a token", code)
	}
	for _, tok := range []string{"", "wrong"} {
		if code, _ := get(t, ts.URL+"/api/v1/flows", tok); code != http.StatusUnauthorized {
			t.Errorf("token %q: %d, want 401", tok, code)
		}
	}
	code, body := get(t, ts.URL+"/api/v1/flows?q=service%20in%20(SMB,%20RDP)%20and%20dst.role%20%3D%20db", "secret")
	var got struct{ Flows []map[string]any }
	if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil {
		t.Fatalf("flows: %d %v %s", code, err, body)
	}
	if len(got.Flows) != 2 || got.Flows[0]["service"] != "RDP" || got.Flows[1]["service"] != "SMB" {
		t.Errorf("flows = %v; want RDP then SMB, newest first", got.Flows)
	}
	code, body = get(t, ts.URL+"/api/v1/flows?q=dst.rol%3Ddb", "secret")
	if code != 400 || !strings.Contains(body, `"position":1`) || !strings.Contains(body, "dst.role") {
		t.Errorf("bad filter: %d %s; want 400 with the position and a suggestion", code, body)
	}
	code, body = get(t, ts.URL+"/api/v1/flows?format=csv&q=service%3DHTTPS", "secret")
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if code != 200 || len(lines) != 2 || !strings.HasPrefix(lines[0], "start,end,src.ip") || !strings.Contains(lines[1], "HTTPS") {
		t.Errorf("csv: %d %q", code, lines)
	}
	code, body = get(t, ts.URL+"/api/v1/flows?by=service&until=2026-01-14T13:00:00Z&window=1h", "secret")
	var agg struct {
		Table string
		Rows  []map[string]any
	}
	if err := json.Unmarshal([]byte(body), &agg); code != 200 || err != nil || len(agg.Rows) != 3 || agg.Rows[0]["flows"] != 1.0 {
		t.Errorf("by=service: %d %v %s", code, err, body)
	}
	if code, _ := get(t, ts.URL+"/api/v1/flows?by=nonsense", "secret"); code != 400 {
		t.Errorf("by=nonsense: %d, want 400", code)
	}
	// Paging: one row a page, every row once.
	seen := map[string]bool{}
	for off := 0; ; {
		code, body := get(t, ts.URL+"/api/v1/flows?limit=1&offset="+strconv.Itoa(off), "secret")
		var page struct {
			Flows      []map[string]any
			NextOffset *int `json:"next_offset"`
		}
		if err := json.Unmarshal([]byte(body), &page); code != 200 || err != nil {
			t.Fatalf("page at %d: %d %v", off, code, err)
		}
		for _, f := range page.Flows {
			seen[f["service"].(string)] = true
		}
		if page.NextOffset == nil {
			break
		}
		off = *page.NextOffset
	}
	if len(seen) != 3 {
		t.Errorf("pages gave %v, want the 3 flows", seen)
	}
	if code, _ := get(t, ts.URL+"/api/v1/flows?offset=-1", "secret"); code != 400 {
		t.Errorf("offset -1: %d, want 400", code)
	}
	for _, bad := range []string{"window=forever", "window=1s", "window=10000h", "until=1970-01-01T00:00:00Z",
		"until=2999-01-01T00:00:00Z", "until=yesterday", "limit=0", "limit=1000000", "q=bytes%20%3E%20lots"} {
		if code, body := get(t, ts.URL+"/api/v1/flows?"+bad, "secret"); code != 400 || !strings.Contains(body, "want") && !strings.Contains(body, "position") {
			t.Errorf("%s: %d %s; want 400 saying what is allowed", bad, code, body)
		}
	}
}
