package detecttest

import (
	"net/netip"
	"testing"
	"time"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/flow"
)

// Timed is one request record as the enricher leaves it, with a duration: from src to dst's port,
// lasting dur.
func Timed(at time.Time, dur time.Duration, src, dst string, port uint16, bytes uint64, dir flow.Direction) flow.Record {
	return flow.Record{
		Start: at, End: at.Add(dur), SrcIP: netip.MustParseAddr(src), DstIP: netip.MustParseAddr(dst),
		SrcPort: uint16(40000 + at.Unix()%20000), DstPort: port, Proto: 6, Bytes: bytes, BytesRev: 1000,
		Packets: 4, Flows: 1, Action: flow.Allow, Direction: dir, Format: "zeek-conn", Cloud: "onprem",
		ServicePort: port, Service: "HTTPS", Src: flow.Side{Zone: "Internal"}, Dst: flow.Side{Zone: "Internet", Country: "US"},
	}
}

// Keys are the findings' keys, in order.
func Keys(fs []detect.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Key)
	}
	return out
}

// CheckScores fails when a finding's score reasons do not add up to its score.
func CheckScores(t *testing.T, fs []detect.Finding) {
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
