package lateral

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

func labelled(r flow.Record, srcRole, dstRole string) flow.Record {
	r.Src.Role, r.Dst.Role = srcRole, dstRole
	return r
}

func TestScripted(t *testing.T) {
	at := day0.Add(10 * time.Hour)
	fanout := func(when time.Time, src string, port uint16, n int, srcRole, dstRole string) []flow.Record {
		var out []flow.Record
		for i := range n {
			out = append(out, labelled(conn(when.Add(time.Duration(i)*time.Minute), src, fmt.Sprintf("10.1.0.%d", i+1), port, 5000, 20000, flow.Allow), srcRole, dstRole))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		recs []flow.Record
		want []string
	}{
		{"smb sweep from a desktop", fanout(at, "10.2.0.9", 445, 20, "desktop", "app"), []string{"lateral-movement:10.2.0.9|SMB"}},
		{"rdp to three servers", fanout(at, "10.2.0.9", 3389, 3, "desktop", "db"), []string{"lateral-movement:10.2.0.9|RDP"}},
		{"winrm to two workstations", fanout(at, "10.2.0.9", 5985, 2, "desktop", "desktop"), []string{"lateral-movement:10.2.0.9|WinRM"}},
		{"the same fan-out in the baseline", append(fanout(at, "10.2.0.9", 445, 20, "desktop", "app"),
			fanout(at.Add(-24*time.Hour), "10.2.0.9", 445, 20, "desktop", "app")...), nil},
		{"smb to domain controllers", fanout(at, "10.2.0.9", 445, 4, "desktop", "dc"), nil},
		{"one new server", fanout(at, "10.2.0.9", 22, 1, "app", "app"), nil},
		{"not a remote service", fanout(at, "10.2.0.9", 8443, 20, "desktop", "app"), nil},
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
	measure(t, New(Configuration{}), map[string]bool{"lateral-smb": true, "lateral-rdp": true})
}
