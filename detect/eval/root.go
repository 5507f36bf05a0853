// Package eval scores a hunt's findings against the simulator's truth (package
// simulate's truth.json): which injected scenarios the detectors caught (recall
// per scenario kind), how many of each detector's findings point at a scenario
// (precision per detector), and how many point at nothing, as false-positive
// findings per 100 workloads per day of traffic. It runs nothing and reads
// nothing: `weir eval` runs the detectors and hands the findings here.
package eval

import (
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/simulate"
)

// Expected says which detectors are meant to catch each scenario kind (any one
// of them catching it counts). A finding of another detector that matches a
// scenario is still a true finding for that detector's precision; it only does
// not count for the kind's recall. Names are the detectors' Name().
var Expected = map[string][]string{
	"lateral-smb":            {"lateral-movement"},
	"lateral-rdp":            {"lateral-movement"},
	"remote-access-rustdesk": {"remote-access-tool", "long-connection"},
	"remote-access-vnc":      {"remote-access-tool", "long-connection"},
	"brute-force-ssh":        {"brute-force"},
	"brute-force-rdp":        {"brute-force"},
	"scan-horizontal":        {"port-scan"},
	"scan-vertical":          {"port-scan"},
	"ajp-probe":              {"malicious-ip", "port-scan"},
	"beaconing":              {"beaconing"},
	"exfil-slow-drip":        {"exfiltration"},
	"exfil-burst":            {"exfiltration"},
	"cross-region-transfer":  {"exfiltration"},
	"shadow-llm":             {"shadow-llm"},
	"telnet":                 {"legacy-protocol"},
	"ftp":                    {"legacy-protocol"},
}

// Slack widens a scenario's time span when matching: detectors that sum by the
// hour report whole hours.
const Slack = time.Hour

// Report is the score of one run.
type Report struct {
	Workloads int         `json:"workloads"`
	Days      float64     `json:"days"`
	Kinds     []KindScore `json:"kinds"`
	Detectors []DetScore  `json:"detectors"`
	// FalsePositives counts findings that match no scenario; FPPer100Day scales
	// it per 100 workloads per day.
	FalsePositives int      `json:"false_positives"`
	FPPer100Day    float64  `json:"false_positives_per_100_workloads_per_day"`
	Missed         []string `json:"missed,omitempty"` // ids of scenarios no expected detector caught
}

// KindScore is the recall on one scenario kind.
type KindScore struct {
	Kind      string   `json:"kind"`
	Expected  []string `json:"expected_detectors"`
	Scenarios int      `json:"scenarios"`
	Caught    int      `json:"caught"`
	Recall    float64  `json:"recall"`
	// CaughtBy lists every detector with a finding on a scenario of this kind,
	// expected or not.
	CaughtBy []string `json:"caught_by,omitempty"`
}

// DetScore is the precision of one detector.
type DetScore struct {
	Detector       string  `json:"detector"`
	Findings       int     `json:"findings"`
	True           int     `json:"true"`
	Precision      float64 `json:"precision"`
	FalsePositives int     `json:"false_positives"`
	FPPer100Day    float64 `json:"false_positives_per_100_workloads_per_day"`
}

// Score matches findings to truth's scenarios. A finding matches a scenario when
// their times overlap (the scenario's span widened by Slack) and they share an
// entity on every side both name: one of the finding's sources is one of the
// scenario's sources, and one of its destinations one of the scenario's
// destinations (either may be a network: a scan's swept range). workloads and
// days scale the false positives; days ≤ 0 counts as one.
func Score(truth *simulate.Truth, findings []detect.Finding, workloads int, days float64) Report {
	r := Report{Workloads: workloads, Days: days}
	if days <= 0 {
		days = 1
	}
	scale := func(n int) float64 {
		if workloads <= 0 {
			return 0
		}
		return float64(n) * 100 / float64(workloads) / days
	}
	var scenarios []simulate.Scenario
	if truth != nil {
		scenarios = truth.Scenarios
	}
	caught := make([]map[string]bool, len(scenarios)) // scenario → detectors that caught it
	for i := range caught {
		caught[i] = map[string]bool{}
	}
	dets := map[string]*DetScore{}
	for _, f := range findings {
		ds := dets[f.Detector]
		if ds == nil {
			ds = &DetScore{Detector: f.Detector}
			dets[f.Detector] = ds
		}
		ds.Findings++
		hit := false
		for i := range scenarios {
			if Matches(&f, &scenarios[i]) {
				caught[i][f.Detector] = true
				hit = true
			}
		}
		if hit {
			ds.True++
		} else {
			ds.FalsePositives++
			r.FalsePositives++
		}
	}
	for _, ds := range dets {
		ds.Precision = float64(ds.True) / float64(ds.Findings)
		ds.FPPer100Day = scale(ds.FalsePositives)
		r.Detectors = append(r.Detectors, *ds)
	}
	sort.Slice(r.Detectors, func(i, j int) bool { return r.Detectors[i].Detector < r.Detectors[j].Detector })
	r.FPPer100Day = scale(r.FalsePositives)

	kinds := map[string]*KindScore{}
	var order []string
	for i, sc := range scenarios {
		ks := kinds[sc.Kind]
		if ks == nil {
			ks = &KindScore{Kind: sc.Kind, Expected: Expected[sc.Kind]}
			kinds[sc.Kind] = ks
			order = append(order, sc.Kind)
		}
		ks.Scenarios++
		ok := false
		for det := range caught[i] {
			if !slices.Contains(ks.CaughtBy, det) {
				ks.CaughtBy = append(ks.CaughtBy, det)
			}
			if slices.Contains(ks.Expected, det) {
				ok = true
			}
		}
		if ok {
			ks.Caught++
		} else {
			r.Missed = append(r.Missed, sc.ID)
		}
	}
	for _, k := range order {
		ks := kinds[k]
		ks.Recall = float64(ks.Caught) / float64(ks.Scenarios)
		slices.Sort(ks.CaughtBy)
		r.Kinds = append(r.Kinds, *ks)
	}
	return r
}

// Matches reports whether f is about sc: overlapping times and a shared source
// or destination.
func Matches(f *detect.Finding, sc *simulate.Scenario) bool {
	if f.LastSeen.Before(sc.Start.Add(-Slack)) || f.FirstSeen.After(sc.End.Add(Slack)) {
		return false
	}
	// Each side both name must overlap: a desktop that is one scenario's source
	// does not make every finding about that desktop a true one.
	srcs := len(f.Entities.Sources) > 0 && len(sc.Sources) > 0
	dsts := len(f.Entities.Destinations) > 0 && len(sc.Destinations) > 0
	if !srcs && !dsts {
		return false
	}
	return (!srcs || overlap(f.Entities.Sources, sc.Sources)) && (!dsts || overlap(f.Entities.Destinations, sc.Destinations))
}

// overlap reports whether an address or network of a is in one of b.
func overlap(a, b []string) bool {
	for _, x := range a {
		px, ok := prefix(x)
		if !ok {
			continue
		}
		for _, y := range b {
			if py, ok := prefix(y); ok && px.Overlaps(py) {
				return true
			}
		}
	}
	return false
}

// prefix reads an address (as a one-address network) or a network.
func prefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}
