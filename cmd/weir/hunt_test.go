package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weirhq/weir/api"
	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/hunt"
	"github.com/weirhq/weir/state"
	"github.com/weirhq/weir/store/duckdb"
)

// scripted is a detector that reports one finding per source over the window.
type scripted struct {
	name    string
	sources []string
	err     error
}

func (s scripted) Name() string { return s.name }

func (s scripted) Detect(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	var out []detect.Finding
	for i, ip := range s.sources {
		out = append(out, detect.Finding{Key: detect.KeyOf(s.name, ip), Title: s.name + " from " + ip, Score: 95 - 30*i,
			Tactics: []string{"TA0007"}, FirstSeen: w.From, LastSeen: w.Until, Entities: detect.Entities{Sources: []string{ip}},
			Evidence: detect.Evidence{Flows: 42, Filter: "src.ip = " + ip}})
	}
	return out, s.err
}

func withDetectors(t *testing.T, ds ...detect.Detector) {
	old := detectors
	detectors = func() []detect.Detector { return ds }
	t.Cleanup(func() { detectors = old })
}

func TestHuntAndFindings(t *testing.T) {
	withDetectors(t, scripted{name: "port-scan", sources: []string{"10.0.0.1", "10.9.9.9", "10.0.0.2"}})
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cfg := filepath.Join(dir, "weir.yaml")
	os.WriteFile(cfg, []byte("data: "+data+"\nhunt:\n  suppress:\n    - {name: scanner, source: 10.9.0.0/16}\n"), 0o644)

	out, err := run(t, "hunt", "--config", cfg, "--until", "2026-01-14T12:00:00Z", "--window", "1h")
	if err != nil || !strings.Contains(out, "3 found, 1 suppressed, 2 opened, 0 updated") ||
		!strings.Contains(out, `suppressed by "scanner": 1`) || !strings.Contains(out, "port-scan from 10.0.0.1") {
		t.Fatalf("first hunt: %v\n%s", err, out)
	}
	out, err = run(t, "hunt", "--config", cfg, "--until", "2026-01-14T13:00:00Z", "--window", "1h")
	if err != nil || !strings.Contains(out, "0 opened, 2 updated") {
		t.Fatalf("second hunt: %v\n%s", err, out)
	}

	out, err = run(t, "findings", "--data", data, "-o", "json")
	var list []state.Finding
	if err != nil || json.Unmarshal([]byte(out), &list) != nil || len(list) != 2 || list[0].Hunts != 2 {
		t.Fatalf("findings -o json: %v\n%s", err, out)
	}
	id := list[0].ID
	out, err = run(t, "findings", "--data", data, id, "--status", "resolved", "--note", "approved scanner", "--author", "alice")
	if err != nil || !strings.Contains(out, "resolved (by alice") || !strings.Contains(out, "alice: approved scanner") ||
		!strings.Contains(out, "weir flows 'src.ip = 10.0.0.1'") {
		t.Errorf("findings ID --status: %v\n%s", err, out)
	}
	out, err = run(t, "findings", "--data", data, "--status", "open", "-o", "csv")
	if err != nil || strings.Count(out, "\n") != 2 || !strings.Contains(out, "port-scan from 10.0.0.2") {
		t.Errorf("findings --status open -o csv: %v\n%s", err, out)
	}
	for _, bad := range [][]string{
		{"findings", "--data", data, "--severity", "urgent"},
		{"findings", "--data", data, "f-nope"},
		{"findings", "--data", data, id, "--note", "why"},
		{"findings", "--data", data, "--comment", "hi"},
		{"hunt", "--data", data, "--detector", "nope"},
	} {
		if _, err := run(t, bad...); err == nil {
			t.Errorf("weir %s: no error", strings.Join(bad, " "))
		}
	}
}

func TestHuntReportsAFailedDetector(t *testing.T) {
	withDetectors(t, scripted{name: "broken", err: errors.New("aggregate failed")}, scripted{name: "beaconing", sources: []string{"10.0.0.7"}})
	out, err := run(t, "hunt", "--data", t.TempDir(), "--until", "2026-01-14T12:00:00Z")
	if err == nil || !strings.Contains(err.Error(), "1 of 2 detectors failed") || !strings.Contains(out, "aggregate failed") ||
		!strings.Contains(out, "1 opened") {
		t.Errorf("hunt with a broken detector: %v\n%s", err, out)
	}
}

// TestFindingsThroughAServer works on findings while another process (here, the
// test) holds the database.
func TestFindingsThroughAServer(t *testing.T) {
	ctx := context.Background()
	fs, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	st, err := state.Open(ctx, fs.DB())
	if err != nil {
		t.Fatal(err)
	}
	sched, err := hunt.NewScheduler(slog.New(slog.DiscardHandler), hunt.Configuration{}, hunt.Dependencies{Source: fs, Store: st,
		Detectors: []detect.Detector{scripted{name: "lateral-movement", sources: []string{"10.1.0.1", "10.1.0.2"}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(slog.New(slog.DiscardHandler), api.Configuration{Tokens: []string{"tok"}},
		api.Dependencies{Flows: fs, Findings: st, Hunter: sched}).Handler())
	defer srv.Close()
	remote := []string{"--server", srv.URL, "--token", "tok"}

	out, err := run(t, append([]string{"hunt", "--until", "2026-01-14T12:00:00Z", "-o", "json"}, remote...)...)
	var rep hunt.Report
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil || rep.Opened != 2 || !rep.Until.Equal(time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)) {
		t.Fatalf("hunt --server: %v\n%s", err, out)
	}
	out, err = run(t, append([]string{"findings", "--severity", "critical"}, remote...)...)
	if err != nil || strings.Count(out, "\n") != 2 || !strings.Contains(out, "lateral-movement from 10.1.0.1") {
		t.Fatalf("findings --server: %v\n%s", err, out)
	}
	id := rep.Findings[0].ID
	out, err = run(t, append([]string{"findings", id, "--status", "acknowledged", "--comment", "looking", "--author", "bob"}, remote...)...)
	if err != nil || !strings.Contains(out, "acknowledged (by bob") || !strings.Contains(out, "bob: looking") {
		t.Errorf("findings ID --status --comment through a server: %v\n%s", err, out)
	}
	if _, err := run(t, append([]string{"findings", "f-nope"}, remote...)...); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("an unknown id through a server: %v, want the server's 404 message", err)
	}
	if a, _ := st.Audit(ctx, state.AuditFilter{Target: id, Actor: "bob"}); len(a) != 2 {
		t.Errorf("audit rows by bob: %+v, want a status change and a comment", a)
	}
}
