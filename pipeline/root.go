// Package pipeline runs inputs through weir: it finds the files, recognises their
// format, decodes, enriches, counts a connection seen at both ends once, and stores
// the flows with the progress of every file, so that a rerun after a crash resumes
// exactly where the last commit ended. It owns none of those steps' logic: decoders
// are in ingest/<format>, enrichment in enrich/, storage in store/.
package pipeline

import (
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/store/duckdb"
)

// Enricher fills in a record's enriched fields. Each decode worker gets its own
// from Dependencies.NewEnricher, so an Enricher need not be safe for concurrent use.
type Enricher interface {
	Enrich(r *flow.Record)
}

// PassiveDNS takes the observations that DNS and TLS logs yield; enrichment reads it.
type PassiveDNS interface {
	Add(o ingest.DNSObservation)
}

// Configuration of a pipeline run.
type Configuration struct {
	// Format forces one format for every input; empty detects it per file.
	Format string
	// Workers decoding in parallel (one file each); 0 means 2.
	Workers int
	// Now is the clock; decoders reject timestamps more than a day after it.
	Now func() time.Time
	// Progress, when set, is called about twice a second while a run goes on.
	Progress func(Status)
}

// Status is how far a run has got.
type Status struct {
	Files, FilesDone int
	Records          int64 // accepted so far
	Elapsed          time.Duration
}

// Dependencies of a pipeline.
type Dependencies struct {
	Store       *duckdb.Store
	NewEnricher func() Enricher
	DNS         PassiveDNS // may be nil
}

// Pipeline ingests inputs into a store.
type Pipeline struct {
	logger *slog.Logger
	cfg    Configuration
	deps   Dependencies

	filesDone atomic.Int64
	records   atomic.Int64
}

// New returns a pipeline.
func New(logger *slog.Logger, cfg Configuration, deps Dependencies) (*Pipeline, error) {
	if cfg.Format != "" {
		if _, err := formatByName(cfg.Format); err != nil {
			return nil, err
		}
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if deps.NewEnricher == nil {
		deps.NewEnricher = func() Enricher { return nopEnricher{} }
	}
	return &Pipeline{logger: logger.With("component", "pipeline"), cfg: cfg, deps: deps}, nil
}

type nopEnricher struct{}

func (nopEnricher) Enrich(*flow.Record) {}

// FileSummary is what came of one input.
type FileSummary struct {
	Path       string           `json:"path"`
	Format     string           `json:"format"`
	Status     string           `json:"status"` // ingested, resumed, already ingested, failed
	Accepted   int64            `json:"accepted"`
	Rejected   int64            `json:"rejected"`
	Duplicates int64            `json:"duplicates"` // reports of a connection already counted at its other end
	Resumed    int64            `json:"resumed_after,omitempty"`
	Reasons    map[string]int64 `json:"reasons,omitempty"`  // rejects by reason
	Examples   []string         `json:"examples,omitempty"` // the first few rejects, with their position
	Error      string           `json:"error,omitempty"`    // why the input stopped early (truncated gzip, read error)
}

// Summary is what came of a run.
type Summary struct {
	Files      []FileSummary `json:"files"`
	Accepted   int64         `json:"accepted"`
	Rejected   int64         `json:"rejected"`
	Duplicates int64         `json:"duplicates"`
	DNS        int64         `json:"dns_observations"`
	Elapsed    time.Duration `json:"elapsed_ns"`
}
