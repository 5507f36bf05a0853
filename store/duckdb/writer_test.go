package duckdb

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/weirhq/weir/flow"
)

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), slog.New(slog.DiscardHandler), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// synthetic returns n varied records, as enrichment would leave them.
func synthetic(n int) []flow.Record {
	base := time.Date(2026, 1, 14, 0, 0, 0, 0, time.UTC)
	roles := []string{"web", "app", "db", "dc", "user"}
	zones := []string{"Internal Azure", "Internal AWS", "Internet", "AWS"}
	out := make([]flow.Record, n)
	for i := range out {
		r := &out[i]
		r.Start = base.Add(time.Duration(i) * 10 * time.Millisecond)
		r.End = r.Start.Add(time.Duration(i%60) * time.Second)
		r.SrcIP = netip.AddrFrom4([4]byte{10, 0, byte(i >> 8 % 4), byte(i % 200)})
		r.DstIP = netip.AddrFrom4([4]byte{10, 1, 0, byte(i % 50)})
		r.SrcPort = uint16(32768 + i%20000)
		r.DstPort = []uint16{443, 445, 22, 3389, 1433}[i%5]
		r.Proto = flow.ProtoTCP
		r.Bytes, r.Packets, r.Flows = uint64(i%100000), uint64(i%100), 1
		r.Action = flow.Allow
		r.Format, r.Cloud, r.Account, r.Region = "aws-vpc", "aws", "123456789012", "us-east-1"
		r.Exporter = "aws-vpc/123456789012/eni-" + roles[i%5]
		r.Src.Role, r.Dst.Role = roles[i%5], roles[(i+1)%5]
		r.Src.Zone, r.Dst.Zone = zones[0], zones[i%4]
		r.Service = []string{"HTTPS", "SMB", "SSH", "RDP", "MSSQL"}[i%5]
	}
	return out
}

func TestWriterCommitsFlowsRollupAndProgress(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	w, err := s.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	recs := synthetic(500_000)
	for i := range recs {
		w.Append(&recs[i])
	}
	if err := w.Commit(ctx, &Progress{Path: "a.log", Format: "aws-vpc", Items: 500_000, Accepted: 500_000,
		Rejects: []Reject{{Pos: 3, Unit: "line", Reason: "bad ip", Detail: "x"}}}); err != nil {
		t.Fatal(err)
	}
	var n, bytes, rolled, smb int64
	if err := s.db.QueryRow(`SELECT count(*), sum(bytes)::BIGINT FROM flows`).Scan(&n, &bytes); err != nil {
		t.Fatal(err)
	}
	var want int64
	for _, r := range recs {
		want += int64(r.Bytes)
	}
	if n != 500_000 || bytes != want {
		t.Errorf("flows: %d rows, %d bytes; want 500000, %d", n, bytes, want)
	}
	if h, err := s.Rollup(ctx); err != nil || h != 2 {
		t.Fatalf("Rollup = %d hours, %v; want 2 hours", h, err)
	}
	if err := s.db.QueryRow(`SELECT sum(bytes)::BIGINT FROM flows_1h`).Scan(&rolled); err != nil {
		t.Fatal(err)
	}
	if rolled != want {
		t.Errorf("rollup bytes %d, want %d", rolled, want)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM flows WHERE service IN (SELECT id FROM dict WHERE domain = 'service' AND s = 'SMB')`).Scan(&smb); err != nil {
		t.Fatal(err)
	}
	if smb != 100_000 {
		t.Errorf("SMB rows %d, want 100000", smb)
	}
	in, ok, err := s.Input(ctx, "a.log")
	if err != nil || !ok || in.Items != 500_000 {
		t.Errorf("Input = %+v, %v, %v", in, ok, err)
	}
	rj, err := s.Rejects(ctx, "a.log")
	if err != nil || len(rj) != 1 || rj[0].Reason != "bad ip" {
		t.Errorf("Rejects = %+v, %v", rj, err)
	}
}

func TestReopenKeepsCodes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for round := 0; round < 2; round++ {
		s, err := Open(ctx, slog.New(slog.DiscardHandler), dir)
		if err != nil {
			t.Fatal(err)
		}
		w, err := s.NewWriter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		recs := synthetic(100)
		for i := range recs {
			w.Append(&recs[i])
		}
		if err := w.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		w.Close()
		var distinct int
		if err := s.db.QueryRow(`SELECT count(DISTINCT (domain, s)) - count(*) FROM dict`).Scan(&distinct); err != nil {
			t.Fatal(err)
		}
		if distinct != 0 {
			t.Errorf("round %d: dictionary holds duplicate strings", round)
		}
		var smb int
		s.db.QueryRow(`SELECT count(*) FROM flows WHERE service IN (SELECT id FROM dict WHERE domain = 'service' AND s = 'SMB')`).Scan(&smb)
		if smb != 20*(round+1) {
			t.Errorf("round %d: SMB rows %d, want %d", round, smb, 20*(round+1))
		}
		s.Close()
	}
}

func BenchmarkWriter(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	w, err := s.NewWriter(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	recs := synthetic(BatchSize)
	rows := 0
	start := time.Now()
	for b.Loop() {
		for i := range recs {
			w.Append(&recs[i])
		}
		if err := w.Commit(ctx); err != nil {
			b.Fatal(err)
		}
		rows += len(recs)
	}
	b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "flows/s")
	s.Checkpoint(ctx)
	fi, _ := os.Stat(filepath.Join(filepath.Dir(s.path), FileName))
	if fi != nil {
		b.ReportMetric(float64(fi.Size())/float64(rows), "bytes/flow")
	}
	_ = fmt.Sprint()
}

func TestFlowsReadsBackEveryField(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	w, err := s.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	recs := synthetic(10)
	recs[3].Src.Workload, recs[3].Dst.Country, recs[3].Dst.ASN, recs[3].Dst.Threat.Feeds = "CRM-Prod-DB1", "RU", 64500, "firehol"
	for i := range recs {
		w.Append(&recs[i])
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Flows(ctx, FlowQuery{From: recs[0].Start.Add(-time.Hour), Until: recs[0].Start.Add(time.Hour),
		Where: "src_ip = (SELECT id FROM ips WHERE ip = ?) AND dst_port = ?", Args: []any{recs[3].SrcIP.String(), recs[3].DstPort}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("got %d rows, want 1", len(rows))
	}
	r := rows[0]
	want := map[string]any{"src.workload": "CRM-Prod-DB1", "src.role": recs[3].Src.Role, "dst.zone": recs[3].Dst.Zone,
		"dst.country": "RU", "dst.asn": uint32(64500), "dst.threat": "firehol", "service": recs[3].Service,
		"proto": "tcp", "action": "allow", "exporter": recs[3].Exporter, "src.ip": recs[3].SrcIP.String()}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("%s = %v (%T), want %v", k, r[k], r[k], v)
		}
	}
	if len(r) != len(FieldNames) {
		t.Errorf("row has %d fields, FieldNames %d", len(r), len(FieldNames))
	}
}

func TestRetain(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	w, err := s.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	recs := synthetic(2)
	recs[0].Start = recs[1].Start.Add(-48 * time.Hour)
	recs[0].End = recs[0].Start
	for i := range recs {
		w.Append(&recs[i])
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Rollup(ctx); err != nil {
		t.Fatal(err)
	}
	now := recs[1].Start.Add(time.Hour)
	deleted, err := s.Retain(ctx, now, 24*time.Hour, 72*time.Hour)
	if err != nil || deleted != 1 {
		t.Fatalf("Retain = %d, %v; want the one flow older than a day", deleted, err)
	}
	var raw, rolled int
	s.db.QueryRow(`SELECT count(*) FROM flows`).Scan(&raw)
	s.db.QueryRow(`SELECT count(*) FROM flows_1h`).Scan(&rolled)
	if raw != 1 || rolled != 2 {
		t.Errorf("left %d raw flows and %d rollup rows; want 1 and 2 (the rollup keeps 72 h)", raw, rolled)
	}
}
