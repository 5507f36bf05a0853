package query

import (
	"database/sql"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/weirhq/weir/flow"
)

// testFlow is one row of the flows table in the engine test; strings and
// addresses are interned into dict and ips on insert.
type testFlow struct {
	id               int
	start            uint32
	srcIP, dstIP     string
	srcPort, dstPort uint16
	proto            uint8
	bytes            uint64
	action           flow.Action
	direction        flow.Direction
	risk             flow.Risk
	sanctioned       bool
	text             map[string]string // column → string; src_<attr> and dst_<attr> go to endpoints
	num              map[string]uint64 // column → number, likewise
}

const t0 = 1714521600 // 2024-05-01T00:00:00Z

var testFlows = []testFlow{
	{1, t0 + 600, "10.0.0.5", "10.1.0.9", 50001, 445, flow.ProtoTCP, 2_000_000_000, flow.Allow, flow.Internal, flow.RiskHigh, false,
		map[string]string{"service": "SMB", "src_zone": "Internal Azure", "dst_zone": "Internal Azure", "src_role": "web", "dst_role": "db", "src_workload": "CRM-Web1",
			"src_region": "westeurope", "dst_region": "westeurope"}, nil},
	{2, t0 + 1200, "10.0.0.6", "10.1.0.10", 50002, 3389, flow.ProtoTCP, 500, flow.Deny, flow.Internal, flow.RiskHigh, false,
		map[string]string{"service": "RDP", "src_zone": "Internal Azure", "dst_zone": "Internal Azure", "dst_role": "web"}, nil},
	{3, t0 + 1800, "10.0.0.5", "203.0.113.7", 50003, 443, flow.ProtoTCP, 10_000_001, flow.Allow, flow.Outbound, flow.RiskLow, false,
		map[string]string{"service": "HTTPS", "src_zone": "Internal Azure", "dst_zone": "Internet", "dst_country": "US", "dst_threat_feeds": "firehol_level1,spamhaus",
			"dst_threat_category": "botnet"},
		map[string]uint64{"dst_asn": 64500, "dst_threat_confidence": 90}},
	{4, t0 + 2400, "2001:db8::1", "fe80::8000:0:0:1", 53000, 53, flow.ProtoUDP, 120, flow.Allow, flow.Internal, flow.RiskNone, false,
		map[string]string{"service": "DNS", "src_zone": "AWS", "region": "eastus"}, nil},
	{5, t0 + 3000, "198.51.100.4", "10.0.0.5", 40000, 22, flow.ProtoTCP, 3000, flow.Allow, flow.Inbound, flow.RiskMedium, false,
		map[string]string{"service": "SSH", "src_zone": "Internet", "src_country": "CN", "src_threat_feeds": "spamhaus", "dst_zone": "Internal Azure"},
		map[string]uint64{"src_asn": 4134, "src_threat_confidence": 60}},
	{6, t0 + 3600, "10.0.0.7", "162.159.140.245", 50006, 443, flow.ProtoTCP, 9000, flow.Allow, flow.Outbound, flow.RiskLow, false,
		map[string]string{"service": "HTTPS", "llm_provider": "OpenAI", "category": "ai", "src_zone": "Internal Azure"}, nil},
	{7, t0 + 4200, "10.0.0.8", "160.79.104.10", 50007, 443, flow.ProtoTCP, 8000, flow.Allow, flow.Outbound, flow.RiskLow, true,
		map[string]string{"service": "HTTPS", "llm_provider": "Anthropic", "category": "ai", "src_zone": "Internal Azure"}, nil},
	{8, t0 + 4800, "2001:db8::8000:0:0:1", "2001:db8::2", 0, 0, flow.ProtoICMPv6, 64, flow.Allow, flow.Internal, flow.RiskNone, false,
		map[string]string{"src_zone": "AWS"}, nil},
}

// engineTests: a filter and the ids of the rows it must select.
var engineTests = []struct {
	filter string
	want   []int
}{
	{``, []int{1, 2, 3, 4, 5, 6, 7, 8}},
	{`service in (SMB, RDP) and src.zone = "Internal Azure" and not dst.role = db`, []int{2}},
	{`service in (smb, rdp)`, []int{1, 2}},
	{`src.ip = 10.0.0.5`, []int{1, 3}},
	{`ip = 10.0.0.5`, []int{1, 3, 5}},
	{`ip != 10.0.0.5`, []int{2, 4, 6, 7, 8}},
	{`dst.ip = 10.0.0.0/8`, []int{1, 2, 5}},
	{`dst.ip not in (10.0.0.0/8, 203.0.113.7)`, []int{4, 6, 7, 8}},
	{`ip = fe80::/10`, []int{4}},
	{`dst.ip = fe80::8000:0:0:1`, []int{4}},
	{`src.ip = 2001:db8:0:0:8000::/65`, []int{8}},
	{`ip in (2001:db8::/32)`, []int{4, 8}},
	{`ip ~ "db8"`, []int{4, 8}},
	{`threat = any`, []int{3, 5}},
	{`threat != any`, []int{1, 2, 4, 6, 7, 8}},
	{`dst.threat = spamhaus`, []int{3}},
	{`threat = spamhaus`, []int{3, 5}},
	{`threat = fire`, nil},
	{`threat ~ FIRE`, []int{3}},
	{`threat not in (firehol_level1)`, []int{1, 2, 4, 5, 6, 7, 8}},
	{`bytes > 1.5GB`, []int{1}},
	{`bytes >= 10MB`, []int{1, 3}},
	{`country = us`, []int{3}},
	{`src.country in (cn, de)`, []int{5}},
	{`service.risk >= medium`, []int{1, 2, 5}},
	{`llm.sanctioned = false and category = AI`, []int{6}},
	{`llm.provider ~ anthro`, []int{7}},
	{`llm.provider = anthropic`, []int{7}},
	{`port not in (22, 443)`, []int{1, 2, 4, 8}},
	{`proto = icmpv6 or proto = udp and src.zone = Internet`, []int{8}},
	{`(proto = icmpv6 or proto = udp) and src.zone = aws`, []int{4, 8}},
	{`direction = inbound or action = deny`, []int{2, 5}},
	{`src.workload = ""`, []int{2, 3, 4, 5, 6, 7, 8}},
	{`workload = crm-web1`, nil},
	{`workload = CRM-Web1`, []int{1}},
	{`src.workload in ("", nothing)`, []int{2, 3, 4, 5, 6, 7, 8}},
	{`src.workload not in ("", nothing)`, []int{1}},
	{`src.zone >= internet`, []int{5}}, // folded: "Internet" >= "internet", "Internal Azure" is not
	{`start >= 2024-05-01T00:50:00Z and end < 1714525300`, []int{5, 6}},
	// Side attributes through endpoints: sides share endpoint rows, code 0 is the empty end.
	{`role = web`, []int{1, 2}},
	{`src.role != db`, []int{1, 2, 3, 4, 5, 6, 7, 8}},
	{`dst.role != db`, []int{2, 3, 4, 5, 6, 7, 8}},
	{`role != web`, []int{3, 4, 5, 6, 7, 8}},
	{`not role = web`, []int{3, 4, 5, 6, 7, 8}},
	{`role not in (web, db)`, []int{3, 4, 5, 6, 7, 8}},
	{`src.zone = "internal azure" and dst.zone = "internal azure"`, []int{1, 2}},
	{`zone not in (aws, internet)`, []int{1, 2, 6, 7}},
	{`dst.zone = ""`, []int{4, 6, 7, 8}},
	{`zone = ""`, []int{4, 6, 7, 8}},
	{`zone != ""`, []int{1, 2, 3, 5}},
	{`dst.asn = 64500`, []int{3}},
	{`asn = AS4134`, []int{5}},
	{`asn != 64500`, []int{1, 2, 4, 5, 6, 7, 8}},
	{`asn > 0`, []int{3, 5}},
	{`threat.confidence >= 60`, []int{3, 5}},
	{`dst.threat.confidence > 80`, []int{3}},
	{`src.threat.confidence > 80`, nil},
	{`threat.category = BOTNET`, []int{3}},
	{`src.threat in (spamhaus, any)`, []int{5}},
	{`src.threat = any`, []int{5}},
	{`dst.threat = none and src.zone = "internal azure"`, []int{1, 2, 6, 7}},
	{`src.region = westeurope`, []int{1}},
	{`region = eastus`, []int{4}}, // the exporter's region, a flows column
	{`region = westeurope`, nil},  // not either end's
	{`workload ~ crm or dst.ip = 10.0.0.5`, []int{1, 5}},
}

func TestDuckDB(t *testing.T) {
	db := openTestDB(t)
	for _, tt := range engineTests {
		c, err := Compile(tt.filter, DuckDB)
		if err != nil {
			t.Errorf("Compile(%q) error: %v", tt.filter, err)
			continue
		}
		got := selectIDs(t, db, c)
		if diff := cmp.Diff(got, tt.want, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("filter %q selected (-got, +want):\n%s\nSQL: %s\nargs: %v", tt.filter, diff, c.Where, c.Args)
		}
	}
}

// TestDuckDBEveryField runs a comparison on every field so that each column
// name and each kind's SQL is checked by the engine, not just by eye.
func TestDuckDBEveryField(t *testing.T) {
	db := openTestDB(t)
	samples := map[string]string{"text": "x", "feeds": "any", "ip": "10.0.0.0/8", "time": "2024-05-01",
		"proto": "tcp", "action": "allow", "direction": "inbound", "reporter": "src", "risk": "low", "bool": "true"}
	for _, f := range Fields() {
		v := samples[f.Type]
		if v == "" {
			v = "1"
		}
		ops := []string{"=", "!=", "in"}
		switch f.Type {
		case "text":
			ops = append(ops, "<", "~", "not in")
		case "ip", "feeds":
			ops = append(ops, "~", "not in")
		case "number", "bytes", "port", "time", "risk", "asn":
			ops = append(ops, ">=")
		}
		for _, op := range ops {
			filter := f.Name + " " + op + " " + v
			if strings.HasSuffix(op, "in") {
				filter = f.Name + " " + op + " (" + v + ", " + v + ")"
			}
			c, err := Compile(filter, DuckDB)
			if err != nil {
				t.Errorf("Compile(%q) error: %v", filter, err)
				continue
			}
			rows, err := db.Query("SELECT count(*) FROM flows WHERE "+c.Where, c.Args...)
			if err != nil {
				t.Errorf("filter %q: DuckDB rejects %s: %v", filter, c.Where, err)
				continue
			}
			rows.Close()
		}
	}
}

func selectIDs(t *testing.T, db *sql.DB, c *Compiled) []int {
	t.Helper()
	rows, err := db.Query("SELECT id FROM flows WHERE "+c.Where+" ORDER BY id", c.Args...)
	if err != nil {
		t.Fatalf("query %s %v: %v", c.Where, c.Args, err)
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatalf("scan: %v", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("rows: %v", err)
	}
	return ids
}

// openTestDB creates dict, ips, endpoints and flows in an in-memory DuckDB.
// The columns come from the field table and EndpointAttributes, so a field
// without a column fails here. dict deliberately lacks the row (0, ""): the
// compiler must not rely on it. endpoints holds each distinct side once, shared
// by both sides, with id 0 the end that has no attributes, as the store does.
func openTestDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatalf("open duckdb: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1) // one in-memory database
	cols, epCols := map[string]string{}, map[string]string{}
	for _, f := range fieldByName {
		for _, c := range f.cols {
			if side, attr, ok := endpointSide(c); ok {
				cols[side+"_ep"] = "UINTEGER"
				epCols[attr] = columnType(f)
				continue
			}
			cols[c] = columnType(f)
		}
	}
	names := make([]string, 0, len(cols))
	for c := range cols {
		names = append(names, c)
	}
	slices.Sort(names)
	ddl := "CREATE TABLE flows (id INTEGER"
	for _, c := range names {
		ddl += ", " + c + " " + cols[c] + " NOT NULL DEFAULT " + map[bool]string{true: "false", false: "0"}[cols[c] == "BOOLEAN"]
	}
	ddl += ")"
	attrs := EndpointAttributes()
	epDDL := "CREATE TABLE endpoints (id UINTEGER PRIMARY KEY"
	for _, a := range attrs {
		if epCols[a] == "" {
			t.Fatalf("endpoint attribute %q is no field's column", a)
		}
		epDDL += ", " + a + " " + epCols[a] + " NOT NULL"
	}
	epDDL += ")"
	if len(epCols) != len(attrs) {
		t.Fatalf("fields use endpoint columns %v, EndpointAttributes() = %v", epCols, attrs)
	}
	// The store codes each domain (zone, workload ...) on its own; here one code
	// space serves every domain, through a view that repeats it per domain.
	mustExec(t, db, "CREATE TABLE dict0 (id UINTEGER PRIMARY KEY, s VARCHAR NOT NULL)")
	mustExec(t, db, "CREATE TABLE ips (id UINTEGER PRIMARY KEY, ip VARCHAR NOT NULL, hi UBIGINT NOT NULL, lo UBIGINT NOT NULL)")
	mustExec(t, db, epDDL)
	mustExec(t, db, ddl)
	mustExec(t, db, `CREATE VIEW dict AS SELECT d.domain, dict0.id, dict0.s FROM dict0,
		(SELECT DISTINCT regexp_replace(column_name, '^(src|dst)_', '') AS domain
		 FROM information_schema.columns WHERE table_name IN ('flows', 'endpoints')) d`)

	strs, addrs := map[string]uint32{}, map[string]uint32{}
	code := func(s string) uint32 {
		if s == "" {
			return 0
		}
		if id, ok := strs[s]; ok {
			return id
		}
		id := uint32(len(strs) + 1)
		strs[s] = id
		mustExec(t, db, "INSERT INTO dict0 VALUES (?, ?)", id, s)
		return id
	}
	ipCode := func(s string) uint32 {
		if id, ok := addrs[s]; ok {
			return id
		}
		a := netip.MustParseAddr(s)
		b := a.As16()
		id := uint32(len(addrs) + 1)
		addrs[s] = id
		mustExec(t, db, "INSERT INTO ips VALUES (?, ?, ?, ?)", id, a.String(),
			DuckDB.unsigned(binary.BigEndian.Uint64(b[:8])), DuckDB.unsigned(binary.BigEndian.Uint64(b[8:])))
		return id
	}
	// ends maps a side's attribute values, in attrs order, to its endpoints id.
	ends := map[string]uint32{}
	epInsert := "INSERT INTO endpoints VALUES (?" + strings.Repeat(", ?", len(attrs)) + ")"
	endCode := func(v []any) uint32 {
		key := fmt.Sprint(v...)
		if id, ok := ends[key]; ok {
			return id
		}
		id := uint32(len(ends))
		ends[key] = id
		mustExec(t, db, epInsert, append([]any{id}, v...)...)
		return id
	}
	noEnd := func() []any {
		v := make([]any, len(attrs))
		for i := range v {
			v[i] = uint64(0)
		}
		return v
	}
	endCode(noEnd()) // id 0: the end with no attributes
	for _, f := range testFlows {
		src, dst := noEnd(), noEnd()
		setSide := func(col string, n uint64) bool {
			side, attr, ok := endpointSide(col)
			if !ok {
				return false
			}
			v := src
			if side == "dst" {
				v = dst
			}
			v[slices.Index(attrs, attr)] = n
			return true
		}
		q := "INSERT INTO flows (id, ts_start, ts_end, src_ip, dst_ip, src_port, dst_port, proto, bytes, action, direction, service_risk, llm_sanctioned"
		vals := []any{f.id, f.start, f.start + 60, ipCode(f.srcIP), ipCode(f.dstIP), f.srcPort, f.dstPort, f.proto, f.bytes,
			uint8(f.action), uint8(f.direction), uint8(f.risk), f.sanctioned}
		for col, s := range f.text {
			if !setSide(col, uint64(code(s))) {
				q += ", " + col
				vals = append(vals, code(s))
			}
		}
		for col, n := range f.num {
			if !setSide(col, n) {
				t.Fatalf("flow %d: numeric column %s is not an endpoint attribute", f.id, col)
			}
		}
		q += ", src_ep, dst_ep"
		vals = append(vals, endCode(src), endCode(dst))
		q += ") VALUES (?" + strings.Repeat(", ?", len(vals)-1) + ")"
		mustExec(t, db, q, vals...)
	}
	if n := len(ends); n >= 2*len(testFlows) {
		t.Fatalf("%d endpoints for %d flows: the test data no longer shares ends", n, len(testFlows))
	}
	return db
}

// endpointSide splits a side column into its side and endpoint attribute. It is
// the test's own reading of the schema, independent of the compiler's.
func endpointSide(col string) (side, attr string, ok bool) {
	side, attr, ok = strings.Cut(col, "_")
	if !ok || (side != "src" && side != "dst") || !slices.Contains(EndpointAttributes(), attr) {
		return "", "", false
	}
	return side, attr, true
}

func columnType(f *fieldDef) string {
	switch f.kind {
	case kindPort:
		return "USMALLINT"
	case kindProto, kindAction, kindDirection, kindReporter, kindRisk:
		return "UTINYINT"
	case kindBool:
		return "BOOLEAN"
	case kindNumber, kindBytes:
		switch {
		case f.max == 0:
			return "UBIGINT"
		case f.max <= 255:
			return "UTINYINT"
		case f.max <= 65535:
			return "USMALLINT"
		}
	}
	return "UINTEGER" // codes, times, ASNs, flows
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
