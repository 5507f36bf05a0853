package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weirhq/weir/enrich"
	"github.com/weirhq/weir/enrich/intel"
	"github.com/weirhq/weir/query"
	"github.com/weirhq/weir/simulate"
	"github.com/weirhq/weir/store/duckdb"
)

// ingestSimulation simulates an estate and ingests it with the real enrichment.
func ingestSimulation(t *testing.T, hours int) (*simulate.Truth, *duckdb.Store, Summary) {
	t.Helper()
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	truth, err := simulate.Run(simulate.Config{Out: logs, Workloads: 60, Hours: hours, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	feeds, _ := filepath.Glob(filepath.Join(logs, "intel", "*"))
	cfg := enrich.Configuration{Inventory: filepath.Join(logs, "inventory.yaml")}
	for _, f := range feeds {
		cfg.Intel = append(cfg.Intel, intel.Feed{Name: strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)), Path: f})
	}
	tables, err := enrich.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := duckdb.Open(context.Background(), slog.New(slog.DiscardHandler), filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p, err := New(slog.New(slog.DiscardHandler), Configuration{Now: func() time.Time { return truth.End }}, Dependencies{
		Store: st, NewEnricher: func() Enricher { return tables.NewEnricher() }, DNS: tables.DNS,
	})
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string // the logs; intel/ holds feeds, not logs
	for _, d := range []string{"aws", "azure", "gcp", "zeek", "route53"} {
		inputs = append(inputs, filepath.Join(logs, d))
	}
	sum, err := p.Ingest(context.Background(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	return truth, st, sum
}

// TestSimulatedEstateCountsEveryConnectionOnce ingests every format the simulator
// writes and checks each injected scenario against truth.json: the connections
// between its sources and destinations, counted once however many logs saw them.
func TestSimulatedEstateCountsEveryConnectionOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and ingests an estate")
	}
	truth, st, sum := ingestSimulation(t, 12)
	for _, f := range sum.Files {
		if f.Status == "failed" || f.Rejected > 0 || f.Error != "" {
			t.Errorf("%s: %s, %d rejected %v %s", f.Path, f.Status, f.Rejected, f.Reasons, f.Error)
		}
	}
	if sum.Duplicates == 0 || sum.DNS == 0 {
		t.Errorf("summary %+v: want duplicates counted once and passive DNS read", sum)
	}
	db := st.DB()
	for _, sc := range truth.Scenarios {
		// Through the filter language, as a user would ask: the destinations may be networks.
		ips := func(list []string) string { return "(" + strings.Join(list, ", ") + ")" }
		filter := fmt.Sprintf("((src.ip in %s and dst.ip in %s) or (src.ip in %s and dst.ip in %s))",
			ips(sc.Sources), ips(sc.Destinations), ips(sc.Destinations), ips(sc.Sources))
		if len(sc.Expect.Ports) > 0 { // the scenario's services, not the background between the same hosts
			var ports []string
			for _, p := range sc.Expect.Ports {
				ports = append(ports, fmt.Sprint(p))
			}
			filter += " and port in " + ips(ports)
		}
		c, err := query.Compile(filter, query.DuckDB)
		if err != nil {
			t.Fatalf("%s: %v", sc.ID, err)
		}
		var got int64
		args := append([]any{sc.Start.Unix(), sc.End.Unix()}, c.Args...)
		if err := db.QueryRow(`SELECT coalesce(sum(flows), 0)::BIGINT FROM flows WHERE ts_start >= ? AND ts_start <= ? AND (`+c.Where+`)`, args...).Scan(&got); err != nil {
			t.Fatal(err)
		}
		want, slack := int64(sc.Expect.Flows), int64(0)
		if slices.Contains(sc.Expect.Observed, "gcp-vpc") {
			// GCP writes a file an hour and says nothing of where a connection
			// starts, so a connection that crosses the hour is counted in each
			// file (see continuations): at most one more per pair and hour.
			hours := int64(sc.End.Truncate(time.Hour).Sub(sc.Start.Truncate(time.Hour)) / time.Hour)
			slack = hours * int64(len(sc.Sources)*len(sc.Destinations))
		}
		if got < want || got > want+slack {
			t.Errorf("%s (%v): %d connections stored, truth.json says %d (+%d allowed)", sc.ID, sc.Expect.Observed, got, want, slack)
		}
		if p := sc.Expect.Provider; p != "" {
			var n int
			db.QueryRow(`SELECT count(*) FROM flows WHERE llm_provider IN (SELECT id FROM dict WHERE domain = 'llm_provider' AND s = ?)`, p).Scan(&n)
			if n == 0 {
				t.Errorf("%s: no flow names the LLM provider %s", sc.ID, p)
			}
		}
	}
}
