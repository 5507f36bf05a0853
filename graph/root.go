// Package graph draws weir's maps (DESIGN §5): the resource map — one workload's
// neighbours out to a few hops, with the lateral-movement paths and the blast
// radius marked — the communications map, which groups the estate's traffic by
// role, app, workload or zone on both ends, and the resource page's summary of
// one workload.
//
// It turns a question into a handful of aggregate queries (one or two per level
// of the map, never one per node) and assembles their rows into nodes and edges.
// It does not own the filter language (package query), the storage or the
// choice of table (the store), nor the inventory (enrich/inventory): it reads
// them through the narrow interfaces of Dependencies.
//
// A Maps is read-only after New: any number of goroutines may call its methods.
package graph

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/weirhq/weir/enrich/inventory"
	"github.com/weirhq/weir/store/duckdb"
)

// Aggregator sums flows by groups (the store's Aggregate). It is called
// concurrently by every request a Maps serves.
type Aggregator interface {
	Aggregate(ctx context.Context, q duckdb.AggregateQuery) ([]duckdb.Row, string, error)
}

// Workloads finds an inventory workload by its exact name, or returns nil. An
// *inventory.Inventory is one (a nil one knows no workload).
type Workloads interface {
	ByName(name string) *inventory.Workload
}

// Dependencies of the maps.
type Dependencies struct {
	Flows     Aggregator
	Workloads Workloads // may be nil: then only the flows say which workloads exist
}

// Configuration of the maps.
type Configuration struct {
	// Now is the clock that Params.Until defaults to.
	Now func() time.Time
}

// Maps answers the map and resource questions.
type Maps struct {
	cfg  Configuration
	deps Dependencies
}

// New returns a Maps.
func New(cfg Configuration, deps Dependencies) (*Maps, error) {
	if deps.Flows == nil {
		return nil, errors.New("graph: no flow store to read")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Maps{cfg: cfg, deps: deps}, nil
}

// Limits and defaults of Params.
const (
	DefaultDepth  = 2
	MaxDepth      = 4
	DefaultLimit  = 10
	MaxLimit      = 100
	DefaultWindow = 24 * time.Hour
	MaxWindow     = 90 * 24 * time.Hour
)

// Params are what every map question takes.
type Params struct {
	Window time.Duration // Now = [Until−Window, Until); default 24h, at most 90 days
	Until  time.Time     // default the clock's now
	Depth  int           // hops from the resource (resource map only): 1–4, default 2
	Q      string        // a filter (DESIGN §6) the flows must also match
	Limit  int           // neighbours kept per node, top by flows: 1–100, default 10
}

// ErrInvalid is wrapped by the errors about bad Params (and a bad group): the
// caller's mistake, with the allowed range in the message.
var ErrInvalid = errors.New("invalid parameter")

// ErrUnknownWorkload is wrapped by the error about a workload that neither the
// inventory nor the flows of the window name.
var ErrUnknownWorkload = errors.New("unknown workload")

// withDefaults fills in the defaults of p and checks its ranges.
func (m *Maps) withDefaults(p Params) (Params, error) {
	if p.Window == 0 {
		p.Window = DefaultWindow
	}
	if p.Window < 0 || p.Window > MaxWindow {
		return p, fmt.Errorf("window %s: want a duration from 1s to %s: %w", p.Window, MaxWindow, ErrInvalid)
	}
	if p.Until.IsZero() {
		p.Until = m.cfg.Now().UTC()
	}
	if p.Depth == 0 {
		p.Depth = DefaultDepth
	}
	if p.Depth < 1 || p.Depth > MaxDepth {
		return p, fmt.Errorf("depth %d: want 1 to %d: %w", p.Depth, MaxDepth, ErrInvalid)
	}
	if p.Limit == 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit < 1 || p.Limit > MaxLimit {
		return p, fmt.Errorf("limit %d: want 1 to %d: %w", p.Limit, MaxLimit, ErrInvalid)
	}
	return p, nil
}
