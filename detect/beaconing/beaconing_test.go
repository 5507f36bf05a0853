package beaconing

import (
	"context"
	"math"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/internal/detecttest"
)

var t0 = time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)

var window = detect.Window{BaselineFrom: t0.Add(-12 * time.Hour), From: t0, Until: t0.Add(12 * time.Hour)}

// conn is one outbound request record as the enricher leaves it.
func conn(at time.Time, src, dst string, proto uint8, port uint16, bytes uint64) flow.Record {
	return flow.Record{
		Start: at, End: at.Add(time.Second), SrcIP: netip.MustParseAddr(src), DstIP: netip.MustParseAddr(dst),
		SrcPort: uint16(40000 + at.Unix()%20000), DstPort: port, Proto: proto, Bytes: bytes, BytesRev: 3 * bytes,
		Packets: 4, Flows: 1, Action: flow.Allow, Direction: flow.Outbound, Format: "zeek-conn", Cloud: "onprem",
		ServicePort: port, Service: "HTTPS", Src: flow.Side{Workload: "WS-" + src, Zone: "Internal"},
		Dst: flow.Side{Zone: "Internet", Country: "NL"},
	}
}

// series makes n connections from start, each gap drawn by gap, each size by size.
func series(start time.Time, n int, gap func() time.Duration, size func() uint64, mk func(at time.Time, bytes uint64) flow.Record) []flow.Record {
	var out []flow.Record
	at := start
	for range n {
		out = append(out, mk(at, size()))
		at = at.Add(gap())
	}
	return out
}

func TestDetect(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	jitter := func(d time.Duration, j float64) func() time.Duration {
		return func() time.Duration { return time.Duration(float64(d) * (1 - j + 2*j*r.Float64())) }
	}
	around := func(b float64, j float64) func() uint64 {
		return func() uint64 { return uint64(b * (1 - j + 2*j*r.Float64())) }
	}
	var recs []flow.Record
	// A beacon: every 60 s ± 10% for 11 hours, 1200 bytes ± 5%.
	recs = append(recs, series(t0.Add(10*time.Minute), 650, jitter(time.Minute, 0.1), around(1200, 0.05), func(at time.Time, b uint64) flow.Record {
		return conn(at, "10.0.0.5", "203.0.113.9", 6, 443, b)
	})...)
	// A slow beacon with wide jitter: every 15 min ± 40%, DNS-sized, on a custom port.
	recs = append(recs, series(t0, 45, jitter(15*time.Minute, 0.4), around(300, 0.1), func(at time.Time, b uint64) flow.Record {
		return conn(at, "10.0.0.6", "203.0.113.10", 6, 8088, b)
	})...)
	// A person browsing: exponential gaps (mean 12 min), sizes all over.
	recs = append(recs, series(t0, 55, func() time.Duration { return time.Duration(r.ExpFloat64() * float64(12*time.Minute)) },
		func() uint64 { return uint64(2e3 + r.Float64()*40e3) }, func(at time.Time, b uint64) flow.Record {
			return conn(at, "10.0.0.7", "198.51.100.7", 6, 443, b)
		})...)
	// NTP polls every 64 s: excluded by design.
	recs = append(recs, series(t0, 600, jitter(64*time.Second, 0.01), around(76, 0), func(at time.Time, b uint64) flow.Record {
		c := conn(at, "10.0.0.8", "198.51.100.123", 17, 123, b)
		c.Service = "NTP"
		return c
	})...)
	// The resolver forwards DNS every 30 s: excluded; a desktop doing the same is not.
	for _, src := range []string{"10.0.0.53", "10.0.0.9"} {
		recs = append(recs, series(t0, 1000, jitter(30*time.Second, 0.05), around(80, 0.1), func(at time.Time, b uint64) flow.Record {
			c := conn(at, src, "8.8.8.8", 17, 53, b)
			c.Service = "DNS"
			if src == "10.0.0.53" {
				c.Src.Role = "dns"
			}
			return c
		})...)
	}
	// Too few to say: a dozen regular connections.
	recs = append(recs, series(t0, 12, jitter(time.Hour, 0), around(500, 0), func(at time.Time, b uint64) flow.Record {
		return conn(at, "10.0.0.10", "203.0.113.11", 6, 443, b)
	})...)
	// Internal periodic traffic (monitoring) is not beaconing to the internet.
	recs = append(recs, series(t0, 700, jitter(time.Minute, 0.01), around(500, 0), func(at time.Time, b uint64) flow.Record {
		c := conn(at, "10.0.0.11", "10.0.1.1", 6, 9100, b)
		c.Direction = flow.Internal
		return c
	})...)
	// The server's answers (AWS, GCP) are not the client's requests.
	recs = append(recs, series(t0, 700, jitter(time.Minute, 0.01), around(500, 0), func(at time.Time, b uint64) flow.Record {
		c := conn(at, "10.0.0.12", "203.0.113.12", 6, 443, b)
		c.Answer = true
		return c
	})...)
	st := detecttest.Store(t, recs)
	fs, err := New(Configuration{}).Detect(context.Background(), st, window)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range fs {
		got[f.Key] = f.Score
		if f.Score < 70 || len(f.Evidence.Score) != 3 || f.Evidence.Filter == "" || f.Title == "" || f.Summary == "" {
			t.Errorf("%s: incomplete finding %+v", f.Key, f)
		}
		sum := 0
		for _, r := range f.Evidence.Score {
			sum += r.Points
		}
		if sum != f.Score {
			t.Errorf("%s: reasons add up to %d, score %d", f.Key, sum, f.Score)
		}
	}
	want := []string{"beaconing:10.0.0.5|203.0.113.9|443", "beaconing:10.0.0.6|203.0.113.10|8088", "beaconing:10.0.0.9|8.8.8.8|53"}
	var keys []string
	for _, f := range fs {
		keys = append(keys, f.Key)
	}
	if diff := cmp.Diff(want, sortStrings(keys)); diff != "" {
		t.Errorf("findings (-want, +got):\n%s\nscores %v", diff, got)
	}
	for _, f := range fs {
		if f.Key == want[0] {
			if diff := cmp.Diff([]string{"T1071", "T1071.001"}, f.Techniques); diff != "" {
				t.Errorf("techniques (-want, +got):\n%s", diff)
			}
			// Times are kept to the second: the median gap may round down.
			if med := f.Evidence.Details["median_interval_seconds"].(float64); f.Evidence.Flows != 650 || med < 59 || med > 60 {
				t.Errorf("evidence: %d flows, %v", f.Evidence.Flows, f.Evidence.Details)
			}
		}
	}
}

func sortStrings(v []string) []string {
	out := append([]string(nil), v...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestMeasure(t *testing.T) {
	for _, tc := range []struct {
		name            string
		v               []float64
		median, mad     float64
		skew            float64
		skewScoreAtMost float64
	}{
		{"constant", []float64{60, 60, 60, 60, 60}, 60, 0, 0, 1},
		{"symmetric", []float64{50, 55, 60, 65, 70}, 60, 5, 0, 1},
		{"right-skewed", []float64{10, 11, 12, 30, 100}, 12, 2, 0.9, 0.2},
	} {
		r := measure(append([]float64(nil), tc.v...))
		if r.median != tc.median || r.mad != tc.mad || math.Abs(r.skew-tc.skew) > 0.01 || r.skewScore > tc.skewScoreAtMost+1e-9 {
			t.Errorf("%s: measure(%v) = %+v, want median %g mad %g skew %g", tc.name, tc.v, r, tc.median, tc.mad, tc.skew)
		}
	}
}
