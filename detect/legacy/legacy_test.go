package legacy

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
	svc := func(r flow.Record, service string) flow.Record { r.Service = service; return r }
	ftp := []flow.Record{svc(conn(at, "10.2.0.9", "91.243.44.7", 21, 3000, 6000, flow.Allow), "FTP")}
	for i := range 5 {
		r := conn(at.Add(time.Duration(i+1)*time.Minute), "10.2.0.9", "91.243.44.7", uint16(50000+i), 40_000_000, 50_000, flow.Allow)
		ftp = append(ftp, r)
	}
	for _, tc := range []struct {
		name      string
		recs      []flow.Record
		want      []string
		technique string
		pairBytes uint64
	}{
		{"telnet out", []flow.Record{svc(conn(at, "10.2.0.9", "212.71.4.5", 23, 20_000, 80_000, flow.Allow), "Telnet")},
			[]string{"legacy-protocol:Telnet|10.2.0.9|outbound"}, "T1021", 100_000},
		{"ftp upload with its data connections", ftp, []string{"legacy-protocol:FTP|10.2.0.9|outbound"}, "T1048.003", 200_259_000},
		{"telnet exposed", []flow.Record{svc(conn(at, "5.6.7.8", "10.1.0.4", 23, 2_000, 8_000, flow.Allow), "Telnet")},
			[]string{"legacy-protocol:Telnet|10.1.0.4|inbound"}, "T1133", 10_000},
		{"netbios out", []flow.Record{svc(conn(at, "10.2.0.9", "5.6.7.8", 139, 2_000, 8_000, flow.Allow), "NetBIOS-SSN")},
			[]string{"legacy-protocol:NetBIOS-SSN|10.2.0.9|outbound"}, "T1187", 10_000},
		{"denied telnet knocks", []flow.Record{svc(conn(at, "5.6.7.8", "10.1.0.4", 23, 60, 0, flow.Deny), "Telnet")}, nil, "", 0},
		{"internal telnet", []flow.Record{svc(conn(at, "10.2.0.9", "10.1.0.4", 23, 2_000, 8_000, flow.Allow), "Telnet")}, nil, "", 0},
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
				if f.Techniques[0] != tc.technique {
					t.Errorf("technique %v, want %s", f.Techniques, tc.technique)
				}
				if got := f.Evidence.Details["pair_bytes"]; got != tc.pairBytes {
					t.Errorf("pair bytes %v, want %d", got, tc.pairBytes)
				}
			}
			if diff := cmp.Diff(tc.want, keys); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEstate(t *testing.T) {
	measure(t, New(Configuration{}), map[string]bool{"telnet": true, "ftp": true})
}
