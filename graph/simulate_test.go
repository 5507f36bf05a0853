package graph

import (
	"context"
	"log/slog"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirhq/weir/enrich"
	"github.com/weirhq/weir/enrich/intel"
	"github.com/weirhq/weir/pipeline"
	"github.com/weirhq/weir/simulate"
	"github.com/weirhq/weir/store/duckdb"
)

// simulatedEstate simulates an estate, ingests it with the real enrichment and
// returns Maps over it, with the truth and the enrichment tables.
func simulatedEstate(t testing.TB, workloads, hours int) (*Maps, *simulate.Truth, *enrich.Tables, *recorder) {
	t.Helper()
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	truth, err := simulate.Run(simulate.Config{Out: logs, Workloads: workloads, Hours: hours, Seed: 7})
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
	ctx := context.Background()
	st, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p, err := pipeline.New(slog.New(slog.DiscardHandler), pipeline.Configuration{Now: func() time.Time { return truth.End }},
		pipeline.Dependencies{Store: st, NewEnricher: func() pipeline.Enricher { return tables.NewEnricher() }, DNS: tables.DNS})
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, d := range []string{"aws", "azure", "gcp", "zeek", "route53"} {
		inputs = append(inputs, filepath.Join(logs, d))
	}
	if _, err := p.Ingest(ctx, inputs); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Rollup(ctx); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{Aggregator: st}
	m, err := New(Configuration{Now: func() time.Time { return truth.End }}, Dependencies{Flows: rec, Workloads: tables.Inventory})
	if err != nil {
		t.Fatal(err)
	}
	return m, truth, tables, rec
}

// recorder notes which table answered each aggregate query and how long it took.
type recorder struct {
	Aggregator
	mu     sync.Mutex
	tables []string
	took   []time.Duration
}

func (r *recorder) Aggregate(ctx context.Context, q duckdb.AggregateQuery) ([]duckdb.Row, string, error) {
	start := time.Now()
	rows, table, err := r.Aggregator.Aggregate(ctx, q)
	r.mu.Lock()
	r.tables, r.took = append(r.tables, table), append(r.took, time.Since(start))
	r.mu.Unlock()
	return rows, table, err
}

// wholeWindow is the simulation's span in whole hours, so the maps read the rollup.
func wholeWindow(tr *simulate.Truth) Params {
	until := tr.End.Truncate(time.Hour).Add(time.Hour)
	return Params{Until: until, Window: until.Sub(tr.Start.Truncate(time.Hour))}
}

// The lateral-movement scenarios' source reaches, on its map at depth 2, every
// workload it swept over SMB, and its blast radius holds the servers it then
// opened RDP sessions to.
func TestSimulatedLateralMovement(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and ingests an estate")
	}
	m, truth, tables, rec := simulatedEstate(t, 40, 6)
	scenario := func(kind string) simulate.Scenario {
		for _, sc := range truth.Scenarios {
			if sc.Kind == kind {
				return sc
			}
		}
		t.Fatalf("truth.json has no scenario of kind %s", kind)
		return simulate.Scenario{}
	}
	workloadsOf := func(ips []string) []string {
		var names []string
		for _, s := range ips {
			if w := tables.Inventory.ByIP(netip.MustParseAddr(s)); w != nil {
				names = append(names, w.Name)
			}
		}
		return names
	}
	smb, rdp := scenario("lateral-smb"), scenario("lateral-rdp")
	src := workloadsOf(smb.Sources)
	if len(src) != 1 {
		t.Fatalf("lateral-smb sources %v: want one workload", smb.Sources)
	}
	p := wholeWindow(truth)
	p.Limit = MaxLimit
	mp, err := m.Resource(context.Background(), src[0], p)
	if err != nil {
		t.Fatal(err)
	}
	onMap := map[string]bool{}
	for _, n := range mp.Nodes {
		onMap[n.Label] = true
	}
	targets := workloadsOf(smb.Destinations)
	if len(targets) < 5 {
		t.Fatalf("lateral-smb destinations %v: want the estate's workloads", smb.Destinations)
	}
	for _, w := range targets {
		if !onMap[w] {
			t.Errorf("%s's map does not reach %s, an SMB target", src[0], w)
		}
	}
	for _, w := range workloadsOf(rdp.Destinations) {
		if !slices.Contains(mp.BlastRadius, w) {
			t.Errorf("%s's blast radius %v misses %s, which it RDPed into", src[0], mp.BlastRadius, w)
		}
	}
	lateral := 0
	for _, e := range mp.Edges {
		if e.Lateral && e.From == workloadID(src[0]) {
			lateral++
		}
	}
	if lateral < len(targets) {
		t.Errorf("%d lateral edges from %s, want at least one per SMB target (%d)", lateral, src[0], len(targets))
	}
	for i, table := range rec.tables {
		if !duckdb.IsRollup(table) {
			t.Errorf("query %d of the map read %s, want the hourly rollup", i, table)
		}
	}
	t.Logf("queries took %v", rec.took)
	t.Logf("%s: %d nodes, %d edges, %d queries, blast radius %d workloads", src[0], len(mp.Nodes), len(mp.Edges), mp.Queries, len(mp.BlastRadius))

	// The resource page of the same workload shows its risky SMB traffic.
	sum, err := m.Summary(context.Background(), src[0], wholeWindow(truth))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(sum.RiskyServices, func(r ServiceRow) bool { return r.Service == "SMB" && r.FlowsNow > 0 }) {
		t.Errorf("summary of %s: risky services %+v, want SMB", src[0], sum.RiskyServices)
	}
}

func BenchmarkResourceMap(b *testing.B) {
	m, truth, _, _ := simulatedEstate(b, 60, 24)
	p := wholeWindow(truth)
	// The busiest workload's map: the worst case of a depth-2 map.
	var busiest string
	var most uint64
	comm, err := m.Communications(context.Background(), "workload", Params{Until: p.Until, Window: p.Window, Limit: MaxLimit})
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range comm.Edges {
		if e.Flows > most && strings.HasPrefix(e.From, "workload/") {
			busiest, most = strings.TrimPrefix(e.From, "workload/"), e.Flows
		}
	}
	var nodes, edges int
	start := time.Now()
	n := 0
	for b.Loop() {
		mp, err := m.Resource(context.Background(), busiest, p)
		if err != nil {
			b.Fatal(err)
		}
		nodes, edges = len(mp.Nodes), len(mp.Edges)
		n++
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(n), "ms/map")
	b.ReportMetric(float64(nodes), "nodes")
	b.ReportMetric(float64(edges), "edges")
}
