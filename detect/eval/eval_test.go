package eval

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/simulate"
)

var t0 = time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)

func TestScore(t *testing.T) {
	truth := &simulate.Truth{Start: t0.Add(-12 * time.Hour), End: t0.Add(12 * time.Hour), Workloads: 50, Scenarios: []simulate.Scenario{
		{ID: "S01-beaconing", Kind: "beaconing", Start: t0.Add(time.Hour), End: t0.Add(8 * time.Hour),
			Sources: []string{"10.0.0.5"}, Destinations: []string{"203.0.113.9"}},
		{ID: "S02-scan-horizontal", Kind: "scan-horizontal", Start: t0.Add(2 * time.Hour), End: t0.Add(3 * time.Hour),
			Sources: []string{"10.0.0.6"}, Destinations: []string{"10.20.1.0/24", "10.20.2.0/23"}},
		{ID: "S03-beaconing", Kind: "beaconing", Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour),
			Sources: []string{"10.0.0.7"}, Destinations: []string{"203.0.113.10"}},
	}}
	f := func(det, src, dst string, from, until time.Duration) detect.Finding {
		return detect.Finding{Detector: det, FirstSeen: t0.Add(from), LastSeen: t0.Add(until),
			Entities: detect.Entities{Sources: []string{src}, Destinations: []string{dst}}}
	}
	findings := []detect.Finding{
		f("beaconing", "10.0.0.5", "203.0.113.9", 2*time.Hour, 7*time.Hour),       // S01
		f("port-scan", "10.0.0.6", "10.20.3.17", 2*time.Hour, 3*time.Hour),        // S02, inside the /23
		f("long-connection", "10.0.0.5", "203.0.113.9", 3*time.Hour, 4*time.Hour), // S01, not its expected detector
		f("beaconing", "10.0.0.7", "203.0.113.10", 5*time.Hour, 6*time.Hour),      // S03's entities, but hours after it
		f("beaconing", "10.0.0.5", "198.51.100.1", 2*time.Hour, 3*time.Hour),      // S01's source, another destination
		f("port-scan", "10.0.0.6", "10.20.4.1", 2*time.Hour, 3*time.Hour),         // outside the swept ranges
	}
	got := Score(truth, findings, 50, 0.5)
	want := Report{
		Workloads: 50, Days: 0.5,
		Kinds: []KindScore{
			{Kind: "beaconing", Expected: []string{"beaconing"}, Scenarios: 2, Caught: 1, Recall: 0.5, CaughtBy: []string{"beaconing", "long-connection"}},
			{Kind: "scan-horizontal", Expected: []string{"port-scan"}, Scenarios: 1, Caught: 1, Recall: 1, CaughtBy: []string{"port-scan"}},
		},
		Detectors: []DetScore{
			{Detector: "beaconing", Findings: 3, True: 1, Precision: 1.0 / 3, FalsePositives: 2, FPPer100Day: 8},
			{Detector: "long-connection", Findings: 1, True: 1, Precision: 1},
			{Detector: "port-scan", Findings: 2, True: 1, Precision: 0.5, FalsePositives: 1, FPPer100Day: 4},
		},
		FalsePositives: 3, FPPer100Day: 12,
		Missed: []string{"S03-beaconing"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Score() (-want, +got):\n%s", diff)
	}
}

func TestMatchesSlack(t *testing.T) {
	sc := simulate.Scenario{Start: t0, End: t0.Add(time.Hour), Sources: []string{"10.0.0.5"}, Destinations: []string{"::ffff:203.0.113.9"}}
	for _, tc := range []struct {
		name        string
		first, last time.Duration
		src, dst    string
		want        bool
	}{
		{"the hour after", 90 * time.Minute, 2 * time.Hour, "10.0.0.5", "203.0.113.9", true},
		{"beyond the slack", 2*time.Hour + time.Minute, 3 * time.Hour, "10.0.0.5", "203.0.113.9", false},
		{"the hour before", -2 * time.Hour, -30 * time.Minute, "10.0.0.5", "203.0.113.9", true},
		{"mapped and plain addresses", 0, time.Hour, "::ffff:10.0.0.5", "203.0.113.9", true},
		{"not an address", 0, time.Hour, "HQ-WS-1", "203.0.113.9", false},
	} {
		f := detect.Finding{FirstSeen: t0.Add(tc.first), LastSeen: t0.Add(tc.last),
			Entities: detect.Entities{Sources: []string{tc.src}, Destinations: []string{tc.dst}}}
		if got := Matches(&f, &sc); got != tc.want {
			t.Errorf("%s: Matches() = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestWindowOf(t *testing.T) {
	w := WindowOf(&simulate.Truth{Start: t0, End: t0.Add(25 * time.Hour)})
	want := detect.Window{BaselineFrom: t0, From: t0.Add(12 * time.Hour), Until: t0.Add(25 * time.Hour)}
	if diff := cmp.Diff(want, w); diff != "" {
		t.Errorf("WindowOf() (-want, +got):\n%s", diff)
	}
	if d := Days(w); d != 13.0/24 {
		t.Errorf("Days() = %g", d)
	}
}
