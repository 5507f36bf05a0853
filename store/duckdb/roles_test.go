package duckdb

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/weirhq/weir/enrich/roles"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/query"
)

// host is one end of the scripted estate: a workload of the inventory (with the
// role it gives, usually none) or an address on the internet.
type host struct {
	ip   netip.Addr
	side flow.Side
}

func workload(ip, name, role string) host {
	return host{netip.MustParseAddr(ip), flow.Side{Workload: name, Role: role, Kind: "Virtual Machine", Zone: "Internal Azure", Region: "eastus"}}
}

func internet(ip string) host {
	return host{netip.MustParseAddr(ip), flow.Side{Zone: "Internet", Country: "US"}}
}

// estate scripts an unlabelled estate's hour of traffic: a domain controller, a
// database, a file server, a web server and its app tier, a jump host, six user
// endpoints, and a monitoring server whose role the inventory gives.
type estate struct {
	dc, db, fs, web, app, jump, mon host
	users                           []host
}

func newEstate() *estate {
	e := &estate{
		dc: workload("10.0.0.10", "DC1", ""), db: workload("10.0.0.20", "SQL1", ""), fs: workload("10.0.0.30", "FS1", ""),
		web: workload("10.0.0.40", "WEB1", ""), app: workload("10.0.0.45", "APP1", ""), jump: workload("10.0.0.50", "JUMP1", ""),
		mon: workload("10.0.0.60", "MON1", "monitoring"),
	}
	for i := range 6 {
		e.users = append(e.users, workload(fmt.Sprintf("10.0.1.%d", i+1), fmt.Sprintf("WS%d", i+1), ""))
	}
	return e
}

var services = map[uint16]string{88: "Kerberos", 389: "LDAP", 445: "SMB", 443: "HTTPS", 8443: "HTTPS-alt",
	1433: "MSSQL", 3389: "RDP", 22: "SSH"}

// flows returns the estate's traffic in the hour starting at h.
func (e *estate) flows(h time.Time) []flow.Record {
	var out []flow.Record
	add := func(src, dst host, port uint16, n int) {
		for i := range n {
			r := flow.Record{Start: h.Add(time.Duration(len(out)) * time.Second), SrcIP: src.ip, DstIP: dst.ip,
				SrcPort: uint16(40000 + i), DstPort: port, ServicePort: port, Proto: flow.ProtoTCP, Bytes: 2000, BytesRev: 8000,
				Packets: 10, Flows: 1, Action: flow.Allow, Format: "azure-vnet", Cloud: "azure",
				Src: src.side, Dst: dst.side, Service: services[port], Category: "internal"}
			r.End = r.Start
			switch {
			case src.side.Zone == "Internet":
				r.Direction = flow.Inbound
			case dst.side.Zone == "Internet":
				r.Direction, r.Category = flow.Outbound, "internet"
			default:
				r.Direction = flow.Internal
			}
			out = append(out, r)
		}
	}
	for i, u := range e.users {
		add(u, e.dc, 88, 3)
		add(u, e.dc, 389, 2)
		add(u, e.fs, 445, 4)
		add(u, e.web, 443, 2)
		add(u, e.mon, 443, 1)
		for j := range 8 {
			add(u, internet(fmt.Sprintf("198.51.100.%d", 10*i+j)), 443, 3)
		}
		if i < 3 {
			add(u, e.jump, 3389, 1)
		}
	}
	for i := range 10 {
		add(internet(fmt.Sprintf("203.0.113.%d", i)), e.web, 443, 2)
	}
	add(e.web, e.app, 8443, 12)
	add(e.app, e.db, 1433, 20)
	for _, t := range []host{e.dc, e.db, e.fs, e.web} {
		add(e.jump, t, 3389, 1)
		add(e.jump, t, 22, 1)
	}
	add(e.mon, e.web, 443, 2)
	return out
}

func ingestFlows(t *testing.T, s *Store, recs []flow.Record) {
	t.Helper()
	ctx := context.Background()
	w, err := s.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i := range recs {
		w.Append(&recs[i])
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Rollup(ctx); err != nil {
		t.Fatal(err)
	}
}

// roleOf reads each workload's stored role and whether it was inferred.
func roleOf(t *testing.T, s *Store) map[string]string {
	t.Helper()
	rows, err := s.db.Query(`SELECT w.s, coalesce(r.s, ''), e.role_inferred FROM endpoints e
		JOIN dict w ON w.domain = 'workload' AND w.id = e.workload
		LEFT JOIN dict r ON r.domain = 'role' AND r.id = e.role`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var w, r string
		var inferred bool
		if err := rows.Scan(&w, &r, &inferred); err != nil {
			t.Fatal(err)
		}
		if inferred {
			r += " (inferred)"
		}
		if prev, ok := got[w]; ok && prev != r {
			t.Errorf("%s has endpoints with roles %q and %q", w, prev, r)
		}
		got[w] = r
	}
	return got
}

func countFlows(t *testing.T, s *Store, filter string) (n int, inferred bool) {
	t.Helper()
	c, err := query.Compile(filter, query.DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.Flows(context.Background(), FlowQuery{From: time.Unix(0, 0), Until: time.Unix(1<<32-1, 0),
		Where: c.Where, Args: c.Args, Limit: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	inferred = len(rows) > 0
	for _, r := range rows {
		inferred = inferred && r["dst.role_inferred"] == true
	}
	return len(rows), inferred
}

func TestInferRolesOnUnlabelledEstate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, slog.New(slog.DiscardHandler), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	e := newEstate()
	h0 := time.Date(2026, 1, 14, 9, 0, 0, 0, time.UTC)
	ingestFlows(t, s, e.flows(h0))

	profiles, err := s.EndpointProfiles(ctx, h0, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]roles.Profile{}
	for _, p := range profiles {
		keys[p.Key] = p
	}
	if _, ok := keys["MON1"]; ok || len(keys) != 12 {
		t.Errorf("profiled %d workloads (MON1 among them: %v); want the 12 without a role", len(keys), ok)
	}
	if p := keys["WEB1"]; p.Clients != 18 || p.InternetClients != 10 || p.InternalServers != 1 {
		t.Errorf("WEB1 profile: %d clients, %d from the internet, %d internal servers; want 18 (6 users, JUMP1, MON1, 10 internet), 10, 1",
			p.Clients, p.InternetClients, p.InternalServers)
	}

	results, err := roles.Infer(ctx, s, h0, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		t.Logf("%-6s %-5s %.2f %s", r.Key, r.Role, r.Confidence, r.Reason)
	}
	want := map[string]string{"DC1": "dc (inferred)", "SQL1": "db (inferred)", "FS1": "file (inferred)",
		"WEB1": "web (inferred)", "APP1": "app (inferred)", "JUMP1": "jump (inferred)", "MON1": "monitoring"}
	for _, u := range e.users {
		want[u.side.Workload] = "user (inferred)"
	}
	if diff := cmp.Diff(want, roleOf(t, s)); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}

	// The filter language sees the inferred role on every stored flow, raw and rolled up.
	if n, inferred := countFlows(t, s, "dst.role = db"); n != 22 || !inferred {
		t.Errorf("dst.role = db: %d flows (inferred %v); want SQL1's 22 (APP1's 20, JUMP1's 2), marked inferred", n, inferred)
	}
	if n, inferred := countFlows(t, s, "dst.role = monitoring"); n != 6 || inferred {
		t.Errorf("dst.role = monitoring: %d flows (inferred %v); want MON1's 6, as given", n, inferred)
	}
	c, _ := query.Compile("src.role = user", query.DuckDB)
	agg, table, err := s.Aggregate(ctx, AggregateQuery{From: h0, Until: h0.Add(time.Hour), Where: c.Where, Args: c.Args,
		Columns: c.Columns, By: []string{"dst.role"}})
	if err != nil {
		t.Fatal(err)
	}
	top := map[any]any{}
	for _, r := range agg {
		top[r["dst.role"]] = r["flows"]
	}
	if diff := cmp.Diff(map[any]any{"dc": uint64(30), "file": uint64(24), "web": uint64(12), "": uint64(144),
		"monitoring": uint64(6), "jump": uint64(3)}, top); diff != "" || !IsRollup(table) {
		t.Errorf("users' top destination roles from %s (-want +got):\n%s", table, diff)
	}

	// A second ingest keeps the endpoints: the Writer keys them by what enrichment
	// gives, so new flows of SQL1 point at the row that now says db. Then the same
	// after reopening, when the keys come from the database.
	var endpoints int
	s.db.QueryRow(`SELECT count(*) FROM endpoints`).Scan(&endpoints)
	for round, when := range []time.Time{h0.Add(time.Hour), h0.Add(2 * time.Hour)} {
		if round == 1 {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if s, err = Open(ctx, slog.New(slog.DiscardHandler), dir); err != nil {
				t.Fatal(err)
			}
		}
		ingestFlows(t, s, e.flows(when))
		if n, inferred := countFlows(t, s, "dst.role = db"); n != 22*(round+2) || !inferred {
			t.Errorf("round %d: dst.role = db: %d flows (inferred %v); want %d", round, n, inferred, 22*(round+2))
		}
		var now int
		s.db.QueryRow(`SELECT count(*) FROM endpoints`).Scan(&now)
		if now != endpoints {
			t.Errorf("round %d: %d endpoints after a second ingest, %d before", round, now, endpoints)
		}
	}
	// Inference again, over all three hours, decides the same and keeps the given role.
	if _, err := roles.Infer(ctx, s, time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, roleOf(t, s)); diff != "" {
		t.Errorf("roles after a second inference (-want +got):\n%s", diff)
	}
}

func TestSetInferredRolesNeverOverwritesAGivenRole(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	e := newEstate()
	ingestFlows(t, s, e.flows(time.Date(2026, 1, 14, 9, 0, 0, 0, time.UTC)))
	var mon, sql uint32
	s.db.QueryRow(`SELECT e.id FROM endpoints e JOIN dict w ON w.domain = 'workload' AND w.id = e.workload WHERE w.s = 'MON1'`).Scan(&mon)
	s.db.QueryRow(`SELECT e.id FROM endpoints e JOIN dict w ON w.domain = 'workload' AND w.id = e.workload WHERE w.s = 'SQL1'`).Scan(&sql)
	if err := s.SetInferredRoles(ctx, map[uint32]string{mon: "db", sql: "cache", 0: "db"}); err != nil {
		t.Fatal(err)
	}
	got := roleOf(t, s)
	if got["MON1"] != "monitoring" || got["SQL1"] != "cache (inferred)" {
		t.Errorf("MON1 %q, SQL1 %q; want monitoring as given, cache (inferred)", got["MON1"], got["SQL1"])
	}
	var ep0 int
	s.db.QueryRow(`SELECT role FROM endpoints WHERE id = 0`).Scan(&ep0)
	if ep0 != 0 {
		t.Errorf("endpoint 0 got role code %d", ep0)
	}
	// The new code is in the database and in memory: a batch that names the same
	// role later reuses it instead of adding a second entry.
	var codes int
	s.db.QueryRow(`SELECT count(*) FROM dict WHERE domain = 'role' AND s = 'cache'`).Scan(&codes)
	if codes != 1 || s.dicts["role"].ids["cache"] == 0 {
		t.Fatalf("cache: %d dict rows, in-memory code %d", codes, s.dicts["role"].ids["cache"])
	}
	cached := workload("10.0.0.70", "REDIS1", "cache")
	ingestFlows(t, s, []flow.Record{{Start: time.Date(2026, 1, 14, 11, 0, 0, 0, time.UTC), SrcIP: e.app.ip, DstIP: cached.ip,
		DstPort: 6379, ServicePort: 6379, Proto: flow.ProtoTCP, Flows: 1, Src: e.app.side, Dst: cached.side}})
	s.db.QueryRow(`SELECT count(*) FROM dict WHERE domain = 'role' AND s = 'cache'`).Scan(&codes)
	if codes != 1 {
		t.Errorf("cache: %d dict rows after a batch used it", codes)
	}
	// Clearing an inferred role.
	if err := s.SetInferredRoles(ctx, map[uint32]string{sql: ""}); err != nil {
		t.Fatal(err)
	}
	if got := roleOf(t, s)["SQL1"]; got != "" {
		t.Errorf("SQL1 after clearing: %q", got)
	}
}

func TestSetInferredRolesRefusesDuringABatch(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	w, err := s.NewWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r := newEstate().flows(time.Date(2026, 1, 14, 9, 0, 0, 0, time.UTC))[0]
	r.Dst.Role = "fresh"
	w.Append(&r)
	if err := s.SetInferredRoles(ctx, map[uint32]string{1: "db"}); err == nil {
		t.Error("SetInferredRoles with a batch pending: no error")
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.SetInferredRoles(ctx, map[uint32]string{1: "db"}); err != nil {
		t.Errorf("after the commit: %v", err)
	}
}
