package quarantine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestApply(t *testing.T) {
	perm := fmt.Errorf("%w: 403 forbidden", ErrPermanent)
	tests := []struct {
		name       string
		errs       []error
		steps      int // Steps, each after advancing the clock past the backoff
		wantState  string
		wantCalls  int
		wantErr    string
		wantAudit  []string
		wantRetryN int
	}{
		{name: "success", steps: 1, wantState: Quarantined, wantCalls: 1,
			wantAudit: []string{"quarantine.request", "quarantine.start", "quarantine.apply"}},
		{name: "transient then success", errs: []error{errFlaky, errFlaky}, steps: 3, wantState: Quarantined, wantCalls: 3,
			wantAudit: []string{"quarantine.request", "quarantine.start", "quarantine.retry", "quarantine.retry", "quarantine.apply"}},
		{name: "transient beyond the limit", errs: []error{errFlaky, errFlaky, errFlaky, errFlaky}, steps: 5, wantState: Failed,
			wantCalls: 3, wantErr: "connection reset",
			wantAudit: []string{"quarantine.request", "quarantine.start", "quarantine.retry", "quarantine.retry", "quarantine.fail"}},
		{name: "permanent", errs: []error{perm}, steps: 2, wantState: Failed, wantCalls: 1, wantErr: "403 forbidden",
			wantAudit: []string{"quarantine.request", "quarantine.start", "quarantine.fail"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			f := &fake{name: "fake", applyErrs: tt.errs}
			m := e.manager(t, testConfig(), f)
			q := mustRequest(t, m, Request{Workload: "web-1", Reason: "ransomware"})
			for range tt.steps {
				step(t, m)
				e.clock.Advance(time.Hour) // past any backoff
			}
			got := get(t, m, q.ID)
			if got.State != tt.wantState || !strings.Contains(got.Error, tt.wantErr) {
				t.Errorf("state %s, error %q; want %s, %q", got.State, got.Error, tt.wantState, tt.wantErr)
			}
			if tt.wantErr == "" && got.Error != "" {
				t.Errorf("error %q after success", got.Error)
			}
			if n, _ := f.calls(); n != tt.wantCalls {
				t.Errorf("Apply called %d times, want %d", n, tt.wantCalls)
			}
			if got.Enforcer != "fake" {
				t.Errorf("enforcer %q", got.Enforcer)
			}
			if diff := cmp.Diff(e.actions(t, q.ID), tt.wantAudit); diff != "" {
				t.Errorf("audit (-got, +want):\n%s", diff)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	e := newEnv(t)
	f := &fake{name: "fake", applyErrs: []error{errFlaky, errFlaky}}
	m := e.manager(t, testConfig(), f)
	q := mustRequest(t, m, Request{Workload: "web-1"})
	step(t, m)
	if got := get(t, m, q.ID); got.State != InProgress || got.Attempts != 1 || !got.NextAttempt.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("after one failure: %s, attempts %d, next %v", got.State, got.Attempts, got.NextAttempt)
	}
	step(t, m) // not due yet
	if n, _ := f.calls(); n != 1 {
		t.Fatalf("Apply called %d times before the backoff ended", n)
	}
	e.clock.Advance(2 * time.Second)
	step(t, m)
	if got := get(t, m, q.ID); got.Attempts != 2 || !got.NextAttempt.Equal(t0.Add(6*time.Second)) {
		t.Fatalf("after two failures: attempts %d, next %v; want the wait doubled", got.Attempts, got.NextAttempt)
	}
	e.clock.Advance(4 * time.Second)
	step(t, m)
	if got := get(t, m, q.ID); got.State != Quarantined || !got.QuarantinedAt.Equal(t0.Add(6*time.Second)) {
		t.Fatalf("state %s at %v, want quarantined at t0+6s", got.State, got.QuarantinedAt)
	}
}

func TestNoEnforcerReaches(t *testing.T) {
	e := newEnv(t)
	m := e.manager(t, testConfig(), &fake{name: "azure-nsg", cloud: "azure"}, &fake{name: "aws-sg", cloud: "aws"})
	q := mustRequest(t, m, Request{Workload: "mainfrm"})
	step(t, m)
	got := get(t, m, q.ID)
	if got.State != Failed || !strings.Contains(got.Error, "azure-nsg, aws-sg") {
		t.Errorf("state %s, error %q; want failed naming the enforcers", got.State, got.Error)
	}
}

func TestRequestIdempotent(t *testing.T) {
	e := newEnv(t)
	m := e.manager(t, testConfig(), &fake{name: "fake"})
	ctx := context.Background()
	q1, created1, err1 := m.Request(ctx, Request{Workload: "web-1", Actor: "alice", Reason: "first"})
	step(t, m)
	q2, created2, err2 := m.Request(ctx, Request{Workload: "web-1", Actor: "bob", Reason: "second"})
	if err1 != nil || err2 != nil || !created1 || created2 || q1.ID != q2.ID || q2.State != Quarantined {
		t.Fatalf("second request: %v %v %v, %v %v %v", q1.ID, created1, err1, q2.ID, created2, err2)
	}
	all, err := m.List(ctx, Filter{})
	if err != nil || len(all) != 1 {
		t.Fatalf("List: %d quarantines, %v; want 1", len(all), err)
	}
}

func TestRequestErrors(t *testing.T) {
	e := newEnv(t)
	m := e.manager(t, testConfig(), &fake{name: "fake"})
	tests := []struct {
		name string
		r    Request
		want error
	}{
		{"unknown workload", Request{Workload: "nope", Actor: "a"}, ErrUnknownWorkload},
		{"no actor", Request{Workload: "web-1"}, ErrInvalid},
		{"bad allow entry", Request{Workload: "web-1", Actor: "a", Allow: []string{"not-a-host"}}, ErrInvalid},
		{"allow itself", Request{Workload: "web-1", Actor: "a", Allow: []string{"web-1"}}, ErrInvalid},
		{"expired already", Request{Workload: "web-1", Actor: "a", Expires: t0.Add(-time.Minute)}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := m.Request(context.Background(), tt.r); !errors.Is(err, tt.want) {
				t.Errorf("Request: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestRelease(t *testing.T) {
	e := newEnv(t)
	f := &fake{name: "fake", relErrs: []error{errFlaky}}
	m := e.manager(t, testConfig(), f)
	ctx := context.Background()
	if _, err := m.Release(ctx, "q-missing", "alice", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("release of an unknown id: %v", err)
	}
	q := mustRequest(t, m, Request{Workload: "web-1"})
	step(t, m)
	r, err := m.Release(ctx, q.ID, "bob", "contained")
	if err != nil || r.State != Releasing || r.ReleasedBy != "bob" {
		t.Fatalf("Release: %s by %s, %v", r.State, r.ReleasedBy, err)
	}
	if _, _, err := m.Request(ctx, Request{Workload: "web-1", Actor: "carol"}); !errors.Is(err, ErrReleasing) {
		t.Errorf("request while releasing: %v, want ErrReleasing", err)
	}
	if _, err := m.Release(ctx, q.ID, "bob", ""); !errors.Is(err, ErrNotQuarantined) {
		t.Errorf("second release: %v, want ErrNotQuarantined", err)
	}
	step(t, m) // the release fails once
	if got := get(t, m, q.ID); got.State != Releasing || got.Attempts != 1 || got.Error == "" {
		t.Fatalf("after a failed release: %s, attempts %d, error %q", got.State, got.Attempts, got.Error)
	}
	e.clock.Advance(time.Minute)
	step(t, m)
	got := get(t, m, q.ID)
	if got.State != Released || !got.ReleasedAt.Equal(t0.Add(time.Minute)) || got.ReleaseReason != "contained" {
		t.Fatalf("after release: %+v", got)
	}
	if _, n := f.calls(); n != 2 {
		t.Errorf("Release called %d times, want 2", n)
	}
	if _, err := m.Release(ctx, q.ID, "bob", ""); !errors.Is(err, ErrNotQuarantined) {
		t.Errorf("release of a released quarantine: %v, want ErrNotQuarantined", err)
	}
	want := []string{"quarantine.request", "quarantine.start", "quarantine.apply", "quarantine.release",
		"quarantine.retry", "quarantine.released"}
	if diff := cmp.Diff(e.actions(t, q.ID), want); diff != "" {
		t.Errorf("audit (-got, +want):\n%s", diff)
	}
	// Released, the workload can be quarantined again.
	if q2, created, err := m.Request(ctx, Request{Workload: "web-1", Actor: "carol"}); err != nil || !created || q2.ID == q.ID {
		t.Errorf("request after release: %v %v %v", q2.ID, created, err)
	}
}

func TestReleaseBeforeApply(t *testing.T) {
	e := newEnv(t)
	f := &fake{name: "fake"}
	m := e.manager(t, testConfig(), f)
	q := mustRequest(t, m, Request{Workload: "web-1"})
	r, err := m.Release(context.Background(), q.ID, "bob", "mistake")
	if err != nil || r.State != Released {
		t.Fatalf("release of a requested quarantine: %s, %v; want released at once", r.State, err)
	}
	step(t, m)
	if a, rel := f.calls(); a != 0 || rel != 0 {
		t.Errorf("enforcer called %d/%d times for a quarantine released before it applied", a, rel)
	}
}

func TestExpiry(t *testing.T) {
	e := newEnv(t)
	f := &fake{name: "fake"}
	m := e.manager(t, testConfig(), f)
	q := mustRequest(t, m, Request{Workload: "web-1", Expires: t0.Add(time.Hour)})
	step(t, m)
	e.clock.Advance(59 * time.Minute)
	step(t, m)
	if got := get(t, m, q.ID); got.State != Quarantined {
		t.Fatalf("before expiry: %s", got.State)
	}
	e.clock.Advance(time.Minute)
	step(t, m)
	got := get(t, m, q.ID)
	if got.State != Released || got.ReleasedBy != SystemActor || got.ReleaseReason != "expired" {
		t.Fatalf("after expiry: %s by %q (%q)", got.State, got.ReleasedBy, got.ReleaseReason)
	}
	want := []string{"quarantine.request", "quarantine.start", "quarantine.apply", "quarantine.expire", "quarantine.released"}
	if diff := cmp.Diff(e.actions(t, q.ID), want); diff != "" {
		t.Errorf("audit (-got, +want):\n%s", diff)
	}
}

// TestResume stops a manager mid-way (one quarantine retrying, one releasing) and
// starts another on the same database: its Run finishes both.
func TestResume(t *testing.T) {
	e := newEnv(t)
	f1 := &fake{name: "fake", relErrs: []error{errFlaky}}
	m1 := e.manager(t, testConfig(), f1)
	releasing := mustRequest(t, m1, Request{Workload: "db-1"})
	step(t, m1)
	if _, err := m1.Release(context.Background(), releasing.ID, "bob", ""); err != nil {
		t.Fatal(err)
	}
	f1.applyErrs = []error{errFlaky}
	applying := mustRequest(t, m1, Request{Workload: "web-1"})
	step(t, m1) // the apply of web-1 and the release of db-1 fail once
	if a, r := get(t, m1, applying.ID), get(t, m1, releasing.ID); a.State != InProgress || r.State != Releasing {
		t.Fatalf("before restart: %s, %s", a.State, r.State)
	}

	f := &fake{name: "fake"}
	cfg := testConfig()
	cfg.Interval = time.Hour // only the resume can make progress: the backoff has not ended on the clock
	m2 := e.manager(t, cfg, f)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m2.Run(ctx) }()
	waitFor(t, "both quarantines to finish", func() bool {
		return get(t, m2, applying.ID).State == Quarantined && get(t, m2, releasing.ID).State == Released
	})
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run: %v", err)
	}
	if a, r := f.calls(); a != 1 || r != 1 {
		t.Errorf("new manager applied %d and released %d times, want 1 and 1", a, r)
	}
	for _, id := range []string{applying.ID, releasing.ID} {
		if acts := e.actions(t, id); !containsAll(acts, "quarantine.resume") {
			t.Errorf("%s: audit %v has no resume", id, acts)
		}
	}
}

// TestRunWakes checks that Run acts on a request at once, not at its next tick.
func TestRunWakes(t *testing.T) {
	e := newEnv(t)
	cfg := testConfig()
	cfg.Interval = time.Hour
	m := e.manager(t, cfg, &fake{name: "fake"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx)
	q := mustRequest(t, m, Request{Workload: "web-1"})
	waitFor(t, "the quarantine to apply", func() bool { return get(t, m, q.ID).State == Quarantined })
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

func TestDesiredState(t *testing.T) {
	e := newEnv(t)
	cfg := testConfig()
	cfg.AlwaysAllow = []string{"10.0.100.1"}
	m := e.manager(t, cfg, &fake{name: "fake"})
	ctx := context.Background()
	if d, err := m.DesiredState(ctx, "web-1"); err != nil || d.Isolate {
		t.Fatalf("before any quarantine: %+v, %v", d, err)
	}
	q := mustRequest(t, m, Request{Workload: "web-1", Allow: []string{"jump-1", "172.16.0.0/12", "10.0.100.1"}})
	if d, _ := m.DesiredState(ctx, "web-1"); d.Isolate {
		t.Fatalf("requested but not started: %+v; want no isolation yet", d)
	}
	step(t, m)
	d, err := m.DesiredState(ctx, "web-1")
	want := Desired{Workload: "web-1", Isolate: true, QuarantineID: q.ID, DNS: true,
		Allow: []string{"10.0.100.1/32", "10.0.9.1/32", "172.16.0.0/12"}}
	if diff := cmp.Diff(d, want); err != nil || diff != "" {
		t.Errorf("DesiredState (-got, +want):\n%s%v", diff, err)
	}
}

func TestConfigurationValidate(t *testing.T) {
	bad := DefaultConfiguration()
	bad.AlwaysAllow = []string{"server"}
	if err := bad.Validate(); err == nil {
		t.Error("always_allow of a name validated")
	}
	bad = DefaultConfiguration()
	bad.MaxAttempts = 0
	if err := bad.Validate(); err == nil {
		t.Error("max_attempts 0 validated")
	}
	cfg := DefaultConfiguration()
	var got []time.Duration
	for n := 1; n <= 10; n++ {
		got = append(got, cfg.backoff(n))
	}
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second,
		64 * time.Second, 128 * time.Second, 256 * time.Second, 5 * time.Minute, 5 * time.Minute}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("backoff (-got, +want):\n%s", diff)
	}
}

// blocking is an enforcer whose Apply waits for the test.
type blocking struct {
	fake
	entered, proceed chan struct{}
}

func (b *blocking) Apply(ctx context.Context, t Target) error {
	b.entered <- struct{}{}
	<-b.proceed
	return b.fake.Apply(ctx, t)
}

// TestReleaseWhileApplying releases a quarantine while its enforcer is applying
// it: the release wins, and the next step lifts what the apply did.
func TestReleaseWhileApplying(t *testing.T) {
	e := newEnv(t)
	b := &blocking{fake: fake{name: "slow"}, entered: make(chan struct{}), proceed: make(chan struct{})}
	m := e.manager(t, testConfig(), b)
	q := mustRequest(t, m, Request{Workload: "web-1"})
	stepped := make(chan error)
	go func() { stepped <- m.Step(context.Background()) }()
	<-b.entered
	if r, err := m.Release(context.Background(), q.ID, "bob", "changed my mind"); err != nil || r.State != Releasing {
		t.Fatalf("Release while applying: %s, %v", r.State, err)
	}
	close(b.proceed)
	if err := <-stepped; err != nil {
		t.Fatalf("Step: %v", err)
	}
	if got := get(t, m, q.ID); got.State != Releasing {
		t.Fatalf("after the apply returned: %s, want releasing", got.State)
	}
	step(t, m)
	if got := get(t, m, q.ID); got.State != Released {
		t.Fatalf("after the next step: %s, want released", got.State)
	}
	if a, r := b.calls(); a != 1 || r != 1 {
		t.Errorf("applied %d, released %d times; want 1 and 1", a, r)
	}
}
