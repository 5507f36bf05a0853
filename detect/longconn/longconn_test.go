package longconn

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/flow"
)

// chunked is a connection as AWS logs it: a record per 10-minute interval, the
// first opening it (flows 1), the others continuing it (flows 0).
func chunked(at time.Time, dur time.Duration, src, dst string, port uint16) []flow.Record {
	var out []flow.Record
	for off := time.Duration(0); off < dur; off += 10 * time.Minute {
		c := record(at.Add(off), min(10*time.Minute, dur-off), src, dst, port, 1e5, flow.Outbound)
		c.SrcPort, c.Format = 50123, "aws-vpc"
		if off > 0 {
			c.Flows = 0
		}
		out = append(out, c)
	}
	return out
}

func TestDetect(t *testing.T) {
	var recs []flow.Record
	// Zeek: one record for a two-hour session to the internet.
	recs = append(recs, record(t0.Add(time.Hour), 2*time.Hour, "10.0.0.5", "203.0.113.9", 443, 5e6, flow.Outbound))
	// AWS: a 45-minute connection in 10-minute records.
	recs = append(recs, chunked(t0.Add(3*time.Hour), 45*time.Minute, "10.0.0.6", "203.0.113.10", 5938)...)
	// Inbound: an operator on the internet holds VNC open for 30 minutes.
	in := record(t0.Add(4*time.Hour), 30*time.Minute, "198.51.100.7", "10.0.0.7", 5900, 1e5, flow.Inbound)
	in.Dst, in.Src = in.Src, in.Dst
	recs = append(recs, in)
	// Short: a 9-minute download, and an internal 3-hour session.
	recs = append(recs, chunked(t0, 9*time.Minute, "10.0.0.8", "203.0.113.11", 443)...)
	recs = append(recs, record(t0, 3*time.Hour, "10.0.0.9", "10.0.1.1", 3389, 1e6, flow.Internal))
	// Two short connections that reuse a source port an hour apart, as Azure logs
	// them (continuation tuples with flows 0): not one long connection.
	for _, at := range []time.Time{t0.Add(5 * time.Hour), t0.Add(6 * time.Hour)} {
		c := record(at.Add(30*time.Second), 0, "10.0.0.10", "203.0.113.12", 443, 1e4, flow.Outbound)
		c.SrcPort, c.Flows, c.Format = 51000, 0, "azure-vnet"
		recs = append(recs, c)
	}
	// A service everyone keeps open (chat, VPN): five hosts, long connections.
	for i, src := range []string{"10.0.2.1", "10.0.2.2", "10.0.2.3", "10.0.2.4", "10.0.2.5"} {
		recs = append(recs, record(t0.Add(time.Duration(i)*time.Minute), 4*time.Hour, src, "52.113.194.132", 443, 1e6, flow.Outbound))
	}
	st := store(t, recs)
	fs, err := New(Configuration{}).Detect(context.Background(), st, window)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"long-connection:10.0.0.5|203.0.113.9|443",
		"long-connection:10.0.0.6|203.0.113.10|5938",
		"long-connection:198.51.100.7|10.0.0.7|5900",
	}
	if diff := cmp.Diff(want, findingKeys(fs)); diff != "" {
		t.Fatalf("findings (-want, +got):\n%s", diff)
	}
	checkScores(t, fs)
	for i, wantSecs := range []int{7200, 2700, 1800} {
		if got := fs[i].Evidence.Details["longest_seconds"]; got != wantSecs {
			t.Errorf("%s: longest %v s, want %d", fs[i].Key, got, wantSecs)
		}
	}
	if fs[0].Score <= fs[2].Score {
		t.Errorf("two hours scored %d, half an hour %d", fs[0].Score, fs[2].Score)
	}
}
