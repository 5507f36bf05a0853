// Package detecttest measures a detector on simulated estates against their
// truth.json: every scenario of its kinds found, few findings about nothing. The
// detector packages' tests share it.
package detecttest

import (
	"context"
	"net/netip"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/internal/estate"
	"github.com/weirhq/weir/query"
	"github.com/weirhq/weir/simulate"
)

// estateCases are the simulated estates the detector is measured on: two seeds
// by default, and WEIR_EVAL=1 adds seeds and a larger estate.
func estateCases() []estate.Config {
	cs := []estate.Config{{Hours: 48, Seed: 1}, {Hours: 48, Seed: 2}}
	if os.Getenv("WEIR_EVAL") != "" {
		cs = append(cs, estate.Config{Hours: 48, Seed: 3}, estate.Config{Hours: 48, Seed: 4, Workloads: 200},
			estate.Config{Hours: 48, Seed: 5, Workloads: 200})
	}
	return cs
}

// huntWindow is the last 24 hours of the estate, the day before it the baseline.
func huntWindow(tr *simulate.Truth) detect.Window {
	until := tr.End.Truncate(time.Hour)
	if until.Before(tr.End) {
		until = until.Add(time.Hour)
	}
	from := until.Add(-24 * time.Hour)
	base := tr.Start.Truncate(time.Hour)
	if base.Before(tr.Start) {
		base = base.Add(time.Hour)
	}
	return detect.Window{From: from, Until: until, BaselineFrom: base}
}

// matches reports whether finding f is about scenario s: they share an address
// (a scenario may name a network) and overlap in time, give or take an hour.
func matches(f detect.Finding, s simulate.Scenario) bool {
	if f.LastSeen.Before(s.Start.Add(-time.Hour)) || f.FirstSeen.After(s.End.Add(time.Hour)) {
		return false
	}
	var mine []string
	mine = append(mine, f.Entities.Sources...)
	mine = append(mine, f.Entities.Destinations...)
	theirs := append(append([]string{}, s.Sources...), s.Destinations...)
	for _, a := range mine {
		ip, err := netip.ParseAddr(a)
		if err != nil {
			continue
		}
		for _, b := range theirs {
			if p, err := netip.ParsePrefix(b); err == nil && p.Contains(ip) {
				return true
			}
			if b == a {
				return true
			}
		}
	}
	return false
}

// Measure runs d over the estate's hunt window and checks that every scenario of
// kinds is found and that few findings match no scenario at all.
func Measure(t *testing.T, d detect.Detector, kinds map[string]bool) {
	t.Helper()
	for _, cfg := range estateCases() {
		t.Run("seed"+strconv.Itoa(int(cfg.Seed))+"-w"+strconv.Itoa(cfg.Workloads), func(t *testing.T) {
			e := estate.Load(t, cfg)
			w := huntWindow(e.Truth)
			t0 := time.Now()
			fs, err := d.Detect(context.Background(), e.Store, w)
			if err != nil {
				t.Fatal(err)
			}
			took := time.Since(t0)
			found, total := 0, 0
			for _, s := range e.Truth.Scenarios {
				if !kinds[s.Kind] || s.End.Before(w.From) {
					continue
				}
				total++
				hit := false
				for _, f := range fs {
					hit = hit || matches(f, s)
				}
				if hit {
					found++
				} else {
					t.Errorf("scenario %s (%s, %v) not found", s.ID, s.Description, s.Sources)
				}
			}
			fp := 0
			for _, f := range fs {
				any := false
				for _, s := range e.Truth.Scenarios {
					any = any || matches(f, s)
				}
				if !any {
					fp++
					t.Logf("finding matching no scenario: %s (score %d) %v", f.Title, f.Score, f.Evidence.Score)
				}
			}
			perDay := float64(fp) * 100 / float64(e.Truth.Workloads) * 24 / w.Until.Sub(w.From).Hours()
			t.Logf("%s: found %d of %d scenarios, %d findings, %d match none (%.2f per 100 workloads per day), took %v",
				d.Name(), found, total, len(fs), fp, perDay, took)
			if total == 0 {
				t.Errorf("no scenario of kinds %v in the window", kinds)
			}
			if perDay > 1 {
				t.Errorf("%.2f findings per 100 workloads per day match no scenario, want at most 1", perDay)
			}
			for _, f := range fs {
				CheckFinding(t, f)
			}
		})
	}
}

// CheckFinding checks what every finding must carry.
func CheckFinding(t *testing.T, f detect.Finding) {
	t.Helper()
	if f.Key == "" || f.Title == "" || f.Summary == "" || len(f.Tactics) == 0 || len(f.Techniques) == 0 ||
		f.Evidence.Filter == "" || len(f.Evidence.Score) == 0 || f.Score < 0 || f.Score > 100 || f.FirstSeen.IsZero() {
		t.Errorf("incomplete finding: %+v", f)
	}
	if _, err := query.Parse(f.Evidence.Filter); err != nil {
		t.Errorf("finding %q: filter %q: %v", f.Title, f.Evidence.Filter, err)
	}
}
