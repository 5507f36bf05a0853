// Package estate is a test fixture: a simulated estate (package simulate) ingested
// by the real pipeline with the real enrichment into a temporary store, together
// with the records that store should hold, rebuilt separately from the same logs,
// so that tests can compute what any query must answer with plain Go loops. It
// owns no decoding, enrichment or counting rule: it calls the decoders, the
// enrichment tables and pipeline's Duplicate and Continuations.
package estate

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/weirhq/weir/enrich"
	"github.com/weirhq/weir/enrich/intel"
	"github.com/weirhq/weir/enrich/llm"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/ingest"
	"github.com/weirhq/weir/ingest/awsvpc"
	"github.com/weirhq/weir/ingest/azureflow"
	"github.com/weirhq/weir/ingest/gcpflow"
	"github.com/weirhq/weir/ingest/zeek"
	"github.com/weirhq/weir/pipeline"
	"github.com/weirhq/weir/simulate"
	"github.com/weirhq/weir/store/duckdb"
)

// Config says what estate to simulate. Zero fields take simulate's defaults,
// except Hours (default 12) and Seed (default 7).
type Config struct {
	Hours     int
	Seed      uint64
	Workloads int
	Rate      float64
	End       time.Time
	// Sanctioned are the LLM providers enrichment marks as sanctioned, e.g. the
	// truth's "Azure OpenAI".
	Sanctioned []string
}

// Estate is a simulated estate in a store.
type Estate struct {
	Dir     string // holds logs/ (the simulator's output) and data/ (the store)
	Truth   *simulate.Truth
	Store   *duckdb.Store
	Summary pipeline.Summary
	// Records are the enriched flows the store should hold, one per stored row,
	// rebuilt from the logs apart from the pipeline: decoded by the decoders,
	// enriched by the same tables, with pipeline.Duplicate's reports dropped and
	// pipeline.Continuations' flows set to 0.
	Records []flow.Record
}

// Load builds the estate cfg describes under t.TempDir and closes it at cleanup.
func Load(t testing.TB, cfg Config) *Estate {
	t.Helper()
	e, err := Build(context.Background(), t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Store.Close() })
	return e
}

// Build builds the estate cfg describes under dir (for fixtures shared by a whole
// package, from TestMain); the caller closes e.Store.
func Build(ctx context.Context, dir string, cfg Config) (*Estate, error) {
	if cfg.Hours == 0 {
		cfg.Hours = 12
	}
	if cfg.Seed == 0 {
		cfg.Seed = 7
	}
	logs := filepath.Join(dir, "logs")
	truth, err := simulate.Run(simulate.Config{Out: logs, Workloads: cfg.Workloads, Hours: cfg.Hours, End: cfg.End,
		Seed: cfg.Seed, Rate: cfg.Rate})
	if err != nil {
		return nil, err
	}
	tables, err := enrich.Load(EnrichConfig(logs, cfg.Sanctioned))
	if err != nil {
		return nil, err
	}
	st, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), filepath.Join(dir, "data"))
	if err != nil {
		return nil, err
	}
	now := func() time.Time { return truth.End }
	p, err := pipeline.New(slog.New(slog.DiscardHandler), pipeline.Configuration{Now: now}, pipeline.Dependencies{
		Store: st, NewEnricher: func() pipeline.Enricher { return tables.NewEnricher() }, DNS: tables.DNS,
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	sum, err := p.Ingest(ctx, Inputs(logs))
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("ingest %s: %w", logs, err)
	}
	// The passive-DNS index now holds every observation, as it did when the
	// pipeline enriched the flows (it reads DNS inputs first).
	recs, err := rebuild(logs, tables, truth.End)
	if err != nil {
		st.Close()
		return nil, err
	}
	return &Estate{Dir: dir, Truth: truth, Store: st, Summary: sum, Records: recs}, nil
}

// EnrichConfig is the enrichment of a simulated estate under logs, as `weir
// ingest --inventory logs/inventory.yaml --intel logs/intel/*` would load it.
func EnrichConfig(logs string, sanctioned []string) enrich.Configuration {
	cfg := enrich.Configuration{Inventory: filepath.Join(logs, "inventory.yaml"), LLM: llm.Configuration{Sanctioned: sanctioned}}
	feeds, _ := filepath.Glob(filepath.Join(logs, "intel", "*"))
	for _, f := range feeds {
		cfg.Intel = append(cfg.Intel, intel.Feed{Name: strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)), Path: f})
	}
	return cfg
}

// Inputs are the log directories of a simulated estate; intel/ holds feeds, not logs.
func Inputs(logs string) []string {
	var in []string
	for _, d := range []string{"aws", "azure", "gcp", "zeek", "route53"} {
		in = append(in, filepath.Join(logs, d))
	}
	return in
}

// rebuild decodes every flow log under logs and applies what the pipeline applies
// to each record.
func rebuild(logs string, tables *enrich.Tables, now time.Time) ([]flow.Record, error) {
	decoders := map[string]func(io.Reader, ingest.Options) ingest.Decoder{
		"aws":   func(r io.Reader, o ingest.Options) ingest.Decoder { return awsvpc.NewDecoder(r, o) },
		"azure": func(r io.Reader, o ingest.Options) ingest.Decoder { return azureflow.NewDecoder(r, o) },
		"gcp":   func(r io.Reader, o ingest.Options) ingest.Decoder { return gcpflow.NewDecoder(r, o) },
		"zeek":  func(r io.Reader, o ingest.Options) ingest.Decoder { return zeek.NewConnDecoder(r, o) },
	}
	enr := tables.NewEnricher()
	var out []flow.Record
	for _, dir := range []string{"aws", "azure", "gcp", "zeek"} {
		files, err := walk(filepath.Join(logs, dir))
		if err != nil {
			return nil, err
		}
		for _, path := range files {
			raw, err := read(path)
			if err != nil {
				return nil, err
			}
			if dir == "zeek" {
				if f, ok := zeek.Detect(raw); !ok || f != zeek.FormatConn {
					continue // dns.log and ssl.log: passive DNS, already in the index
				}
			}
			dec := decoders[dir](bytes.NewReader(raw), ingest.Options{Name: path, Now: now})
			var conts pipeline.Continuations
			for {
				var r flow.Record
				err := dec.Next(&r)
				if err == io.EOF {
					break
				}
				if err != nil {
					var re *ingest.RecordError
					if errors.As(err, &re) {
						continue
					}
					return nil, fmt.Errorf("decode %s: %w", path, err)
				}
				enr.Enrich(&r)
				if pipeline.Duplicate(&r) {
					continue
				}
				conts.Mark(&r)
				// The store keeps times to the second.
				r.Start, r.End = r.Start.Truncate(time.Second), r.End.Truncate(time.Second)
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// walk lists the files under dir by absolute path in name order, as the
// pipeline reads them (the path is the input's name, which some exporter ids use).
func walk(dir string) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	err = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, path)
		}
		return err
	})
	sort.Strings(files)
	return files, err
}

// read returns a file's content, gunzipped when it is gzip.
func read(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gunzip %s: %w", path, err)
		}
		return io.ReadAll(zr)
	}
	return io.ReadAll(br)
}
