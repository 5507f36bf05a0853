package exfil

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/flow"
)

func TestDetect(t *testing.T) {
	up := func(at time.Time, src, dst, cc string, bytes uint64) flow.Record {
		c := conn(at, time.Minute, src, dst, 443, bytes, flow.Outbound)
		c.Dst.Country = cc
		return c
	}
	var recs []flow.Record
	for h := range 12 {
		now, base := t0.Add(time.Duration(h)*time.Hour), t0.Add(time.Duration(h-12)*time.Hour)
		// A server that uploads 2 GB an hour to its backup in the US, baseline and
		// window alike: large, but usual.
		recs = append(recs, up(base, "10.0.0.1", "52.0.0.1", "US", 2e9), up(now, "10.0.0.1", "52.0.0.1", "US", 2e9))
		// The same server starts a slow drip to Russia: 40 MB an hour.
		recs = append(recs, up(now.Add(10*time.Minute), "10.0.0.1", "95.173.136.70", "RU", 40e6))
		// A desktop's ordinary uploads: a few MB an hour.
		recs = append(recs, up(base, "10.0.0.2", "52.0.0.2", "US", 3e6), up(now, "10.0.0.2", "52.0.0.2", "US", 3e6))
	}
	// A database uploads 5 GB to Iran within 40 minutes.
	for i := range 10 {
		recs = append(recs, up(t0.Add(8*time.Hour+time.Duration(i)*4*time.Minute), "10.0.0.3", "5.160.0.1", "IR", 500e6))
	}
	// Cross-region: 40 GB between two regions of the estate, against 1 GB in the baseline.
	cross := func(at time.Time, bytes uint64) flow.Record {
		c := conn(at, time.Minute, "10.68.4.11", "10.70.1.11", 443, bytes, flow.Internal)
		c.Src.Region, c.Dst.Region, c.Dst.Zone, c.Dst.Country = "eastus", "westeurope", "Internal", ""
		return c
	}
	recs = append(recs, cross(t0.Add(-6*time.Hour), 1e9))
	for i := range 20 {
		recs = append(recs, cross(t0.Add(5*time.Hour+time.Duration(i)*time.Minute), 2e9))
	}
	st := store(t, recs)
	fs, err := New(Configuration{}).Detect(context.Background(), st, window)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"exfiltration:10.0.0.1", "exfiltration:10.0.0.3", "exfiltration:cross-region|10.68.4.11|10.70.1.11"}
	if diff := cmp.Diff(want, findingKeys(fs)); diff != "" {
		t.Fatalf("findings (-want, +got):\n%s", diff)
	}
	checkScores(t, fs)
	drip, burst, copy := fs[0], fs[1], fs[2]
	if diff := cmp.Diff([]string{"95.173.136.70"}, drip.Entities.Destinations); diff != "" {
		t.Errorf("drip destinations (-want, +got):\n%s", diff)
	}
	if !slices.Contains(drip.Techniques, "T1041") || !hasReason(drip, "slow drip") || !hasReason(drip, "never sent to") {
		t.Errorf("drip: techniques %v, reasons %v", drip.Techniques, drip.Evidence.Score)
	}
	if burst.Evidence.Bytes != 5e9 || !hasReason(burst, "burst") || burst.Score < 90 {
		t.Errorf("burst: %d bytes, score %d, reasons %v", burst.Evidence.Bytes, burst.Score, burst.Evidence.Score)
	}
	if copy.Evidence.Bytes != 40e9 || !slices.Contains(copy.Techniques, "T1537") {
		t.Errorf("cross-region: %d bytes, techniques %v", copy.Evidence.Bytes, copy.Techniques)
	}
}

func hasReason(f detect.Finding, s string) bool {
	for _, r := range f.Evidence.Score {
		if strings.Contains(r.Reason, s) && r.Points > 0 {
			return true
		}
	}
	return false
}
