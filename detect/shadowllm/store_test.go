package shadowllm

import (
	"net/netip"
	"testing"
	"time"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/internal/detecttest"
	"github.com/weirhq/weir/store/duckdb"
)

var t0 = time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)

var window = detect.Window{BaselineFrom: t0.Add(-12 * time.Hour), From: t0, Until: t0.Add(12 * time.Hour)}

func store(t *testing.T, recs []flow.Record) *duckdb.Store { return detecttest.Store(t, recs) }

// conn is one request record as the enricher leaves it: from src to dst's port,
// lasting dur.
func conn(at time.Time, dur time.Duration, src, dst string, port uint16, bytes uint64, dir flow.Direction) flow.Record {
	return flow.Record{
		Start: at, End: at.Add(dur), SrcIP: netip.MustParseAddr(src), DstIP: netip.MustParseAddr(dst),
		SrcPort: uint16(40000 + at.Unix()%20000), DstPort: port, Proto: 6, Bytes: bytes, BytesRev: 1000,
		Packets: 4, Flows: 1, Action: flow.Allow, Direction: dir, Format: "zeek-conn", Cloud: "onprem",
		ServicePort: port, Service: "HTTPS", Src: flow.Side{Zone: "Internal"}, Dst: flow.Side{Zone: "Internet", Country: "US"},
	}
}

func findingKeys(fs []detect.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Key)
	}
	return out
}

// checkScores fails when a finding's score reasons do not add up to its score.
func checkScores(t *testing.T, fs []detect.Finding) {
	t.Helper()
	for _, f := range fs {
		sum := 0
		for _, r := range f.Evidence.Score {
			sum += r.Points
		}
		if sum != f.Score && f.Score != 100 || f.Evidence.Filter == "" || f.Title == "" || f.Summary == "" {
			t.Errorf("%s: score %d, reasons %v, filter %q", f.Key, f.Score, f.Evidence.Score, f.Evidence.Filter)
		}
	}
}
