package eval

import (
	"context"
	"fmt"
	"testing"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/detect/beaconing"
	"github.com/weirhq/weir/detect/exfil"
	"github.com/weirhq/weir/detect/longconn"
	"github.com/weirhq/weir/detect/shadowllm"
	"github.com/weirhq/weir/internal/estate"
)

// mine are the detectors this package's estate test holds to the targets.
func mine() []detect.Detector {
	return []detect.Detector{
		beaconing.New(beaconing.Configuration{}),
		longconn.New(longconn.Configuration{}),
		exfil.New(exfil.Configuration{}),
		shadowllm.New(shadowllm.Configuration{}),
	}
}

// TestEstates runs the detectors over simulated estates of two sizes and several
// seeds, and holds them to the targets: every scenario kind they are expected to
// catch caught, and at most one false-positive finding per 100 workloads per day.
func TestEstates(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and ingests estates")
	}
	for _, tc := range []struct {
		seed      uint64
		workloads int
	}{{1, 60}, {2, 60}, {3, 120}} {
		t.Run(fmt.Sprintf("seed%d-%dworkloads", tc.seed, tc.workloads), func(t *testing.T) {
			e := estate.Load(t, estate.Config{Hours: 24, Seed: tc.seed, Workloads: tc.workloads, Sanctioned: []string{"Azure OpenAI"}})
			w := WindowOf(e.Truth)
			dets := mine()
			res := detect.Run(context.Background(), e.Store, w, dets)
			for name, err := range res.Errors {
				t.Fatalf("%s: %v", name, err)
			}
			rep := Score(e.Truth, res.Findings, e.Truth.Workloads, Days(w))
			for _, f := range res.Findings {
				t.Logf("%s %d %s %v %v %v", f.Detector, f.Score, f.Title, f.FirstSeen, f.LastSeen, f.Evidence.Score)
			}
			for _, d := range dets {
				t.Logf("%s took %s", d.Name(), res.Took[d.Name()])
			}
			names := map[string]bool{}
			for _, d := range dets {
				names[d.Name()] = true
			}
			for _, k := range rep.Kinds {
				// Kinds only these detectors are expected to catch (long-connection
				// also catches remote access, which is remote-access-tool's).
				mineKind := len(k.Expected) > 0
				for _, d := range k.Expected {
					mineKind = mineKind && names[d]
				}
				t.Logf("kind %-24s recall %.2f (%d/%d) caught by %v", k.Kind, k.Recall, k.Caught, k.Scenarios, k.CaughtBy)
				if mineKind && k.Recall < 0.95 {
					t.Errorf("%s: recall %.2f, want ≥ 0.95", k.Kind, k.Recall)
				}
			}
			for _, d := range rep.Detectors {
				t.Logf("detector %-16s findings %d true %d precision %.2f fp/100wl/day %.2f", d.Detector, d.Findings, d.True, d.Precision, d.FPPer100Day)
				if d.FPPer100Day > 1 {
					t.Errorf("%s: %.2f false-positive findings per 100 workloads per day, want ≤ 1", d.Detector, d.FPPer100Day)
				}
			}
		})
	}
}
