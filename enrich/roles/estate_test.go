package roles_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/weirhq/weir/enrich"
	"github.com/weirhq/weir/enrich/roles"
	"github.com/weirhq/weir/pipeline"
	"github.com/weirhq/weir/simulate"
	"github.com/weirhq/weir/store/duckdb"
)

// roleLabel is the role label of a line of the simulator's inventory.yaml.
var roleLabel = regexp.MustCompile(`role: ([^,}]+), `)

// TestSimulatedEstateWithoutRoles ingests a simulated estate whose inventory has
// had its role labels removed, infers the roles and scores them against the
// labels the simulator wrote. The simulator calls user endpoints "desktop".
func TestSimulatedEstateWithoutRoles(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and ingests an estate")
	}
	ctx := context.Background()
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	truth, err := simulate.Run(simulate.Config{Out: logs, Workloads: 60, Hours: 24, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	inv := filepath.Join(logs, "inventory.yaml")
	text, err := os.ReadFile(inv)
	if err != nil {
		t.Fatal(err)
	}
	// Original labels by workload name, then the inventory without them.
	given := map[string]string{}
	var name string
	for _, line := range strings.Split(string(text), "\n") {
		if n, ok := strings.CutPrefix(line, "  - name: "); ok {
			name = n
		}
		if m := roleLabel.FindStringSubmatch(line); m != nil {
			given[name] = m[1]
		}
	}
	if len(given) != 60 {
		t.Fatalf("read %d role labels from %s, want 60", len(given), inv)
	}
	if err := os.WriteFile(inv, roleLabel.ReplaceAll(text, nil), 0o644); err != nil {
		t.Fatal(err)
	}

	tables, err := enrich.Load(enrich.Configuration{Inventory: inv})
	if err != nil {
		t.Fatal(err)
	}
	st, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := pipeline.New(slog.New(slog.DiscardHandler), pipeline.Configuration{}, pipeline.Dependencies{
		Store: st, NewEnricher: func() pipeline.Enricher { return tables.NewEnricher() }, DNS: tables.DNS,
	})
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
	t0 := time.Now()
	res, err := roles.Infer(ctx, st, truth.Start, truth.End)
	if err != nil {
		t.Fatal(err)
	}
	var rollup int
	st.DB().QueryRowContext(ctx, `SELECT count(*) FROM flows_1h`).Scan(&rollup)
	t.Logf("inferred %d roles from %d rollup rows in %v", len(res), rollup, time.Since(t0))
	decided := map[string]roles.Result{}
	for _, r := range res {
		decided[r.Key] = r
	}
	profiles, err := st.EndpointProfiles(ctx, truth.Start, truth.End)
	if err != nil {
		t.Fatal(err)
	}
	profile := map[string]roles.Profile{}
	for _, p := range profiles {
		profile[p.Key] = p
	}

	// Score from the store: what a query now reads for each workload.
	rows, err := st.DB().QueryContext(ctx, `SELECT DISTINCT w.s, coalesce(r.s, ''), e.role_inferred FROM endpoints e
		JOIN dict w ON w.domain = 'workload' AND w.id = e.workload LEFT JOIN dict r ON r.domain = 'role' AND r.id = e.role`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	stored := map[string]string{}
	for rows.Next() {
		var w, r string
		var inferred bool
		if err := rows.Scan(&w, &r, &inferred); err != nil {
			t.Fatal(err)
		}
		if r != "" && !inferred {
			t.Errorf("%s: role %q not marked inferred on an estate without roles", w, r)
		}
		stored[w] = r
	}
	right, wrong, none := 0, map[string]int{}, 0
	var lines []string
	for w, want := range given {
		if want == "desktop" {
			want = roles.User
		}
		got := stored[w]
		switch {
		case got == want:
			right++
		case got == "":
			none++
			wrong[want+" → none"]++
		default:
			wrong[want+" → "+got]++
		}
		if got != want {
			pr := profile[w]
			lines = append(lines, fmt.Sprintf("%-22s %-8s → %-8q %.2f %s\n\tserved %v\n\tused %v", w, want, got,
				decided[w].Confidence, decided[w].Reason, pr.Served, pr.Used))
		}
	}
	sort.Strings(lines)
	t.Logf("%d of %d workloads right, %d undecided; misses: %v\n%s", right, len(given), none, wrong, strings.Join(lines, "\n"))
	// Measured: 54 of 60 right, none wrong, 6 undecided (dev and test servers
	// with no traffic of their own, a jump host one admin used). A wrong role
	// misleads more than none, hence the tighter bound on mistakes.
	if right < 52 || len(given)-right-none > 1 {
		t.Errorf("%d of %d roles right, %d wrong; want at least 52 right and at most 1 wrong", right, len(given), len(given)-right-none)
	}
}
