package quarantine

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestMetrics: states entered and enforcer failures are counted.
func TestMetrics(t *testing.T) {
	before := func() (req, quar, fail float64) {
		return testutil.ToFloat64(transitions.WithLabelValues(Requested)),
			testutil.ToFloat64(transitions.WithLabelValues(Quarantined)),
			testutil.ToFloat64(enforcerErrors.WithLabelValues("metrics-fake", "apply"))
	}
	r0, q0, f0 := before()
	e := newEnv(t)
	m := e.manager(t, testConfig(), &fake{name: "metrics-fake", applyErrs: []error{errFlaky}})
	mustRequest(t, m, Request{Workload: "web-1", Reason: "beaconing"})
	step(t, m)
	e.clock.Advance(time.Hour)
	step(t, m)
	r1, q1, f1 := before()
	if r1-r0 != 1 || q1-q0 != 1 || f1-f0 != 1 {
		t.Errorf("requested +%v, quarantined +%v, apply errors +%v; want +1 each", r1-r0, q1-q0, f1-f0)
	}
}
