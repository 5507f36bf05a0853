package quarantine

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestAgentsConfirm: an agent-enforced quarantine is quarantined only once the
// host's agent reports enforcing it, and released only once it reports free.
func TestAgentsConfirm(t *testing.T) {
	e := newEnv(t)
	a := &Agents{Clouds: []string{"onprem"}, now: e.clock.Now}
	m := e.manager(t, testConfig(), a)
	q := mustRequest(t, m, Request{Workload: "mainfrm", Reason: "beaconing"})

	for range 3 { // asking again and again is no attempt and one audit entry
		step(t, m)
		e.clock.Advance(10 * time.Second)
	}
	got := get(t, m, q.ID)
	if got.State != InProgress || got.Attempts != 0 || !strings.Contains(got.Error, "has not applied it yet") {
		t.Fatalf("before the agent reports: %s, %d attempts, %q", got.State, got.Attempts, got.Error)
	}
	// A report of another quarantine, or of a free host, confirms nothing.
	if err := m.ReportAgent(AgentReport{Workload: "mainfrm", Isolate: false}); err != nil {
		t.Fatal(err)
	}
	step(t, m)
	if got := get(t, m, q.ID); got.State != InProgress {
		t.Fatalf("after a free host's report: %s", got.State)
	}
	if err := m.ReportAgent(AgentReport{Workload: "mainfrm", Isolate: true, QuarantineID: q.ID}); err != nil {
		t.Fatal(err)
	}
	step(t, m)
	if got := get(t, m, q.ID); got.State != Quarantined || got.Error != "" {
		t.Fatalf("after the agent's report: %s %q", got.State, got.Error)
	}

	if _, err := m.Release(t.Context(), q.ID, "bob", "clean"); err != nil {
		t.Fatal(err)
	}
	step(t, m)
	if got := get(t, m, q.ID); got.State != Releasing {
		t.Fatalf("release before the agent frees the host: %s", got.State)
	}
	if err := m.ReportAgent(AgentReport{Workload: "mainfrm", Isolate: false}); err != nil {
		t.Fatal(err)
	}
	step(t, m)
	if got := get(t, m, q.ID); got.State != Released {
		t.Fatalf("after the agent freed the host: %s", got.State)
	}
	want := []string{"quarantine.request", "quarantine.start", "quarantine.pending", "quarantine.apply",
		"quarantine.release", "quarantine.pending", "quarantine.released"}
	if got := e.actions(t, q.ID); !slices.Equal(got, want) {
		t.Errorf("audit %v, want %v", got, want)
	}
	if r := m.AgentReports(); len(r) != 1 || r[0].Workload != "mainfrm" || r[0].Isolate || r[0].SeenAt.IsZero() {
		t.Errorf("reports %+v", r)
	}
}

// TestAgentsTimeout: without a report within the timeout the quarantine fails
// saying so; an agent's failure to apply is retried as an attempt.
func TestAgentsTimeout(t *testing.T) {
	e := newEnv(t)
	a := &Agents{Clouds: []string{"onprem"}, ConfirmTimeout: time.Minute, now: e.clock.Now}
	m := e.manager(t, testConfig(), a)
	q := mustRequest(t, m, Request{Workload: "mainfrm", Reason: "beaconing"})
	step(t, m)
	if err := m.ReportAgent(AgentReport{Workload: "mainfrm", QuarantineID: q.ID, Error: "nftables: operation not permitted"}); err != nil {
		t.Fatal(err)
	}
	step(t, m)
	got := get(t, m, q.ID)
	if got.State != InProgress || got.Attempts != 1 || !strings.Contains(got.Error, "operation not permitted") {
		t.Fatalf("after the agent failed: %s, %d attempts, %q", got.State, got.Attempts, got.Error)
	}
	if err := m.ReportAgent(AgentReport{Workload: "mainfrm"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(61 * time.Second)
	step(t, m)
	got = get(t, m, q.ID)
	if got.State != Failed || !strings.Contains(got.Error, "did not confirm within 1m0s") {
		t.Fatalf("after the timeout: %s %q", got.State, got.Error)
	}
}

func TestReportWithoutAgents(t *testing.T) {
	e := newEnv(t)
	m := e.manager(t, testConfig(), &fake{name: "cloud"})
	if err := m.ReportAgent(AgentReport{Workload: "web-1"}); err == nil {
		t.Error("a report to a server without agents was taken")
	}
}
