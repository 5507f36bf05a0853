package detecttest

import (
	"context"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/store/duckdb"
)

// Store writes recs to a new store in a temporary directory and rolls it up, as
// ingest leaves it.
func Store(t *testing.T, recs []flow.Record) *duckdb.Store {
	t.Helper()
	ctx := context.Background()
	s, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	w, err := s.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i := range recs {
		w.Append(&recs[i])
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Rollup(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// Request is a scripted flow record as enrichment leaves it: a request (answer =
// false) from src to dst's port over TCP, with its direction worked out from the
// addresses.
func Request(at time.Time, src, dst string, port uint16, bytes, bytesRev uint64, action flow.Action) flow.Record {
	s, d := netip.MustParseAddr(src), netip.MustParseAddr(dst)
	r := flow.Record{Start: at, End: at.Add(time.Second), SrcIP: s, DstIP: d, SrcPort: 50000, DstPort: port,
		Proto: 6, Bytes: bytes, BytesRev: bytesRev, Packets: max(bytes/1000, 1), PacketsRev: bytesRev / 1000,
		Flows: 1, Action: action, ServicePort: port, Format: "zeek-conn", Cloud: "onprem"}
	switch {
	case s.IsPrivate() && d.IsPrivate():
		r.Direction = flow.Internal
	case s.IsPrivate():
		r.Direction = flow.Outbound
	case d.IsPrivate():
		r.Direction = flow.Inbound
	default:
		r.Direction = flow.External
	}
	return r
}
