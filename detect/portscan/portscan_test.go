package portscan

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/flow"
)

var hunt = detect.Window{From: day0, Until: day0.Add(24 * time.Hour), BaselineFrom: day0.Add(-24 * time.Hour)}

func TestScripted(t *testing.T) {
	at := day0.Add(10 * time.Hour)
	sweep := func(src string, port uint16, n int, bytes, rev uint64, action flow.Action, when time.Time) []flow.Record {
		var out []flow.Record
		for i := range n {
			out = append(out, conn(when.Add(time.Duration(i)*time.Second), src, fmt.Sprintf("10.1.%d.%d", i/200, 1+i%200), port, bytes, rev, action))
		}
		return out
	}
	walk := func(src, dst string, n int, action flow.Action) []flow.Record {
		var out []flow.Record
		for p := range n {
			out = append(out, conn(at.Add(time.Duration(p)*time.Second), src, dst, uint16(1+p), 60, 0, action))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		recs []flow.Record
		want []string // keys
	}{
		{"internal horizontal sweep, unanswered", sweep("10.9.0.5", 6379, 300, 60, 0, flow.Allow, at), []string{"port-scan:horizontal|10.9.0.5"}},
		{"internal horizontal sweep, resets", sweep("10.9.0.5", 445, 40, 60, 40, flow.Allow, at), []string{"port-scan:horizontal|10.9.0.5"}},
		{"vertical walk from the internet, denied", walk("45.155.205.99", "10.1.0.9", 200, flow.Deny), []string{"port-scan:vertical|45.155.205.99"}},
		{"too few hosts", sweep("10.9.0.5", 6379, 12, 60, 0, flow.Allow, at), nil},
		{"too few ports", walk("45.155.205.99", "10.1.0.9", 10, flow.Deny), nil},
		{"a busy client holding conversations", sweep("10.9.0.6", 443, 300, 20_000, 400_000, flow.Allow, at), nil},
		{"a health checker that did the same yesterday", append(sweep("10.9.0.7", 8080, 30, 60, 40, flow.Allow, at),
			sweep("10.9.0.7", 8080, 30, 60, 40, flow.Allow, at.Add(-24*time.Hour))...), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := storeOf(t, tc.recs)
			fs, err := New(Configuration{}).Detect(context.Background(), s, hunt)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, f := range fs {
				keys = append(keys, f.Key)
				checkFinding(t, f)
				if f.Score < 40 || f.Score > 100 {
					t.Errorf("score %d out of range: %v", f.Score, f.Evidence.Score)
				}
			}
			if diff := cmp.Diff(tc.want, keys); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScriptedEvidence(t *testing.T) {
	at := day0.Add(10 * time.Hour)
	var recs []flow.Record
	for i := range 50 {
		recs = append(recs, conn(at.Add(time.Duration(i)*time.Second), "10.9.0.5", fmt.Sprintf("10.1.0.%d", i+1), 6379, 60, 0, flow.Allow))
	}
	s := storeOf(t, recs)
	fs, err := New(Configuration{}).Detect(context.Background(), s, hunt)
	if err != nil || len(fs) != 1 {
		t.Fatalf("findings %v, error %v; want one", fs, err)
	}
	f := fs[0]
	if f.Evidence.Flows != 50 || len(f.Entities.Destinations) != 50 || !cmp.Equal(f.Evidence.Ports, []uint16{6379}) {
		t.Errorf("evidence: %d flows, %d destinations, ports %v; want 50, 50, [6379]", f.Evidence.Flows, len(f.Entities.Destinations), f.Evidence.Ports)
	}
	if !f.FirstSeen.Equal(at) || !f.LastSeen.Equal(at.Add(time.Hour)) {
		t.Errorf("seen %v–%v, want the hour from %v", f.FirstSeen, f.LastSeen, at)
	}
	if want := `src.ip = "10.9.0.5" and service.port in (6379) and answer = false`; f.Evidence.Filter != want {
		t.Errorf("filter %q, want %q", f.Evidence.Filter, want)
	}
}

func TestEstate(t *testing.T) {
	measure(t, New(Configuration{}), map[string]bool{"scan-horizontal": true, "scan-vertical": true})
}
