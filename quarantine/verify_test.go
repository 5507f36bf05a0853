package quarantine

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/query"
	"github.com/weirhq/weir/store/duckdb"
)

// conn is one request record as the enricher leaves it.
func conn(at time.Time, src, dst string, port uint16, proto uint8, action flow.Action) flow.Record {
	r := flow.Record{
		Start: at, End: at.Add(time.Second), SrcIP: netip.MustParseAddr(src), DstIP: netip.MustParseAddr(dst),
		SrcPort: 40000, DstPort: port, Proto: proto, Bytes: 1000, BytesRev: 500, Packets: 4, Flows: 1,
		Action: action, Direction: flow.Internal, Format: "azure-vnet", Cloud: "azure", ServicePort: port,
		Src: flow.Side{Zone: "Internal Azure"}, Dst: flow.Side{Zone: "Internal Azure"},
	}
	for name, w := range inventory {
		if w.IPs[0] == r.SrcIP {
			r.Src.Workload = name
		}
		if w.IPs[0] == r.DstIP {
			r.Dst.Workload = name
		}
	}
	return r
}

func (e *env) write(t *testing.T, recs []flow.Record) {
	t.Helper()
	ctx := context.Background()
	w, err := e.st.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i := range recs {
		w.Append(&recs[i])
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Rollup(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestVerify(t *testing.T) {
	e := newEnv(t)
	enf := &fake{name: "fake"}
	m := e.manager(t, testConfig(), enf)
	ctx := context.Background()
	web := mustRequest(t, m, Request{Workload: "web-1", Allow: []string{"jump-1", "10.1.0.0/16"}})
	db := mustRequest(t, m, Request{Workload: "db-1", Allow: []string{"10.0.9.1"}})
	step(t, m) // both quarantined at t0

	after := t0.Add(10 * time.Minute) // past the grace
	e.write(t, []flow.Record{
		conn(t0.Add(-time.Hour), "10.0.0.5", "10.0.0.7", 445, 6, flow.Allow),     // before the quarantine
		conn(t0.Add(time.Minute), "10.0.0.5", "10.0.0.7", 445, 6, flow.Allow),    // within the grace
		conn(after, "10.0.0.5", "10.0.0.7", 445, 6, flow.Allow),                  // the leak
		conn(after.Add(time.Minute), "10.0.0.8", "10.0.0.5", 443, 6, flow.Allow), // the leak, inbound
		conn(after, "10.0.0.5", "10.0.0.53", 53, 17, flow.Allow),                 // DNS
		conn(after, "10.0.0.5", "10.0.9.1", 22, 6, flow.Allow),                   // allowed workload
		conn(after, "10.0.0.5", "10.1.4.4", 8443, 6, flow.Allow),                 // allowed network
		conn(after, "203.0.113.9", "10.0.0.5", 3389, 6, flow.Deny),               // the quarantine working
		conn(after, "10.0.9.1", "10.0.0.6", 5432, 6, flow.Allow),                 // db-1: allowed address
		conn(after, "10.0.0.7", "10.0.0.99", 445, 6, flow.Allow),                 // neither quarantined
	})

	fs, err := m.Verify(ctx, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 {
		t.Fatalf("Verify: %d findings, want 1 (web-1): %+v", len(fs), fs)
	}
	f := fs[0]
	want := detect.Finding{Detector: LeakDetector, Key: detect.KeyOf(LeakDetector, web.ID), Tactics: []string{"TA0005"},
		Techniques: []string{"T1562.004", "T1599"}, Severity: detect.High, Score: 70,
		FirstSeen: t0.Add(2 * time.Minute), LastSeen: t0.Add(time.Hour),
		Entities: detect.Entities{Sources: []string{"10.0.0.5", "10.0.0.8"}, Destinations: []string{"10.0.0.5", "10.0.0.7"},
			Workloads: []string{"web-1"}},
		Evidence: detect.Evidence{Flows: 2, Bytes: 3000, Ports: []uint16{443, 445}}}
	got := f
	got.ID, got.Title, got.Summary, got.Evidence.Filter, got.Evidence.Score, got.Evidence.Details = "", "", "", "", nil, nil
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("finding (-got, +want):\n%s", diff)
	}
	if f.ID != detect.IDOf(f.Key) || f.Title == "" || f.Summary == "" {
		t.Errorf("finding id %q title %q summary %q", f.ID, f.Title, f.Summary)
	}
	// The finding's filter must be one the filter language accepts, and select the same flows.
	c, err := query.Compile(f.Evidence.Filter, query.DuckDB)
	if err != nil {
		t.Fatalf("filter %q: %v", f.Evidence.Filter, err)
	}
	rows, _, err := e.st.Aggregate(ctx, duckdb.AggregateQuery{From: t0.Add(-24 * time.Hour), Until: t0.Add(24 * time.Hour),
		Where: c.Where, Args: c.Args, Columns: c.Columns})
	if err != nil || len(rows) != 1 || rows[0]["flows"] != uint64(2) {
		t.Errorf("the finding's filter selects %v (%v), want the 2 leaking flows", rows, err)
	}
	if got := get(t, m, web.ID); got.State != Leaking {
		t.Errorf("web-1: %s, want leaking", got.State)
	}
	if got := get(t, m, db.ID); got.State != Quarantined {
		t.Errorf("db-1: %s, want quarantined", got.State)
	}
	if acts := e.actions(t, web.ID); acts[len(acts)-2] != "quarantine.leak" || acts[len(acts)-1] != "quarantine.reapply" {
		t.Errorf("audit %v, want the leak, then its enforcer applying it again", acts)
	}
	if applied, _ := enf.calls(); applied != 3 {
		t.Errorf("the enforcer applied %d times, want 3 (web-1, db-1, web-1 again on the leak)", applied)
	}

	// Again: the leaking quarantine still reports, without another transition.
	fs, err = m.Verify(ctx, t0.Add(2*time.Hour))
	if err != nil || len(fs) != 1 || fs[0].Key != f.Key {
		t.Errorf("second Verify: %v, %v", fs, err)
	}
	if n := len(e.actions(t, web.ID)); n != 5 {
		t.Errorf("%d audit entries after a second Verify, want 5 (no new transition, no new re-apply)", n)
	}
}

// TestVerifyHoldsAgain: a leaking quarantine holds again once it shows no leak
// for VerifyClean while flow logs keep arriving, and not while they stall; a
// later leak marks it leaking again, judged only on flows after it held.
func TestVerifyHoldsAgain(t *testing.T) {
	e := newEnv(t)
	m := e.manager(t, testConfig(), &fake{name: "fake"})
	ctx := context.Background()
	web := mustRequest(t, m, Request{Workload: "web-1"})
	step(t, m)
	e.write(t, []flow.Record{conn(t0.Add(10*time.Minute), "10.0.0.5", "10.0.0.7", 445, 6, flow.Allow)})
	e.clock.Advance(time.Hour)
	if _, err := m.Verify(ctx, e.clock.Now()); err != nil || get(t, m, web.ID).State != Leaking {
		t.Fatalf("after the leak: %v %s", err, get(t, m, web.ID).State)
	}

	// An hour on, no flow at all has arrived: silence proves nothing.
	e.clock.Advance(time.Hour)
	if _, err := m.Verify(ctx, e.clock.Now()); err != nil || get(t, m, web.ID).State != Leaking {
		t.Fatalf("with no flows arriving: %v %s, want still leaking", err, get(t, m, web.ID).State)
	}
	// Flows arrive, none of web-1's outside its allow list: it holds again.
	now := e.clock.Now()
	e.write(t, []flow.Record{
		conn(now.Add(-10*time.Minute), "10.0.0.7", "10.0.0.99", 445, 6, flow.Allow),
		conn(now.Add(-5*time.Minute), "203.0.113.9", "10.0.0.5", 3389, 6, flow.Deny),
	})
	fs, err := m.Verify(ctx, now)
	q := get(t, m, web.ID)
	if err != nil || len(fs) != 0 || q.State != Quarantined || !q.HoldsSince.Equal(now) || !q.QuarantinedAt.Equal(t0) {
		t.Fatalf("after a clean half hour: %v, %d findings, %s, holds since %v, quarantined at %v", err, len(fs), q.State,
			q.HoldsSince, q.QuarantinedAt)
	}
	if acts := e.actions(t, web.ID); acts[len(acts)-1] != "quarantine.holds" {
		t.Errorf("audit %v, want it holding again last", acts)
	}
	// The old leak is not held against it again; a new one is.
	e.clock.Advance(time.Hour)
	if fs, err := m.Verify(ctx, e.clock.Now()); err != nil || len(fs) != 0 || get(t, m, web.ID).State != Quarantined {
		t.Fatalf("an hour later, nothing new: %v %d %s", err, len(fs), get(t, m, web.ID).State)
	}
	e.write(t, []flow.Record{conn(e.clock.Now().Add(-time.Minute), "10.0.0.5", "10.0.0.7", 445, 6, flow.Allow)})
	if fs, err := m.Verify(ctx, e.clock.Now()); err != nil || len(fs) != 1 || fs[0].Evidence.Flows != 1 ||
		get(t, m, web.ID).State != Leaking {
		t.Fatalf("a new leak: %v %v %s", err, fs, get(t, m, web.ID).State)
	}
}
