package pipeline

import (
	"bufio"
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weirhq/weir/enrich"
	"github.com/weirhq/weir/enrich/intel"
	"github.com/weirhq/weir/simulate"
	"github.com/weirhq/weir/store/duckdb"
)

// The test binary doubles as the process that TestSIGKILLResumesExactly kills:
// with WEIR_KILL_CHILD set it ingests and logs each commit on stderr.
func TestMain(m *testing.M) {
	if logs := os.Getenv("WEIR_KILL_CHILD"); logs != "" {
		if err := ingestDir(context.Background(), slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})),
			logs, os.Getenv("WEIR_KILL_DATA")); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// ingestDir ingests a simulated estate's logs into data as `weir ingest` does:
// enrichment from its inventory and feeds, passive DNS restored from the store.
func ingestDir(ctx context.Context, logger *slog.Logger, logs, data string) error {
	cfg := enrich.Configuration{Inventory: filepath.Join(logs, "inventory.yaml")}
	feeds, _ := filepath.Glob(filepath.Join(logs, "intel", "*"))
	for _, f := range feeds {
		cfg.Intel = append(cfg.Intel, intel.Feed{Name: strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)), Path: f})
	}
	tables, err := enrich.Load(cfg)
	if err != nil {
		return err
	}
	st, err := duckdb.Open(ctx, logger, data)
	if err != nil {
		return err
	}
	defer st.Close()
	obs, err := st.DNS(ctx)
	if err != nil {
		return err
	}
	for _, o := range obs {
		tables.DNS.Add(o)
	}
	p, err := New(logger, Configuration{Now: func() time.Time { return simulate.DefaultEnd }}, Dependencies{
		Store: st, NewEnricher: func() Enricher { return tables.NewEnricher() }, DNS: tables.DNS,
	})
	if err != nil {
		return err
	}
	var inputs []string
	for _, d := range []string{"aws", "azure", "gcp", "zeek", "route53"} {
		inputs = append(inputs, filepath.Join(logs, d))
	}
	_, err = p.Ingest(ctx, inputs)
	return err
}

// fingerprint is what a store holds, in numbers that a double count or a lost
// batch would change.
func fingerprint(t *testing.T, data string) []any {
	t.Helper()
	st, err := duckdb.Open(context.Background(), slog.New(slog.DiscardHandler), data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []any
	for _, q := range []string{
		`SELECT count(*), sum(bytes)::BIGINT, sum(flows)::BIGINT, sum(packets_rev)::BIGINT FROM flows`,
		`SELECT count(*), sum(bytes)::BIGINT, sum(records)::BIGINT FROM flows_1h`,
		`SELECT count(*), sum(accepted)::BIGINT, sum(rejected)::BIGINT, sum(duplicates)::BIGINT, count(*) FILTER (WHERE done) FROM inputs`,
		`SELECT count(*) FROM dns`,
		`SELECT count(DISTINCT ip) - count(*) FROM ips`,
	} {
		var a, b, c, d, e any
		dest := []any{&a, &b, &c, &d, &e}
		cols := strings.Count(strings.SplitN(q, "FROM", 2)[0], ",") + 1
		if err := st.DB().QueryRow(q).Scan(dest[:cols]...); err != nil {
			t.Fatal(err)
		}
		out = append(out, a, b, c, d, e)
	}
	return out
}

// TestSIGKILLResumesExactly kills an ingest after its first commit, runs it again,
// and expects exactly what one uninterrupted run stores.
func TestSIGKILLResumesExactly(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates an estate and ingests it three times")
	}
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	if _, err := simulate.Run(simulate.Config{Out: logs, Workloads: 60, Hours: 12, Seed: 3, Rate: 8}); err != nil {
		t.Fatal(err)
	}
	whole, killed := filepath.Join(dir, "whole"), filepath.Join(dir, "killed")
	if err := ingestDir(context.Background(), slog.New(slog.DiscardHandler), logs, whole); err != nil {
		t.Fatal(err)
	}

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "WEIR_KILL_CHILD="+logs, "WEIR_KILL_DATA="+killed)
	stderr, err := child.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	commits := 0
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "msg=committed") {
			commits++
			break
		}
	}
	child.Process.Kill() // SIGKILL: no deferred code, no clean close
	go func() {
		for sc.Scan() {
		}
	}()
	err = child.Wait()
	if commits == 0 || err == nil {
		t.Fatalf("the child ended by itself (%v) after %d commits: nothing was interrupted", err, commits)
	}
	mid := fingerprint(t, killed)
	if err := ingestDir(context.Background(), slog.New(slog.DiscardHandler), logs, killed); err != nil {
		t.Fatal(err)
	}
	want, got := fingerprint(t, whole), fingerprint(t, killed)
	for i := range want {
		if want[i] != got[i] {
			t.Errorf("after kill and rerun: %v\nuninterrupted:        %v", got, want)
			break
		}
	}
	if mid[0] == want[0] {
		t.Errorf("the killed run had already stored everything (%v flows): the test proves nothing", mid[0])
	}
}
