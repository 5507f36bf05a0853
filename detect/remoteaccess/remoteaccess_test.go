package remoteaccess

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
	svc := func(r flow.Record, service, domain string) flow.Record {
		r.Service, r.Dst.Domain = service, domain
		return r
	}
	var heartbeats []flow.Record
	for i := range 60 {
		r := svc(conn(at.Add(time.Duration(i)*30*time.Second), "10.2.0.9", "209.250.254.15", 21116, 80, 60, flow.Allow), "RustDesk", "")
		r.Proto = 17
		heartbeats = append(heartbeats, r)
	}
	for _, tc := range []struct {
		name string
		recs []flow.Record
		want []string
	}{
		{"rustdesk heartbeats to its rendezvous server", heartbeats, []string{"remote-access-tool:RustDesk|10.2.0.9|outbound"}},
		{"vnc from the internet", []flow.Record{svc(conn(at, "167.99.4.5", "10.1.0.4", 5900, 500_000, 20_000_000, flow.Allow), "VNC", "")},
			[]string{"remote-access-tool:VNC|10.1.0.4|inbound"}},
		{"anydesk by its relay's name on 443", []flow.Record{svc(conn(at, "10.2.0.9", "5.1.2.3", 443, 50_000, 900_000, flow.Allow), "HTTPS", "relay-1.net.anydesk.com")},
			[]string{"remote-access-tool:AnyDesk|10.2.0.9|outbound"}},
		{"denied vnc knocks", []flow.Record{svc(conn(at, "178.62.1.2", "10.1.0.4", 5900, 60, 0, flow.Deny), "VNC", "")}, nil},
		{"a handshake that carried nothing", []flow.Record{svc(conn(at, "10.2.0.9", "5.1.2.3", 7070, 120, 60, flow.Allow), "AnyDesk", "")}, nil},
		{"ordinary https", []flow.Record{svc(conn(at, "10.2.0.9", "5.1.2.3", 443, 50_000, 900_000, flow.Allow), "HTTPS", "www.example.com")}, nil},
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
			}
			if diff := cmp.Diff(tc.want, keys); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEstate(t *testing.T) {
	measure(t, New(Configuration{}), map[string]bool{"remote-access-rustdesk": true, "remote-access-vnc": true})
}
