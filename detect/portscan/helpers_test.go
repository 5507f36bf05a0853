package portscan

import (
	"testing"
	"time"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/internal/detecttest"
	"github.com/weirhq/weir/store/duckdb"
)

// day0 is the start of the scripted hunts: the baseline is the day before.
var day0 = time.Date(2026, 1, 14, 0, 0, 0, 0, time.UTC)

func storeOf(t *testing.T, recs []flow.Record) *duckdb.Store { return detecttest.Store(t, recs) }

func conn(at time.Time, src, dst string, port uint16, bytes, bytesRev uint64, action flow.Action) flow.Record {
	return detecttest.Request(at, src, dst, port, bytes, bytesRev, action)
}
