package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weirhq/weir/api"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/store/duckdb"
)

// run runs weir with args in this process and returns what it printed.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// TestSimulateIngestFlows walks a user's first steps: simulate, ingest, ask.
func TestSimulateIngestFlows(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and ingests an estate")
	}
	dir := t.TempDir()
	logs, data := filepath.Join(dir, "logs"), filepath.Join(dir, "data")
	if out, err := run(t, "simulate", "--out", logs, "--hours", "6", "--seed", "5"); err != nil {
		t.Fatalf("simulate: %v\n%s", err, out)
	}
	args := []string{"ingest", "--data", data, "--inventory", filepath.Join(logs, "inventory.yaml"),
		"--intel", filepath.Join(logs, "intel", "weir-sim-level1.netset"), "--intel", filepath.Join(logs, "intel", "drop.txt")}
	for _, d := range []string{"aws", "azure", "gcp", "zeek", "route53"} {
		args = append(args, filepath.Join(logs, d))
	}
	out, err := run(t, args...)
	if err != nil || !strings.Contains(out, "0 rejected") || !strings.Contains(out, "aws-vpc") {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	out, err = run(t, "flows", "--data", data, "--until", "2026-01-15T00:00:00Z", "--window", "6h", "-o", "json", "--limit", "5",
		"llm.provider = Anthropic")
	if err != nil {
		t.Fatalf("flows: %v\n%s", err, out)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("flows -o json: %v, %d rows\n%s", err, len(rows), out)
	}
	for _, r := range rows {
		if r["llm.provider"] != "Anthropic" {
			t.Errorf("row %v: want llm.provider Anthropic", r)
		}
	}
	if _, err := run(t, "flows", "--data", data, "dst.rol = db"); err == nil || !strings.Contains(err.Error(), "did you mean dst.role") {
		t.Errorf("a misspelt field: %v; want the position and a suggestion", err)
	}
	out, err = run(t, "ingest", "--data", data, filepath.Join(logs, "aws"))
	if err != nil || !strings.Contains(out, "already ingested, 0 failed): 0 flows accepted") {
		t.Errorf("second ingest: %v\n%s", err, out)
	}
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "weir.yaml")
	os.WriteFile(good, []byte("data: "+filepath.Join(dir, "d")+"\nllm: {sanctioned: [Azure OpenAI]}\nintel:\n  - {name: feodo, path: /x.csv, confidence: 90}\n"), 0o644)
	c, err := readConfig(good)
	if err != nil || c.LLM.Sanctioned[0] != "Azure OpenAI" || c.Intel[0].Confidence != 90 {
		t.Fatalf("readConfig = %+v, %v", c, err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("data: /tmp\nllm:\n  sanctioned: [OpenAI]\n  sanctiond: [x]\n"), 0o644)
	if _, err := readConfig(bad); err == nil || !strings.Contains(err.Error(), "sanctiond") || !strings.Contains(err.Error(), "4") {
		t.Errorf("a misspelt key: %v; want an error naming it and its line", err)
	}
	if out, err := run(t, "stats", "--config", good); err != nil || !strings.Contains(out, "flows: 0") {
		t.Errorf("stats with --config: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "d", "weir.duckdb")); err != nil {
		t.Errorf("the config's data directory was not used: %v", err)
	}
}

// TestFlowsThroughAServer reads through the API while another process (here, the
// test) holds the database.
func TestFlowsThroughAServer(t *testing.T) {
	ctx := context.Background()
	st, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err := st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)
	for i := range 3 {
		r := flow.Record{Start: base.Add(time.Duration(i) * time.Minute), SrcIP: netip.MustParseAddr("10.0.0.1"),
			DstIP: netip.MustParseAddr("10.0.0.2"), DstPort: 445, Proto: flow.ProtoTCP, Bytes: 1_500_000_000, Flows: 1, Service: "SMB"}
		r.End = r.Start
		w.Append(&r)
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	w.Close()
	srv := httptest.NewServer(api.New(slog.New(slog.DiscardHandler), api.Configuration{Tokens: []string{"tok"}},
		api.Dependencies{Flows: st}).Handler())
	defer srv.Close()

	out, err := run(t, "flows", "--server", srv.URL, "--token", "tok", "--until", "2026-01-14T13:00:00Z", "-o", "csv", "service = SMB")
	if err != nil || strings.Count(out, "\n") != 4 || !strings.Contains(out, "1500000000") {
		t.Errorf("flows --server: %v\n%s", err, out)
	}
	out, err = run(t, "flows", "--server", srv.URL, "--token", "tok", "--until", "2026-01-14T13:00:00Z", "--by", "service")
	if err != nil || !strings.Contains(out, "SMB") || !strings.Contains(out, "4500000000") {
		t.Errorf("flows --by through a server: %v\n%s", err, out)
	}
	if _, err := run(t, "flows", "--server", srv.URL, "--token", "wrong"); err == nil || !strings.Contains(err.Error(), "authentication") {
		t.Errorf("a wrong token: %v, want the server's refusal", err)
	}
}
