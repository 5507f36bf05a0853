package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/hunt"
	"github.com/weirhq/weir/state"
	"github.com/weirhq/weir/store/duckdb"
)

// fakeHunter records what it was asked.
type fakeHunter struct {
	until  time.Time
	window time.Duration
}

func (h *fakeHunter) Hunt(ctx context.Context, until time.Time, window time.Duration) (hunt.Report, error) {
	h.until, h.window = until, window
	return hunt.Report{From: until.Add(-window), Until: until, Found: 2, Opened: 1, Updated: 1}, nil
}

func newFindingsServer(t *testing.T) (*httptest.Server, *fakeHunter, []detect.Finding) {
	t.Helper()
	ctx := context.Background()
	fs, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	base := time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)
	st, err := state.Open(ctx, fs.DB(), state.WithClock(func() time.Time { return base.Add(time.Hour) }))
	if err != nil {
		t.Fatal(err)
	}
	var found []detect.Finding
	for i, d := range []struct {
		detector, src string
		score         int
		tactic        string
	}{{"port-scan", "10.0.0.1", 45, "TA0007"}, {"brute-force", "10.0.0.2", 92, "TA0006"}, {"lateral-movement", "10.0.0.3", 75, "TA0008"}} {
		key := detect.KeyOf(d.detector, d.src)
		found = append(found, detect.Finding{Key: key, ID: detect.IDOf(key), Detector: d.detector, Title: d.detector + " from " + d.src,
			Tactics: []string{d.tactic}, Score: d.score, FirstSeen: base.Add(time.Duration(i-3) * time.Hour), LastSeen: base,
			Entities: detect.Entities{Sources: []string{d.src}}, Evidence: detect.Evidence{Flows: 10, Bytes: 600}})
	}
	if _, _, err := st.Upsert(ctx, found, base); err != nil {
		t.Fatal(err)
	}
	h := &fakeHunter{}
	srv := New(slog.New(slog.DiscardHandler), Configuration{Tokens: []string{"secret"},
		Now: func() time.Time { return base.Add(time.Hour) }}, Dependencies{Findings: st, Hunter: h})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, h, found
}

func do(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestFindingsList(t *testing.T) {
	ts, _, found := newFindingsServer(t)
	scan, brute, lateral := found[0].ID, found[1].ID, found[2].ID
	tests := []struct {
		query string
		code  int
		ids   []string
	}{
		{"", 200, []string{brute, lateral, scan}},
		{"?severity=high", 200, []string{brute, lateral}},
		{"?status=open,acknowledged&detector=port-scan", 200, []string{scan}},
		{"?tactic=TA0008", 200, []string{lateral}},
		{"?q=10.0.0.2", 200, []string{brute}},
		{"?since=2026-01-14T12:00:00Z", 200, []string{brute, lateral, scan}},
		{"?limit=1&offset=1", 200, []string{lateral}},
		{"?status=resolved", 200, []string{}},
		{"?status=closed", 400, nil},
		{"?severity=urgent", 400, nil},
		{"?tactic=x", 400, nil},
		{"?since=yesterday", 400, nil},
		{"?limit=0", 400, nil},
		{"?offset=-1", 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			code, body := get(t, ts.URL+"/api/v1/findings"+tt.query, "secret")
			if code != tt.code {
				t.Fatalf("%d %s, want %d", code, body, tt.code)
			}
			if code != 200 {
				if !strings.Contains(body, `"error"`) {
					t.Errorf("a 400 without an error message: %s", body)
				}
				return
			}
			var got struct {
				Findings   []state.Finding
				NextOffset *int `json:"next_offset"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			ids := []string{}
			for _, f := range got.Findings {
				ids = append(ids, f.ID)
			}
			if diff := cmp.Diff(ids, tt.ids); diff != "" {
				t.Errorf("ids (-got, +want):\n%s", diff)
			}
			if tt.query == "?limit=1&offset=1" && (got.NextOffset == nil || *got.NextOffset != 2) {
				t.Errorf("next_offset = %v, want 2", got.NextOffset)
			}
		})
	}
	code, body := get(t, ts.URL+"/api/v1/findings?format=csv&severity=critical", "secret")
	if code != 200 || !strings.HasPrefix(body, strings.Join(state.FindingColumns, ",")+"\n"+brute+",critical,92,open,brute-force") {
		t.Errorf("csv: %d\n%s", code, body)
	}
}

func TestFindingWorkflow(t *testing.T) {
	ts, _, found := newFindingsServer(t)
	id := found[2].ID
	u := ts.URL + "/api/v1/findings/" + id

	code, body := get(t, u, "secret")
	var f state.Finding
	if err := json.Unmarshal([]byte(body), &f); code != 200 || err != nil || f.ID != id || f.Status != "open" {
		t.Fatalf("GET finding: %d %v %s", code, err, body)
	}
	code, body = do(t, "POST", u+"/status", `{"status": "resolved", "note": "the admin's jump host", "author": "alice"}`)
	if err := json.Unmarshal([]byte(body), &f); code != 200 || err != nil || f.Status != "resolved" || f.StatusBy != "alice" {
		t.Fatalf("POST status: %d %v %s", code, err, body)
	}
	code, body = do(t, "POST", u+"/comments", `{"text": "confirmed with the owner"}`)
	var c state.Comment
	if err := json.Unmarshal([]byte(body), &c); code != 201 || err != nil || c.Author != "admin" || c.Text != "confirmed with the owner" {
		t.Fatalf("POST comment: %d %v %s", code, err, body)
	}
	code, body = get(t, u+"/comments", "secret")
	var cs struct{ Comments []state.Comment }
	json.Unmarshal([]byte(body), &cs)
	var texts []string
	for _, c := range cs.Comments {
		texts = append(texts, c.Author+": "+c.Text)
	}
	if diff := cmp.Diff(texts, []string{"alice: the admin's jump host", "admin: confirmed with the owner"}); code != 200 || diff != "" {
		t.Errorf("GET comments: %d (-got, +want):\n%s", code, diff)
	}
	code, body = get(t, ts.URL+"/api/v1/audit?target="+id, "secret")
	var audit struct{ Entries []state.AuditEntry }
	json.Unmarshal([]byte(body), &audit)
	var actions []string
	for _, e := range audit.Entries {
		actions = append(actions, e.Actor+" "+e.Action)
	}
	want := []string{"admin finding.comment", "alice finding.comment", "alice finding.status", "hunt finding.open"}
	if diff := cmp.Diff(actions, want); code != 200 || diff != "" {
		t.Errorf("GET audit: %d (-got, +want):\n%s", code, diff)
	}

	errs := []struct {
		method, path, body string
		code               int
	}{
		{"GET", "/api/v1/findings/f-unknown", "", 404},
		{"GET", "/api/v1/findings/f-unknown/comments", "", 404},
		{"POST", "/api/v1/findings/f-unknown/status", `{"status": "resolved"}`, 404},
		{"POST", "/api/v1/findings/f-unknown/comments", `{"text": "hi"}`, 404},
		{"POST", "/api/v1/findings/" + id + "/status", `{"status": "closed"}`, 400},
		{"POST", "/api/v1/findings/" + id + "/status", `{"status": "resolved", "colour": "red"}`, 400},
		{"POST", "/api/v1/findings/" + id + "/status", `not json`, 400},
		{"POST", "/api/v1/findings/" + id + "/comments", `{"text": "   "}`, 400},
		{"POST", "/api/v1/findings/" + id + "/comments", `{"text": "` + strings.Repeat("x", state.MaxCommentLen+1) + `"}`, 400},
		{"GET", "/api/v1/audit?limit=5000", "", 400},
	}
	for _, e := range errs {
		if code, body := do(t, e.method, ts.URL+e.path, e.body); code != e.code || !strings.Contains(body, `"error"`) {
			t.Errorf("%s %s %.40s: %d %s, want %d with an error", e.method, e.path, e.body, code, body, e.code)
		}
	}
}

func TestHuntNow(t *testing.T) {
	ts, h, _ := newFindingsServer(t)
	code, body := do(t, "POST", ts.URL+"/api/v1/hunts?window=6h&until=2026-01-14T12:00:00Z", "")
	var rep hunt.Report
	if err := json.Unmarshal([]byte(body), &rep); code != 200 || err != nil || rep.Opened != 1 {
		t.Fatalf("POST hunts: %d %v %s", code, err, body)
	}
	if !h.until.Equal(time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)) || h.window != 6*time.Hour {
		t.Errorf("hunted until %s over %s, want 2026-01-14T12:00:00Z over 6h", h.until, h.window)
	}
	if code, _ := do(t, "POST", ts.URL+"/api/v1/hunts?window=1s", ""); code != 400 {
		t.Errorf("a 1s window: %d, want 400", code)
	}
	bare := httptest.NewServer(New(slog.New(slog.DiscardHandler), Configuration{Tokens: []string{"secret"}}, Dependencies{}).Handler())
	defer bare.Close()
	for _, p := range []string{"/api/v1/findings", "/api/v1/audit"} {
		if code, _ := get(t, bare.URL+p, "secret"); code != http.StatusServiceUnavailable {
			t.Errorf("%s without a state store: %d, want 503", p, code)
		}
	}
}
