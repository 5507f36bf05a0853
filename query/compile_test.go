package query

import (
	"math/big"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func args(a ...any) []any { return a }

func bigU(s string) *big.Int {
	n, _ := new(big.Int).SetString(s, 10)
	return n
}

// cmpArgs compares arguments by value, *big.Int included.
var cmpArgs = cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 })

var compileTests = []struct {
	name   string
	filter string
	d      Dialect
	where  string
	args   []any
}{
	{"design example duckdb", `service in (SMB, RDP) and src.zone = "Internal Azure" and not dst.role = db`, DuckDB,
		`service IN (SELECT id FROM dict WHERE domain = 'service' AND lower(s) IN (?, ?)) AND src_ep IN (SELECT id FROM endpoints WHERE zone IN (SELECT id FROM dict WHERE domain = 'zone' AND lower(s) = ?)) AND NOT (dst_ep IN (SELECT id FROM endpoints WHERE role IN (SELECT id FROM dict WHERE domain = 'role' AND s = ?)))`,
		args("smb", "rdp", "internal azure", "db")},
	{"design example clickhouse", `service in (SMB, RDP) and src.zone = "Internal Azure" and not dst.role = db`, ClickHouse,
		`service IN (SELECT id FROM dict WHERE domain = 'service' AND lowerUTF8(s) IN (?, ?)) AND src_ep IN (SELECT id FROM endpoints WHERE zone IN (SELECT id FROM dict WHERE domain = 'zone' AND lowerUTF8(s) = ?)) AND NOT (dst_ep IN (SELECT id FROM endpoints WHERE role IN (SELECT id FROM dict WHERE domain = 'role' AND s = ?)))`,
		args("smb", "rdp", "internal azure", "db")},
	{"design example postgresql numbered", `service in (SMB, RDP) and src.zone = "Internal Azure" and not dst.role = db`, PostgreSQL,
		`service IN (SELECT id FROM dict WHERE domain = 'service' AND lower(s) IN ($1, $2)) AND src_ep IN (SELECT id FROM endpoints WHERE zone IN (SELECT id FROM dict WHERE domain = 'zone' AND lower(s) = $3)) AND NOT (dst_ep IN (SELECT id FROM endpoints WHERE role IN (SELECT id FROM dict WHERE domain = 'role' AND s = $4)))`,
		args("smb", "rdp", "internal azure", "db")},
	{"empty duckdb", ``, DuckDB,
		`TRUE`,
		args()},
	{"blank clickhouse", `  `, ClickHouse,
		`1`,
		args()},
	{"empty postgresql", ``, PostgreSQL,
		`TRUE`,
		args()},
	{"text not equal", `src.zone != "Internal Azure"`, DuckDB,
		`src_ep IN (SELECT id FROM endpoints WHERE zone NOT IN (SELECT id FROM dict WHERE domain = 'zone' AND lower(s) = ?))`,
		args("internal azure")},
	{"text contains clickhouse", `src.zone ~ azure`, ClickHouse,
		`src_ep IN (SELECT id FROM endpoints WHERE zone IN (SELECT id FROM dict WHERE domain = 'zone' AND positionCaseInsensitiveUTF8(s, ?) > 0))`,
		args("azure")},
	{"text less than", `src.workload < m`, DuckDB,
		`src_ep IN (SELECT id FROM endpoints WHERE workload IN (SELECT id FROM dict WHERE domain = 'workload' AND s < ?))`,
		args("m")},
	{"text equal empty is code 0", `src.workload = ""`, DuckDB,
		`src_ep IN (SELECT id FROM endpoints WHERE workload = 0)`,
		args()},
	{"text not equal empty single quotes", `dst.workload != ''`, DuckDB,
		`dst_ep IN (SELECT id FROM endpoints WHERE workload <> 0)`,
		args()},
	{"side-less not in with empty", `workload not in ("", web)`, DuckDB,
		`(src_ep IN (SELECT id FROM endpoints WHERE (workload <> 0 AND workload NOT IN (SELECT id FROM dict WHERE domain = 'workload' AND s IN (?)))) AND dst_ep IN (SELECT id FROM endpoints WHERE (workload <> 0 AND workload NOT IN (SELECT id FROM dict WHERE domain = 'workload' AND s IN (?)))))`,
		args("web", "web")},
	{"ip equal ipv4 mapped", `src.ip = 10.0.0.5`, DuckDB,
		`src_ip IN (SELECT id FROM ips WHERE hi = ? AND lo = ?)`,
		args(uint64(0), uint64(281470849515525))},
	{"ip equal ipv4-mapped written as ipv6", `src.ip = ::ffff:10.0.0.5`, DuckDB,
		`src_ip IN (SELECT id FROM ips WHERE hi = ? AND lo = ?)`,
		args(uint64(0), uint64(281470849515525))},
	{"cidr with host bits", `dst.ip = 10.1.2.3/8`, DuckDB,
		`dst_ip IN (SELECT id FROM ips WHERE hi = ? AND lo BETWEEN ? AND ?)`,
		args(uint64(0), uint64(281470849515520), uint64(281470866292735))},
	{"ipv6 cidr shorter than 64 bits", `dst.ip != 2001:db8::/32`, ClickHouse,
		`dst_ip NOT IN (SELECT id FROM ips WHERE hi BETWEEN ? AND ?)`,
		args(uint64(2306139568115548160), uint64(2306139572410515455))},
	{"ip list with high-bit args", `src.ip in (10.0.0.5, fe80::1/64)`, DuckDB,
		`src_ip IN (SELECT id FROM ips WHERE (hi = ? AND lo = ?) OR (hi = ? AND lo BETWEEN ? AND ?))`,
		args(uint64(0), uint64(281470849515525), bigU("18338657682652659712"), uint64(0), bigU("18446744073709551615"))},
	{"ip not in", `src.ip not in (192.168.0.0/16)`, DuckDB,
		`src_ip NOT IN (SELECT id FROM ips WHERE hi = ? AND lo BETWEEN ? AND ?)`,
		args(uint64(0), uint64(281473913978880), uint64(281473914044415))},
	{"ip contains", `ip ~ "10.0."`, DuckDB,
		`(src_ip IN (SELECT id FROM ips WHERE contains(lower(ip), lower(?))) OR dst_ip IN (SELECT id FROM ips WHERE contains(lower(ip), lower(?))))`,
		args("10.0.", "10.0.")},
	{"ipv4 everything", `ip = 0.0.0.0/0`, DuckDB,
		`(src_ip IN (SELECT id FROM ips WHERE hi = ? AND lo BETWEEN ? AND ?) OR dst_ip IN (SELECT id FROM ips WHERE hi = ? AND lo BETWEEN ? AND ?))`,
		args(uint64(0), uint64(281470681743360), uint64(281474976710655), uint64(0), uint64(281470681743360), uint64(281474976710655))},
	{"side-less ip not equal is neither side", `ip != 10.0.0.5`, DuckDB,
		`(src_ip NOT IN (SELECT id FROM ips WHERE hi = ? AND lo = ?) AND dst_ip NOT IN (SELECT id FROM ips WHERE hi = ? AND lo = ?))`,
		args(uint64(0), uint64(281470849515525), uint64(0), uint64(281470849515525))},
	{"side-less port", `port = 22`, DuckDB,
		`(src_port = ? OR dst_port = ?)`,
		args(uint64(22), uint64(22))},
	{"side-less port not equal is neither side", `port != 22`, DuckDB,
		`(src_port <> ? AND dst_port <> ?)`,
		args(uint64(22), uint64(22))},
	{"port not in postgresql", `dst.port not in (22, 3389)`, PostgreSQL,
		`dst_port NOT IN ($1, $2)`,
		args(uint64(22), uint64(3389))},
	{"bytes decimal suffix", `bytes > 1.5GB`, DuckDB,
		`bytes > ?`,
		args(uint64(1500000000))},
	{"bytes binary suffix", `bytes_rev >= 4KiB`, DuckDB,
		`bytes_rev >= ?`,
		args(uint64(4096))},
	{"packets k multiplier", `packets < 1.2k`, DuckDB,
		`packets < ?`,
		args(uint64(1200))},
	{"time rfc3339 and epoch", `start >= 2024-05-01T10:00:00+02:00 and end < 1714521600`, DuckDB,
		`ts_start >= ? AND ts_end < ?`,
		args(uint64(1714550400), uint64(1714521600))},
	{"proto upper case", `proto = TCP`, DuckDB,
		`proto = ?`,
		args(uint64(6))},
	{"proto list with number", `proto in (tcp, udp, 132)`, DuckDB,
		`proto IN (?, ?, ?)`,
		args(uint64(6), uint64(17), uint64(132))},
	{"action alias", `action = reject`, DuckDB,
		`action = ?`,
		args(uint64(2))},
	{"direction", `direction != outbound`, DuckDB,
		`direction <> ?`,
		args(uint64(2))},
	{"risk ordered", `service.risk >= medium`, DuckDB,
		`service_risk >= ?`,
		args(uint64(2))},
	{"bool", `llm.sanctioned = no`, DuckDB,
		`llm_sanctioned = ?`,
		args(false)},
	{"llm provider case-insensitive", `llm.provider = openai`, ClickHouse,
		`llm_provider IN (SELECT id FROM dict WHERE domain = 'llm_provider' AND lowerUTF8(s) = ?)`,
		args("openai")},
	{"country upper-cased", `country = us`, DuckDB,
		`(src_ep IN (SELECT id FROM endpoints WHERE country IN (SELECT id FROM dict WHERE domain = 'country' AND s = ?)) OR dst_ep IN (SELECT id FROM endpoints WHERE country IN (SELECT id FROM dict WHERE domain = 'country' AND s = ?)))`,
		args("US", "US")},
	{"asn prefix", `src.asn = AS15169`, DuckDB,
		`src_ep IN (SELECT id FROM endpoints WHERE asn = ?)`,
		args(uint64(15169))},
	{"threat confidence", `dst.threat.confidence > 80`, DuckDB,
		`dst_ep IN (SELECT id FROM endpoints WHERE threat_confidence > ?)`,
		args(uint64(80))},
	{"threat any", `threat = any`, DuckDB,
		`(src_ep IN (SELECT id FROM endpoints WHERE threat_feeds <> 0) OR dst_ep IN (SELECT id FROM endpoints WHERE threat_feeds <> 0))`,
		args()},
	{"threat not any", `threat != any`, DuckDB,
		`(src_ep IN (SELECT id FROM endpoints WHERE threat_feeds = 0) AND dst_ep IN (SELECT id FROM endpoints WHERE threat_feeds = 0))`,
		args()},
	{"threat none", `src.threat = none`, DuckDB,
		`src_ep IN (SELECT id FROM endpoints WHERE threat_feeds = 0)`,
		args()},
	{"quoted any is a feed name", `dst.threat = "any"`, DuckDB,
		`dst_ep IN (SELECT id FROM endpoints WHERE threat_feeds IN (SELECT id FROM dict WHERE domain = 'threat_feeds' AND list_contains(string_split(s, ','), ?)))`,
		args("any")},
	{"threat feed clickhouse", `dst.threat = firehol_level1`, ClickHouse,
		`dst_ep IN (SELECT id FROM endpoints WHERE threat_feeds IN (SELECT id FROM dict WHERE domain = 'threat_feeds' AND has(splitByChar(',', s), ?)))`,
		args("firehol_level1")},
	{"threat list mixing feed and any", `src.threat in (spamhaus, any)`, DuckDB,
		`src_ep IN (SELECT id FROM endpoints WHERE (threat_feeds IN (SELECT id FROM dict WHERE domain = 'threat_feeds' AND list_contains(string_split(s, ','), ?)) OR threat_feeds <> 0))`,
		args("spamhaus")},
	{"threat not in feed", `threat not in (spamhaus)`, DuckDB,
		`(src_ep IN (SELECT id FROM endpoints WHERE threat_feeds NOT IN (SELECT id FROM dict WHERE domain = 'threat_feeds' AND list_contains(string_split(s, ','), ?))) AND dst_ep IN (SELECT id FROM endpoints WHERE threat_feeds NOT IN (SELECT id FROM dict WHERE domain = 'threat_feeds' AND list_contains(string_split(s, ','), ?))))`,
		args("spamhaus", "spamhaus")},
	{"threat contains", `src.threat ~ fire`, DuckDB,
		`src_ep IN (SELECT id FROM endpoints WHERE threat_feeds IN (SELECT id FROM dict WHERE domain = 'threat_feeds' AND contains(lower(s), lower(?))))`,
		args("fire")},
	{"and binds tighter than or", `port = 1 or port = 2 and port = 3`, DuckDB,
		`(src_port = ? OR dst_port = ?) OR ((src_port = ? OR dst_port = ?) AND (src_port = ? OR dst_port = ?))`,
		args(uint64(1), uint64(1), uint64(2), uint64(2), uint64(3), uint64(3))},
	{"parentheses", `(port = 1 or port = 2) and port = 3`, DuckDB,
		`((src_port = ? OR dst_port = ?) OR (src_port = ? OR dst_port = ?)) AND (src_port = ? OR dst_port = ?)`,
		args(uint64(1), uint64(1), uint64(2), uint64(2), uint64(3), uint64(3))},
	{"double not", `not not port = 1`, DuckDB,
		`NOT (NOT ((src_port = ? OR dst_port = ?)))`,
		args(uint64(1), uint64(1))},
	{"keywords case-insensitive", `NOT Src.Port = 1 AND dst.port IN (2) Or proto = udp`, DuckDB,
		`(NOT (src_port = ?) AND dst_port IN (?)) OR proto = ?`,
		args(uint64(1), uint64(2), uint64(17))},
	{"labels aliases and side-less label", `src.role = db and dst.labels.role = web and app = crm`, DuckDB,
		`src_ep IN (SELECT id FROM endpoints WHERE role IN (SELECT id FROM dict WHERE domain = 'role' AND s = ?)) AND dst_ep IN (SELECT id FROM endpoints WHERE role IN (SELECT id FROM dict WHERE domain = 'role' AND s = ?)) AND (src_ep IN (SELECT id FROM endpoints WHERE app IN (SELECT id FROM dict WHERE domain = 'app' AND s = ?)) OR dst_ep IN (SELECT id FROM endpoints WHERE app IN (SELECT id FROM dict WHERE domain = 'app' AND s = ?)))`,
		args("db", "web", "crm", "crm")},
	{"endpoint attribute role", `src.role = db`, DuckDB,
		`src_ep IN (SELECT id FROM endpoints WHERE role IN (SELECT id FROM dict WHERE domain = 'role' AND s = ?))`,
		args("db")},
	{"endpoint attribute negative stays one semi-join", `src.role != db`, DuckDB,
		`src_ep IN (SELECT id FROM endpoints WHERE role NOT IN (SELECT id FROM dict WHERE domain = 'role' AND s = ?))`,
		args("db")},
	{"endpoint attribute asn clickhouse", `dst.asn = 15169`, ClickHouse,
		`dst_ep IN (SELECT id FROM endpoints WHERE asn = ?)`,
		args(uint64(15169))},
	{"endpoint attribute threat any", `src.threat = any`, DuckDB,
		`src_ep IN (SELECT id FROM endpoints WHERE threat_feeds <> 0)`,
		args()},
	{"endpoint attribute postgresql numbered", `dst.domain ~ example and src.port = 1`, PostgreSQL,
		`dst_ep IN (SELECT id FROM endpoints WHERE domain IN (SELECT id FROM dict WHERE domain = 'domain' AND strpos(lower(s), lower($1)) > 0)) AND src_port = $2`,
		args("example", uint64(1))},
	{"side region is the endpoint's, side-less region the exporter's", `src.region = westeurope and region = eastus`, DuckDB,
		`src_ep IN (SELECT id FROM endpoints WHERE region IN (SELECT id FROM dict WHERE domain = 'region' AND s = ?)) AND region IN (SELECT id FROM dict WHERE domain = 'region' AND s = ?)`,
		args("westeurope", "eastus")},
	{"side-less endpoint attribute not in is neither side", `zone not in (aws, internet)`, DuckDB,
		`(src_ep IN (SELECT id FROM endpoints WHERE zone NOT IN (SELECT id FROM dict WHERE domain = 'zone' AND lower(s) IN (?, ?))) AND dst_ep IN (SELECT id FROM endpoints WHERE zone NOT IN (SELECT id FROM dict WHERE domain = 'zone' AND lower(s) IN (?, ?))))`,
		args("aws", "internet", "aws", "internet")},
	{"category alias", `category = ai and dst.category = AI`, DuckDB,
		`category IN (SELECT id FROM dict WHERE domain = 'category' AND lower(s) = ?) AND category IN (SELECT id FROM dict WHERE domain = 'category' AND lower(s) = ?)`,
		args("ai", "ai")},
}

func TestCompile(t *testing.T) {
	for _, tt := range compileTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compile(tt.filter, tt.d)
			if err != nil {
				t.Fatalf("Compile(%q) error: %v", tt.filter, err)
			}
			if got.Where != tt.where {
				t.Errorf("Compile(%q).Where\n got: %s\nwant: %s", tt.filter, got.Where, tt.where)
			}
			if diff := cmp.Diff(got.Args, tt.args, cmpArgs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Compile(%q).Args (-got, +want):\n%s", tt.filter, diff)
			}
			if n := strings.Count(got.Where, "?") + strings.Count(got.Where, "$"); n != len(got.Args) {
				t.Errorf("Compile(%q): %d placeholders for %d args", tt.filter, n, len(got.Args))
			}
		})
	}
}

// TestCompileKeepsValuesOutOfSQL feeds values that would break out of a quoted
// SQL literal: none of their text may reach the SQL.
func TestCompileKeepsValuesOutOfSQL(t *testing.T) {
	const evil = `x'); DROP TABLE flows; --`
	for _, f := range []string{"src.workload", "service", "zone", "threat", "src.threat", "domain"} {
		for _, op := range []string{"=", "!=", "<", "~", "in"} {
			if op == "<" && strings.Contains(f, "threat") {
				continue
			}
			val := `"` + strings.ReplaceAll(evil, `'`, `\'`) + `"`
			if op == "in" {
				val = "(" + val + ", 'a\"b')"
			}
			filter := f + " " + op + " " + val
			for _, d := range []Dialect{DuckDB, ClickHouse, PostgreSQL} {
				got, err := Compile(filter, d)
				if err != nil {
					t.Fatalf("Compile(%q, %s) error: %v", filter, d, err)
				}
				if strings.Contains(got.Where, "DROP") || strings.Contains(got.Where, `"`) {
					t.Errorf("Compile(%q, %s) pasted a value into SQL: %s", filter, d, got.Where)
				}
				found := false
				for _, a := range got.Args {
					if s, ok := a.(string); ok && strings.Contains(strings.ToLower(s), "drop table") {
						found = true
					}
				}
				if !found {
					t.Errorf("Compile(%q, %s) args %q lack the value", filter, d, got.Args)
				}
			}
		}
	}
}

func TestCompileZeroDialect(t *testing.T) {
	if _, err := Compile("port = 1", Dialect{}); err == nil {
		t.Error("Compile with the zero Dialect succeeded, want an error")
	}
}

func TestCompiledColumns(t *testing.T) {
	c, err := Compile(`service in (SMB, RDP) and src.zone = "Internal Azure" and not dst.role = db or port = 22 and src.role = web`, DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"service", "src_ep", "dst_ep", "src_port", "dst_port"}
	if diff := cmp.Diff(c.Columns, want); diff != "" {
		t.Errorf("Columns (-got, +want):\n%s", diff)
	}
}
