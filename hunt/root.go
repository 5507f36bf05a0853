// Package hunt runs the detectors over a window of flows and records what they
// find in the state store: on demand (`weir hunt`, POST /api/v1/hunts) and on a
// schedule inside `weir serve` (Scheduler). It drops what suppression rules
// cover (a known scanner, an approved backup transfer) before anything is stored.
//
// It does not detect (packages detect/<name>), merge findings across hunts
// (state.Store.Upsert does) or notify anyone (package notify reads the Report).
package hunt

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/state"
)

// Report is what one hunt did.
type Report struct {
	From         time.Time `json:"from"` // the window [From, Until)
	Until        time.Time `json:"until"`
	BaselineFrom time.Time `json:"baseline_from"` // the baseline [BaselineFrom, From)
	Time         time.Time `json:"time"`          // when the hunt recorded its findings

	Found        int            `json:"found"`      // findings the detectors reported
	Suppressed   int            `json:"suppressed"` // of which suppression rules dropped
	SuppressedBy map[string]int `json:"suppressed_by,omitempty"`
	Opened       int            `json:"opened"`    // new or reopened findings
	Updated      int            `json:"updated"`   // open findings that saw more activity
	Unchanged    int            `json:"unchanged"` // closed findings whose activity was already judged

	Detectors []DetectorRun    `json:"detectors"`
	Findings  []detect.Finding `json:"findings"` // what was stored, highest score first, with the state ids
	Took      time.Duration    `json:"took_ns"`
}

// DetectorRun is how one detector fared.
type DetectorRun struct {
	Name       string        `json:"name"`
	Findings   int           `json:"findings"` // reported, before suppression
	Suppressed int           `json:"suppressed"`
	Took       time.Duration `json:"took_ns"`
	Error      string        `json:"error,omitempty"`
}

// Failed is how many detectors failed.
func (r Report) Failed() int {
	n := 0
	for _, d := range r.Detectors {
		if d.Error != "" {
			n++
		}
	}
	return n
}

var (
	huntRuns = promauto.NewCounter(prometheus.CounterOpts{Name: "weir_hunt_runs_total", Help: "Hunts run."})
	huntOut  = promauto.NewCounterVec(prometheus.CounterOpts{Name: "weir_hunt_findings_total",
		Help: "Findings hunts reported, by what became of them."}, []string{"result"})
	detectorErrors = promauto.NewCounterVec(prometheus.CounterOpts{Name: "weir_hunt_detector_errors_total",
		Help: "Detector runs that failed."}, []string{"detector"})
	detectorSeconds = promauto.NewHistogramVec(prometheus.HistogramOpts{Name: "weir_hunt_detector_seconds",
		Help: "Time a detector took over one hunt.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 8)}, []string{"detector"})
)

// Run runs detectors over w, drops the findings suppress covers and records the
// rest in st at time now. A detector that fails is reported in the Report and the
// others still run; the error is for bad rules, a store that cannot record, or a
// cancelled ctx.
func Run(ctx context.Context, src detect.Source, st *state.Store, detectors []detect.Detector, w detect.Window,
	suppress []Rule, now time.Time) (Report, error) {
	rep := Report{From: w.From, Until: w.Until, BaselineFrom: w.BaselineFrom, Time: now, Findings: []detect.Finding{}}
	rules, err := compile(suppress)
	if err != nil {
		return rep, err
	}
	t0 := time.Now() // for Took only: durations are measured, not decided on
	res := detect.Run(ctx, src, w, detectors)
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("hunt %s–%s: %w", w.From.Format(time.RFC3339), w.Until.Format(time.RFC3339), err)
	}
	huntRuns.Inc()
	rep.Detectors = make([]DetectorRun, len(detectors))
	byName := make(map[string]*DetectorRun, len(detectors))
	for i, d := range detectors {
		dr := &rep.Detectors[i]
		*dr = DetectorRun{Name: d.Name(), Took: res.Took[d.Name()]}
		byName[d.Name()] = dr
		detectorSeconds.WithLabelValues(d.Name()).Observe(dr.Took.Seconds())
		if err := res.Errors[d.Name()]; err != nil {
			dr.Error = err.Error()
			detectorErrors.WithLabelValues(d.Name()).Inc()
		}
	}
	rep.Found = len(res.Findings)
	for _, f := range res.Findings {
		dr := byName[f.Detector]
		if dr != nil {
			dr.Findings++
		}
		if r := match(rules, &f); r != nil {
			rep.Suppressed++
			if rep.SuppressedBy == nil {
				rep.SuppressedBy = map[string]int{}
			}
			rep.SuppressedBy[r.name]++
			if dr != nil {
				dr.Suppressed++
			}
			continue
		}
		rep.Findings = append(rep.Findings, f)
	}
	opened, updated, err := st.Upsert(ctx, rep.Findings, now)
	if err != nil {
		return rep, fmt.Errorf("hunt %s–%s: %w", w.From.Format(time.RFC3339), w.Until.Format(time.RFC3339), err)
	}
	rep.Opened, rep.Updated = opened, updated
	rep.Unchanged = len(rep.Findings) - opened - updated
	rep.Took = time.Since(t0)
	huntOut.WithLabelValues("opened").Add(float64(opened))
	huntOut.WithLabelValues("updated").Add(float64(updated))
	huntOut.WithLabelValues("suppressed").Add(float64(rep.Suppressed))
	return rep, nil
}
