package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/weirhq/weir/enrich"
	"github.com/weirhq/weir/pipeline"
	"github.com/weirhq/weir/store/duckdb"
)

// openStore opens the embedded store under --data.
func (g *globals) openStore(ctx context.Context) (*duckdb.Store, error) {
	if g.flowsURL != "" {
		return nil, fmt.Errorf("--flows %s: only the embedded store is available in this build", g.flowsURL)
	}
	return duckdb.Open(ctx, g.logger(), g.data)
}

// loadEnrichment loads the enrichment sources the config file and flags name and
// restores the passive-DNS index from the store.
func (g *globals) loadEnrichment(ctx context.Context, st *duckdb.Store) (*enrich.Tables, error) {
	t, err := enrich.Load(g.enrichConfig())
	if err != nil {
		return nil, err
	}
	obs, err := st.DNS(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range obs {
		t.DNS.Add(o)
	}
	return t, nil
}

// feedName names a feed after its file: firehol_level1.netset → firehol_level1.
func feedName(path string) string {
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}

// timeRange is [until−window, until) from --window and --until.
func (g *globals) timeRange(now time.Time) (from, until time.Time, err error) {
	window, err := time.ParseDuration(g.window)
	if err != nil || window <= 0 {
		return from, until, fmt.Errorf("--window %q: want a positive duration like 24h or 90m", g.window)
	}
	until = now.UTC()
	if g.until != "" {
		if until, err = time.Parse(time.RFC3339, g.until); err != nil {
			return from, until, fmt.Errorf("--until %q: want RFC 3339, e.g. 2026-01-15T00:00:00Z", g.until)
		}
	}
	return until.Add(-window), until, nil
}

// newPipeline returns a pipeline into st, enriching with tables.
func (g *globals) newPipeline(st *duckdb.Store, tables *enrich.Tables, cfg pipeline.Configuration) (*pipeline.Pipeline, error) {
	return pipeline.New(g.logger(), cfg, pipeline.Dependencies{
		Store:       st,
		NewEnricher: func() pipeline.Enricher { return tables.NewEnricher() },
		DNS:         tables.DNS,
	})
}
