package hunt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/state"
	"github.com/weirhq/weir/store/duckdb"
)

var t0 = time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)

// fake is a detector that reports one finding per source, seen over the window.
type fake struct {
	name    string
	sources []string
	err     error
	panics  bool
	calls   atomic.Int32
	gate    chan struct{} // when set, Detect waits on it
	running atomic.Int32
	most    atomic.Int32 // most Detect calls at once
}

func (f *fake) Name() string { return f.name }

func (f *fake) Detect(ctx context.Context, src detect.Source, w detect.Window) ([]detect.Finding, error) {
	f.calls.Add(1)
	n := f.running.Add(1)
	defer f.running.Add(-1)
	for {
		m := f.most.Load()
		if n <= m || f.most.CompareAndSwap(m, n) {
			break
		}
	}
	if f.gate != nil {
		<-f.gate
	}
	if f.panics {
		panic("index out of range")
	}
	if f.err != nil {
		return nil, f.err
	}
	var out []detect.Finding
	for i, s := range f.sources {
		out = append(out, detect.Finding{Key: detect.KeyOf(f.name, s), Title: f.name + " from " + s, Score: 50 + i,
			FirstSeen: w.From, LastSeen: w.Until, Entities: detect.Entities{Sources: []string{s}},
			Evidence: detect.Evidence{Flows: uint64(w.Until.Hour())}})
	}
	return out, nil
}

func openState(t *testing.T) (*duckdb.Store, *state.Store) {
	t.Helper()
	ctx := context.Background()
	fs, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	st, err := state.Open(ctx, fs.DB(), state.WithClock(func() time.Time { return t0 }))
	if err != nil {
		t.Fatal(err)
	}
	return fs, st
}

func window(until time.Time) detect.Window {
	return detect.Window{From: until.Add(-time.Hour), Until: until, BaselineFrom: until.Add(-24 * time.Hour)}
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	fs, st := openState(t)
	scan := &fake{name: "port-scan", sources: []string{"10.0.0.1", "10.9.9.9", "10.0.0.2"}}
	broken := &fake{name: "broken", err: errors.New("aggregate: table missing")}
	panicky := &fake{name: "panicky", panics: true}
	beacon := &fake{name: "beaconing", sources: []string{"10.9.9.9"}}
	detectors := []detect.Detector{scan, broken, panicky, beacon}
	rules := []Rule{{Name: "scanner", Detector: "port-scan", Source: List{"10.9.0.0/16"}}}

	rep, err := Run(ctx, fs, st, detectors, window(t0), rules, t0)
	if err != nil {
		t.Fatal(err)
	}
	type counts struct{ Found, Suppressed, Opened, Updated, Unchanged, Failed int }
	got := counts{rep.Found, rep.Suppressed, rep.Opened, rep.Updated, rep.Unchanged, rep.Failed()}
	if diff := cmp.Diff(got, counts{Found: 4, Suppressed: 1, Opened: 3, Failed: 2}); diff != "" {
		t.Errorf("first hunt (-got, +want):\n%s", diff)
	}
	if rep.SuppressedBy["scanner"] != 1 {
		t.Errorf("SuppressedBy = %v, want scanner: 1", rep.SuppressedBy)
	}
	var errs []string
	for _, d := range rep.Detectors {
		errs = append(errs, fmt.Sprintf("%s %d/%d: %s", d.Name, d.Findings, d.Suppressed, d.Error))
	}
	want := []string{"port-scan 3/1: ", "broken 0/0: aggregate: table missing",
		"panicky 0/0: detector panicky panicked: index out of range", "beaconing 1/0: "}
	if diff := cmp.Diff(errs, want); diff != "" {
		t.Errorf("detectors (-got, +want):\n%s", diff)
	}
	// The next hunt sees the same behaviour an hour later: it updates, it does not duplicate.
	rep, err = Run(ctx, fs, st, detectors, window(t0.Add(time.Hour)), rules, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Opened != 0 || rep.Updated != 3 {
		t.Errorf("second hunt: opened %d updated %d, want 0 and 3", rep.Opened, rep.Updated)
	}
	stored, err := st.List(ctx, state.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 3 {
		t.Fatalf("stored %d findings, want 3", len(stored))
	}
	for _, f := range stored {
		if f.Hunts != 2 || !f.LastSeen.Equal(t0.Add(time.Hour)) || !f.FirstSeen.Equal(t0.Add(-time.Hour)) || f.Evidence.Flows != 13 {
			t.Errorf("%s: hunts %d first %s last %s flows %d; want 2, %s, %s, 13", f.Key, f.Hunts, f.FirstSeen,
				f.LastSeen, f.Evidence.Flows, t0.Add(-time.Hour), t0.Add(time.Hour))
		}
		if f.Key == detect.KeyOf("port-scan", "10.9.9.9") {
			t.Errorf("the suppressed finding was stored")
		}
	}
	if _, err := Run(ctx, fs, st, detectors, window(t0), []Rule{{Name: "bad", Source: List{"10.0.0.0/33"}}}, t0); err == nil {
		t.Errorf("Run with a bad rule: no error")
	}
}

func TestSuppression(t *testing.T) {
	f := detect.Finding{Detector: "exfiltration", Entities: detect.Entities{
		Sources: []string{"10.0.1.5", "10.0.1.6"}, Destinations: []string{"203.0.113.7", "198.51.100.0/25"},
		Workloads: []string{"Backup-01"}}, Evidence: detect.Evidence{Details: map[string]any{"services": []any{"HTTPS"}}}}
	tests := []struct {
		name string
		rule Rule
		want bool
	}{
		{"sources in a CIDR", Rule{Source: List{"10.0.1.0/24"}}, true},
		{"one source outside", Rule{Source: List{"10.0.1.5"}}, false},
		{"each source listed", Rule{Source: List{"10.0.1.5", "10.0.1.6"}}, true},
		{"another detector", Rule{Detector: "port-scan", Source: List{"10.0.0.0/8"}}, false},
		{"destination network inside", Rule{Destination: List{"203.0.113.0/24", "198.51.100.0/24"}}, true},
		{"destination network wider than the rule", Rule{Destination: List{"203.0.113.0/24", "198.51.100.0/26"}}, false},
		{"workload glob, any case", Rule{Detector: "exfiltration", Workload: List{"backup-*"}}, true},
		{"workload glob misses", Rule{Workload: List{"db-*"}}, false},
		{"service", Rule{Service: List{"https"}}, true},
		{"service and a missing source", Rule{Service: List{"HTTPS"}, Source: List{"192.168.0.0/16"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := compile([]Rule{tt.rule})
			if err != nil {
				t.Fatal(err)
			}
			if got := match(rs, &f) != nil; got != tt.want {
				t.Errorf("covers = %v, want %v", got, tt.want)
			}
		})
	}
	noEntities := detect.Finding{Detector: "exfiltration"}
	if rs, _ := compile([]Rule{{Source: List{"0.0.0.0/0"}}}); match(rs, &noEntities) != nil {
		t.Errorf("a rule on sources suppressed a finding that names none")
	}
	for _, bad := range []Rule{{Name: "everything"}, {Source: List{"10.0.0.300"}}, {Workload: List{"[a"}}} {
		if err := Validate([]Rule{bad}); err == nil {
			t.Errorf("Validate(%+v): no error", bad)
		}
	}
}

func TestConfigurationYAML(t *testing.T) {
	doc := `interval: 10m
window: 6h
suppress:
  - name: scanner
    detector: port-scan
    source: 10.20.0.15
  - name: backup
    workload: [backup-*, archive]
    destination: [203.0.113.0/24]
`
	var c Configuration
	if err := yaml.NewDecoder(strings.NewReader(doc), yaml.Strict()).Decode(&c); err != nil {
		t.Fatal(err)
	}
	want := Configuration{Interval: 10 * time.Minute, Window: 6 * time.Hour, Suppress: []Rule{
		{Name: "scanner", Detector: "port-scan", Source: List{"10.20.0.15"}},
		{Name: "backup", Workload: List{"backup-*", "archive"}, Destination: List{"203.0.113.0/24"}}}}
	if diff := cmp.Diff(c, want); diff != "" {
		t.Errorf("decoded (-got, +want):\n%s", diff)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if err := (Configuration{Interval: time.Second}).Validate(); err == nil {
		t.Errorf("an interval of 1s validated")
	}
}

// clock is a fake clock whose waits the test releases.
type clock struct {
	mu    sync.Mutex
	now   time.Time
	waits chan time.Duration
	fire  chan time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func (c *clock) After(d time.Duration) <-chan time.Time {
	c.waits <- d
	return c.fire
}

// within fails the test unless v arrives on ch before a deadline.
func within[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s within 10s", what)
		panic("unreachable")
	}
}

func TestScheduler(t *testing.T) {
	fs, st := openState(t)
	c := &clock{now: t0.Add(17 * time.Second), waits: make(chan time.Duration, 1), fire: make(chan time.Time)}
	gate := make(chan struct{})
	slow := &fake{name: "slow", sources: []string{"10.0.0.1"}, gate: gate}
	reports := make(chan Report, 4)
	var hunts atomic.Int32
	s, err := NewScheduler(slog.New(slog.DiscardHandler), Configuration{Interval: 15 * time.Minute, Window: time.Hour},
		Dependencies{Source: fs, Store: st, Detectors: []detect.Detector{slow}, Now: c.Now, After: c.After,
			OnReport: func(r Report, err error) {
				if err != nil {
					t.Errorf("scheduled hunt: %v", err)
				}
				if hunts.Add(1) == 1 {
					c.Advance(2 * time.Minute) // the first hunt took 2 minutes by the clock
				}
				reports <- r
			}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	// While the first scheduled hunt runs, an on-demand hunt waits for it.
	ondemand := make(chan Report, 1)
	go func() {
		r, err := s.Hunt(ctx, t0, time.Hour)
		if err != nil {
			t.Errorf("on-demand hunt: %v", err)
		}
		ondemand <- r
	}()
	gate <- struct{}{}
	gate <- struct{}{}
	first := within(t, reports, "first scheduled report")
	within(t, ondemand, "on-demand report")
	if got := slow.most.Load(); got != 1 {
		t.Errorf("%d hunts ran at once, want 1", got)
	}
	if !first.Until.Equal(t0) || !first.From.Equal(t0.Add(-time.Hour)) || !first.BaselineFrom.Equal(t0.Add(-time.Hour-7*24*time.Hour)) {
		t.Errorf("first window [%s, %s) baseline from %s; want the minute before the clock, an hour long, a week's baseline",
			first.From, first.Until, first.BaselineFrom)
	}
	// The first hunt took 2 minutes: the next starts 13 minutes later.
	if wait := within(t, c.waits, "wait"); wait != 13*time.Minute {
		t.Errorf("waits %s, want 13m", wait)
	}
	c.Advance(13 * time.Minute)
	c.fire <- c.Now()
	gate <- struct{}{}
	second := within(t, reports, "second scheduled report")
	if !second.Until.Equal(t0.Add(15*time.Minute)) || second.Updated != 1 || second.Opened != 0 {
		t.Errorf("second hunt: until %s opened %d updated %d; want %s, 0, 1", second.Until, second.Opened, second.Updated,
			t0.Add(15*time.Minute))
	}
	within(t, c.waits, "second wait")
	cancel()
	if err := within(t, done, "Run to return"); err != nil {
		t.Errorf("Run = %v, want nil when ctx ends", err)
	}
}
