package bruteforce

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/flow"
)

var hunt = detect.Window{From: day0, Until: day0.Add(24 * time.Hour), BaselineFrom: day0.Add(-24 * time.Hour)}

func TestScripted(t *testing.T) {
	at := day0.Add(10 * time.Hour)
	guesses := func(src, dst string, port uint16, n int, bytes uint64, action flow.Action) []flow.Record {
		var out []flow.Record
		for i := range n {
			out = append(out, conn(at.Add(time.Duration(i)*10*time.Second), src, dst, port, bytes, bytes, action))
		}
		return out
	}
	success := conn(at.Add(time.Hour), "218.92.0.107", "10.1.0.4", 22, 300_000, 2_000_000, flow.Allow)
	for _, tc := range []struct {
		name       string
		recs       []flow.Record
		want       []string
		techniques []string
		session    bool
	}{
		{"ssh guessing from the internet", guesses("218.92.0.107", "10.1.0.4", 22, 200, 2500, flow.Allow),
			[]string{"brute-force:218.92.0.107|22"}, []string{"T1110", "T1110.001"}, false},
		{"ssh guessing, then a session", append(guesses("218.92.0.107", "10.1.0.4", 22, 200, 2500, flow.Allow), success),
			[]string{"brute-force:218.92.0.107|22"}, []string{"T1110", "T1110.001"}, true},
		{"rdp denied across servers", append(append(guesses("141.98.11.15", "10.1.0.4", 3389, 20, 60, flow.Deny),
			guesses("141.98.11.15", "10.1.0.5", 3389, 20, 60, flow.Deny)...), guesses("141.98.11.15", "10.1.0.6", 3389, 20, 60, flow.Deny)...),
			[]string{"brute-force:141.98.11.15|3389"}, []string{"T1110", "T1110.003"}, false},
		{"internal smb logons are not watched", guesses("10.2.0.9", "10.1.0.4", 445, 200, 3000, flow.Allow), nil, nil, false},
		{"smb from the internet is", guesses("45.141.84.30", "10.1.0.4", 445, 200, 3000, flow.Allow),
			[]string{"brute-force:45.141.84.30|445"}, []string{"T1110", "T1110.001"}, false},
		{"an admin's sessions", guesses("10.2.0.9", "10.1.0.4", 22, 60, 80_000, flow.Allow), nil, nil, false},
		{"too few attempts", guesses("218.92.0.107", "10.1.0.4", 22, 20, 2500, flow.Allow), nil, nil, false},
		{"https is not an auth service here", guesses("218.92.0.107", "10.1.0.4", 443, 200, 2500, flow.Allow), nil, nil, false},
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
				if !cmp.Equal(f.Techniques, tc.techniques) {
					t.Errorf("techniques %v, want %v", f.Techniques, tc.techniques)
				}
				got := slices.ContainsFunc(f.Evidence.Score, func(r detect.ScoreReason) bool { return r.Points == 30 })
				if got != tc.session {
					t.Errorf("session after the failures scored %v, want %v: %v", got, tc.session, f.Evidence.Score)
				}
			}
			if diff := cmp.Diff(tc.want, keys); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEstate(t *testing.T) {
	measure(t, New(Configuration{}), map[string]bool{"brute-force-ssh": true, "brute-force-rdp": true})
}
