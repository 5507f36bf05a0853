package quarantine

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/weirhq/weir/state"
	"github.com/weirhq/weir/store/duckdb"
)

var t0 = time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)

// clock is an injected clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fake is an enforcer whose answers the test scripts: each Apply takes the next
// error of applyErrs (nil once they run out).
type fake struct {
	name      string
	cloud     string // reaches workloads of this cloud; "" reaches all
	mu        sync.Mutex
	applyErrs []error
	relErrs   []error
	applied   []string // quarantine ids, per call
	released  []string
}

func (f *fake) Name() string            { return f.name }
func (f *fake) Reaches(w Workload) bool { return f.cloud == "" || w.Cloud == f.cloud }

func (f *fake) Apply(_ context.Context, t Target) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied = append(f.applied, t.Quarantine.ID)
	return pop(&f.applyErrs)
}

func (f *fake) Release(_ context.Context, t Target) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.released = append(f.released, t.Quarantine.ID)
	return pop(&f.relErrs)
}

func (f *fake) calls() (applied, released int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.applied), len(f.released)
}

func pop(errs *[]error) error {
	if len(*errs) == 0 {
		return nil
	}
	err := (*errs)[0]
	*errs = (*errs)[1:]
	return err
}

var errFlaky = errors.New("connection reset")

var inventory = map[string]Workload{
	"web-1":   {Name: "web-1", Cloud: "azure", IPs: []netip.Addr{netip.MustParseAddr("10.0.0.5")}},
	"db-1":    {Name: "db-1", Cloud: "azure", IPs: []netip.Addr{netip.MustParseAddr("10.0.0.6")}},
	"jump-1":  {Name: "jump-1", Cloud: "azure", IPs: []netip.Addr{netip.MustParseAddr("10.0.9.1")}},
	"mainfrm": {Name: "mainfrm", Cloud: "onprem", IPs: []netip.Addr{netip.MustParseAddr("192.168.1.1")}},
}

func lookup(name string) (Workload, bool) {
	w, ok := inventory[name]
	return w, ok
}

// env is a store, its state store and what a Manager needs, on one DuckDB file.
type env struct {
	st    *duckdb.Store
	state *state.Store
	clock *clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{t: t0}
	ss, err := state.Open(ctx, st.DB(), state.WithClock(c.Now))
	if err != nil {
		t.Fatal(err)
	}
	return &env{st: st, state: ss, clock: c}
}

func testConfig() Configuration {
	cfg := DefaultConfiguration()
	cfg.MaxAttempts = 3
	return cfg
}

func (e *env) manager(t *testing.T, cfg Configuration, enforcers ...Enforcer) *Manager {
	t.Helper()
	m, err := New(context.Background(), slog.New(slog.DiscardHandler), cfg, Dependencies{DB: e.st.DB(),
		Enforcers: enforcers, Workloads: lookup, Audit: e.state.Record, Flows: e.st, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// actions are the audit log's actions on target, oldest first.
func (e *env) actions(t *testing.T, target string) []string {
	t.Helper()
	entries, err := e.state.Audit(context.Background(), state.AuditFilter{Target: target})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range entries {
		out = append(out, a.Action)
	}
	slices.Reverse(out)
	return out
}

func mustRequest(t *testing.T, m *Manager, r Request) Quarantine {
	t.Helper()
	if r.Actor == "" {
		r.Actor = "alice"
	}
	q, _, err := m.Request(context.Background(), r)
	if err != nil {
		t.Fatalf("Request(%+v): %v", r, err)
	}
	return q
}

func step(t *testing.T, m *Manager) {
	t.Helper()
	if err := m.Step(context.Background()); err != nil {
		t.Fatalf("Step: %v", err)
	}
}

func get(t *testing.T, m *Manager, id string) Quarantine {
	t.Helper()
	q, err := m.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling a condition with a deadline, not waiting for work
	}
}
