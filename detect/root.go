// Package detect turns flows into findings: each detector (one package under
// detect/<name>) reads the store through Source over a hunt's window and its
// baseline, and reports what it finds with MITRE ATT&CK tactics and techniques, a
// severity and a 0–100 score whose reasons are in the evidence. This package holds
// the contract and the runner; it stores nothing (package state keeps findings)
// and notifies no one (package notify).
package detect

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/weirhq/weir/store/duckdb"
)

// Source is what detectors read: aggregates (from the coarsest table that can
// answer, see duckdb.AggregateQuery) and raw flows.
type Source interface {
	Aggregate(ctx context.Context, q duckdb.AggregateQuery) ([]duckdb.Row, string, error)
	Flows(ctx context.Context, q duckdb.FlowQuery) ([]duckdb.Row, error)
}

// Window is what one hunt looks at: [From, Until), and the baseline before it,
// [BaselineFrom, From), for "new against the baseline" and "unusual volume".
type Window struct {
	From, Until  time.Time
	BaselineFrom time.Time
}

// Detector finds one kind of behaviour. Detect is called by one goroutine at a
// time per Detector; it returns what it found in w, or an error (the runner
// reports it and the other detectors still run).
type Detector interface {
	Name() string
	Detect(ctx context.Context, src Source, w Window) ([]Finding, error)
}

// Severities, lowest first.
const (
	Low      = "low"
	Medium   = "medium"
	High     = "high"
	Critical = "critical"
)

// SeverityOf maps a 0–100 score to a severity: the score is the finer measure,
// the severity what a queue sorts on.
func SeverityOf(score int) string {
	switch {
	case score >= 90:
		return Critical
	case score >= 70:
		return High
	case score >= 40:
		return Medium
	}
	return Low
}

// Finding is what a detector reports (DESIGN §7). Key identifies the behaviour
// (the detector and its main entities): a hunt that finds the same key again
// updates that finding (last_seen, counts) instead of opening another.
type Finding struct {
	ID         string    `json:"id"`
	Key        string    `json:"key"`
	Detector   string    `json:"detector"`
	Title      string    `json:"title"`
	Tactics    []string  `json:"tactics"`    // e.g. TA0008
	Techniques []string  `json:"techniques"` // e.g. T1021.002
	Severity   string    `json:"severity"`
	Score      int       `json:"score"` // 0–100
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
	Entities   Entities  `json:"entities"`
	Evidence   Evidence  `json:"evidence"`
	Summary    string    `json:"summary"`
}

// Entities are who a finding is about.
type Entities struct {
	Sources      []string `json:"sources"`      // IP addresses
	Destinations []string `json:"destinations"` // IP addresses or networks
	Workloads    []string `json:"workloads"`
}

// Evidence backs a finding with numbers and a ready filter for its flows.
type Evidence struct {
	Flows     uint64         `json:"flows"`
	Bytes     uint64         `json:"bytes"`
	Ports     []uint16       `json:"ports,omitempty"`
	Countries []string       `json:"countries,omitempty"`
	Filter    string         `json:"filter"`        // weir flows FILTER shows the flows behind it
	Score     []ScoreReason  `json:"score_reasons"` // why the score is what it is
	Details   map[string]any `json:"details,omitempty"`
}

// ScoreReason is one part of a score.
type ScoreReason struct {
	Reason string `json:"reason"`
	Points int    `json:"points"`
}

// KeyOf makes a finding's stable key from the detector and its identifying parts.
func KeyOf(detector string, parts ...string) string {
	return detector + ":" + strings.Join(parts, "|")
}

// IDOf is a short stable id for a key, for URLs.
func IDOf(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "f-" + hex.EncodeToString(sum[:8])
}

// Result is what a run of several detectors gives.
type Result struct {
	Findings []Finding
	Errors   map[string]error // by detector
	Took     map[string]time.Duration
}

// Run runs every detector over w. A detector that fails is reported in Errors and
// the others still run. Findings get their ID and Key filled in and are sorted by
// score, highest first.
func Run(ctx context.Context, src Source, w Window, detectors []Detector) Result {
	res := Result{Errors: map[string]error{}, Took: map[string]time.Duration{}}
	for _, d := range detectors {
		t0 := time.Now()
		fs, err := safeDetect(ctx, d, src, w)
		res.Took[d.Name()] = time.Since(t0)
		if err != nil {
			res.Errors[d.Name()] = err
			continue
		}
		for i := range fs {
			f := &fs[i]
			f.Detector = d.Name()
			if f.Key == "" {
				f.Key = KeyOf(d.Name(), f.Title)
			}
			f.ID = IDOf(f.Key)
			if f.Severity == "" {
				f.Severity = SeverityOf(f.Score)
			}
		}
		res.Findings = append(res.Findings, fs...)
	}
	slices.SortStableFunc(res.Findings, func(a, b Finding) int {
		if a.Score != b.Score {
			return b.Score - a.Score
		}
		return strings.Compare(a.Key, b.Key)
	})
	return res
}

// safeDetect turns a detector's panic into its error, so one broken detector
// cannot stop a hunt.
func safeDetect(ctx context.Context, d Detector, src Source, w Window) (fs []Finding, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("detector %s panicked: %v", d.Name(), r)
		}
	}()
	return d.Detect(ctx, src, w)
}
