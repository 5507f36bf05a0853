package pipeline

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/weirhq/weir/enrich/zones"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/internal/testutil"
	"github.com/weirhq/weir/store/duckdb"
)

var testNow = func() time.Time { return time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC) }

// zoneEnricher sets only the zones, which is what counting a connection once needs.
type zoneEnricher struct{ z *zones.Zones }

func (e zoneEnricher) Enrich(r *flow.Record) {
	r.Src.Zone, r.Dst.Zone = e.z.Lookup(r.SrcIP).Zone, e.z.Lookup(r.DstIP).Zone
}

func newTest(t *testing.T, dir string) (*Pipeline, *duckdb.Store) {
	t.Helper()
	st, err := duckdb.Open(context.Background(), slog.New(slog.DiscardHandler), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	z, err := zones.New(zones.Configuration{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(slog.New(slog.DiscardHandler), Configuration{Now: testNow}, Dependencies{
		Store: st, NewEnricher: func() Enricher { return zoneEnricher{z} },
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, st
}

func count(t *testing.T, st *duckdb.Store) (flows, bytes int64) {
	t.Helper()
	if err := st.DB().QueryRow(`SELECT count(*), coalesce(sum(bytes), 0)::BIGINT FROM flows`).Scan(&flows, &bytes); err != nil {
		t.Fatal(err)
	}
	return flows, bytes
}

func TestConnectionSeenAtBothEndsCountsOnce(t *testing.T) {
	p, st := newTest(t, t.TempDir())
	sum, err := p.Ingest(context.Background(), []string{"testdata/aws-both-ends.log"})
	if err != nil {
		t.Fatal(err)
	}
	f := sum.Files[0]
	if f.Format != "aws-vpc" || f.Accepted != 4 || f.Duplicates != 2 || f.Rejected != 0 {
		t.Errorf("summary = %+v; want aws-vpc, 4 accepted, 2 duplicates", f)
	}
	n, b := count(t, st)
	if n != 4 || b != 1000+4000+180+9000 {
		t.Errorf("stored %d flows, %d bytes; want 4, 14180", n, b)
	}
	var rolled int64
	st.DB().QueryRow(`SELECT sum(bytes)::BIGINT FROM flows_1h`).Scan(&rolled)
	if rolled != b {
		t.Errorf("rollup holds %d bytes, raw %d", rolled, b)
	}
}

func TestBadRecordsAreCountedAndTheRestKept(t *testing.T) {
	p, st := newTest(t, t.TempDir())
	sum, err := p.Ingest(context.Background(), []string{"testdata/aws-bad.log"})
	if err != nil {
		t.Fatal(err)
	}
	f := sum.Files[0]
	if f.Accepted != 2 || f.Rejected != 4 {
		t.Errorf("accepted %d, rejected %d (%v); want 2, 4", f.Accepted, f.Rejected, f.Reasons)
	}
	if len(f.Examples) == 0 || !bytes.Contains([]byte(f.Examples[0]), []byte("line 3")) {
		t.Errorf("examples %q: want the first to name line 3", f.Examples)
	}
	abs, _ := filepath.Abs("testdata/aws-bad.log")
	rj, err := st.Rejects(context.Background(), abs)
	if err != nil || len(rj) != 4 {
		t.Errorf("stored rejects = %d, %v; want 4", len(rj), err)
	}
	if n, _ := count(t, st); n != 2 {
		t.Errorf("stored %d flows, want 2", n)
	}
}

func TestRerunSkipsAndGrownFileResumes(t *testing.T) {
	dir := t.TempDir()
	p, st := newTest(t, filepath.Join(dir, "data"))
	full, err := os.ReadFile("testdata/aws-both-ends.log")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "flows.log")
	lines := bytes.SplitAfter(full, []byte("\n"))
	// First the header and two records, as a log being written would look.
	if err := os.WriteFile(path, bytes.Join(lines[:3], nil), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Ingest(context.Background(), []string{path}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, full, 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := p.Ingest(context.Background(), []string{path})
	if err != nil {
		t.Fatal(err)
	}
	if f := sum.Files[0]; f.Status != "resumed" || f.Resumed != 2 || f.Accepted != 4 || f.Duplicates != 2 {
		t.Errorf("second run = %+v; want resumed after 2, 4 accepted, 2 duplicates in all", f)
	}
	sum, err = p.Ingest(context.Background(), []string{path})
	if err != nil {
		t.Fatal(err)
	}
	if f := sum.Files[0]; f.Status != "already ingested" {
		t.Errorf("third run status %q, want already ingested", f.Status)
	}
	if n, b := count(t, st); n != 4 || b != 14180 {
		t.Errorf("stored %d flows, %d bytes; want 4, 14180: nothing twice", n, b)
	}
}

func TestTruncatedGzipKeepsWhatCameBefore(t *testing.T) {
	dir := t.TempDir()
	p, st := newTest(t, filepath.Join(dir, "data"))
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status flow-direction\n"))
	for i := 0; i < 3000; i++ {
		zw.Write([]byte("5 123456789012 eni-aaaa 10.0.1.10 198.51.100.9 50000 443 6 20 9000 1768348900 1768348960 ACCEPT OK egress\n"))
	}
	zw.Close()
	path := filepath.Join(dir, "cut.log.gz")
	if err := os.WriteFile(path, buf.Bytes()[:buf.Len()/2], 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := p.Ingest(context.Background(), []string{path})
	if err != nil {
		t.Fatal(err)
	}
	f := sum.Files[0]
	n, _ := count(t, st)
	if f.Error == "" || f.Accepted == 0 || f.Accepted >= 3000 || n != f.Accepted {
		t.Errorf("summary %+v, stored %d: want an error, and the records before the cut stored", f, n)
	}
}

func TestUnknownFormatIsReportedAndOthersRead(t *testing.T) {
	dir := t.TempDir()
	p, st := newTest(t, filepath.Join(dir, "data"))
	junk := filepath.Join(dir, "junk.bin")
	os.WriteFile(junk, []byte{0, 1, 2, 3, 0xff, 0xfe, '\n', 'x'}, 0o644)
	sum, err := p.Ingest(context.Background(), []string{junk, "testdata/aws-both-ends.log"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Files[0].Status != "failed" || sum.Files[0].Error == "" {
		t.Errorf("junk: %+v, want failed with a reason", sum.Files[0])
	}
	if n, _ := count(t, st); n != 4 {
		t.Errorf("stored %d flows, want the 4 of the good file", n)
	}
}

// TestNetFlowFilesWithTemplatesApart ingests the shared NetFlow samples, whose data
// files come before their template files in name order.
func TestNetFlowFilesWithTemplatesApart(t *testing.T) {
	dir := testutil.SharedFormats(t, "netflow")
	var inputs []string
	for _, name := range []string{"netflow5.dat", "netflow9_test_cisco_asa_1_data.dat", "netflow9_test_cisco_asa_1_tpl.dat",
		"ipfix_test_mikrotik_data258.dat", "ipfix_test_mikrotik_tpl.dat", "ipfix.dat"} {
		inputs = append(inputs, filepath.Join(dir, name))
	}
	p, st := newTest(t, t.TempDir())
	sum, err := p.Ingest(context.Background(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rejected != 0 || sum.Accepted < 30+14+28+6 {
		t.Errorf("accepted %d, rejected %d; want every v5, ASA, Mikrotik and IPFIX flow", sum.Accepted, sum.Rejected)
	}
	if n, _ := count(t, st); n != sum.Accepted {
		t.Errorf("stored %d, accepted %d", n, sum.Accepted)
	}
}
