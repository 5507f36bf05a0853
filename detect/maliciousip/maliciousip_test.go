package maliciousip

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/flow"
)

var hunt = detect.Window{From: day0, Until: day0.Add(24 * time.Hour), BaselineFrom: day0.Add(-24 * time.Hour)}

func TestScripted(t *testing.T) {
	at := day0.Add(10 * time.Hour)
	bad := flow.Threat{Feeds: "firehol_level1", Category: "c2", Confidence: 90}
	to := func(r flow.Record) flow.Record { r.Dst.Threat = bad; return r }
	from := func(r flow.Record) flow.Record { r.Src.Threat = bad; return r }
	var knocks []flow.Record
	for i := range 5 {
		knocks = append(knocks, from(conn(at.Add(time.Duration(i)*time.Minute), "80.94.95.116", "10.1.0.4", 8009, 60, 0, flow.Deny)))
	}
	for _, tc := range []struct {
		name    string
		recs    []flow.Record
		want    []string
		tactics []string
	}{
		{"outbound to a c2", []flow.Record{to(conn(at, "10.2.0.9", "5.188.206.14", 443, 1200, 3400, flow.Allow))},
			[]string{"malicious-ip:5.188.206.14"}, []string{"TA0011"}},
		{"inbound allowed", []flow.Record{from(conn(at, "80.94.95.116", "10.1.0.4", 8009, 64, 100, flow.Allow))},
			[]string{"malicious-ip:80.94.95.116"}, []string{"TA0001"}},
		{"a few denied knocks", knocks, nil, nil},
		{"unlisted", []flow.Record{conn(at, "10.2.0.9", "5.188.206.14", 443, 1200, 3400, flow.Allow)}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := New(Configuration{}).Detect(context.Background(), storeOf(t, tc.recs), hunt)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, f := range fs {
				keys = append(keys, f.Key)
				checkFinding(t, f)
				if !cmp.Equal(f.Tactics, tc.tactics) {
					t.Errorf("tactics %v, want %v", f.Tactics, tc.tactics)
				}
			}
			if diff := cmp.Diff(tc.want, keys); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOutboundScoresAboveDeniedInbound(t *testing.T) {
	at := day0.Add(10 * time.Hour)
	var recs []flow.Record
	out := conn(at, "10.2.0.9", "5.188.206.14", 443, 1200, 3400, flow.Allow)
	out.Dst.Threat = flow.Threat{Feeds: "f"}
	recs = append(recs, out)
	for i := range 30 {
		r := conn(at.Add(time.Duration(i)*time.Minute), "45.155.205.99", "10.1.0.4", uint16(i+1), 60, 0, flow.Deny)
		r.Src.Threat = flow.Threat{Feeds: "drop"}
		recs = append(recs, r)
	}
	fs, err := New(Configuration{}).Detect(context.Background(), storeOf(t, recs), hunt)
	if err != nil || len(fs) != 2 {
		t.Fatalf("findings %v, error %v; want two", fs, err)
	}
	score := map[string]int{}
	for _, f := range fs {
		score[f.Entities.Destinations[0]] = f.Score
	}
	if score["5.188.206.14"] <= score["10.1.0.4"] {
		t.Errorf("allowed outbound scored %d, denied inbound %d: want outbound higher", score["5.188.206.14"], score["10.1.0.4"])
	}
}

func TestEstate(t *testing.T) {
	measure(t, New(Configuration{}), map[string]bool{"ajp-probe": true, "beaconing": true, "ftp": true,
		"brute-force-ssh": true, "brute-force-rdp": true, "scan-vertical": true})
}
