package longconn

import (
	"testing"
	"time"

	"github.com/weirhq/weir/detect"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/internal/detecttest"
	"github.com/weirhq/weir/store/duckdb"
)

var t0 = time.Date(2026, 1, 14, 12, 0, 0, 0, time.UTC)

var window = detect.Window{BaselineFrom: t0.Add(-12 * time.Hour), From: t0, Until: t0.Add(12 * time.Hour)}

func store(t *testing.T, recs []flow.Record) *duckdb.Store { return detecttest.Store(t, recs) }

func record(at time.Time, dur time.Duration, src, dst string, port uint16, bytes uint64, dir flow.Direction) flow.Record {
	return detecttest.Timed(at, dur, src, dst, port, bytes, dir)
}

func findingKeys(fs []detect.Finding) []string { return detecttest.Keys(fs) }

func checkScores(t *testing.T, fs []detect.Finding) { detecttest.CheckScores(t, fs) }
