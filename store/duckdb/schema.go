package duckdb

// Column kinds of the flows table. Strings are dictionary codes (UINTEGER into
// dict), IPs are codes into ips: low-cardinality strings as small integers are what
// makes the load fast (no per-row string handling) and the file small (bit-packed
// columns).
const (
	kU8 = iota
	kU16
	kU32
	kU64
	kBool
	kCode // UINTEGER code into dict
	kIP   // UINTEGER code into ips
	kEP   // UINTEGER code into endpoints
)

type column struct {
	name string
	kind int
}

// endpointColumns are what enrichment says of one end of a flow. They are stored
// once per distinct combination, in table endpoints, and a flow holds one code per
// side (src_ep, dst_ep): a few thousand endpoints stand for millions of flows, so
// this takes 16 columns a side out of every row. The order is the Writer's.
var endpointColumns = []column{
	{"instance", kCode}, {"workload", kCode}, {"kind", kCode}, {"role", kCode}, {"app", kCode},
	{"env", kCode}, {"loc", kCode}, {"zone", kCode}, {"region", kCode}, {"country", kCode},
	{"asn", kU32}, {"as_name", kCode}, {"domain", kCode}, {"threat_feeds", kCode},
	{"threat_category", kCode}, {"threat_confidence", kU8},
}

// flowColumns is the flows table in storage order. The writer appends in exactly
// this order (writer.go); a new column is added here and there.
var flowColumns = func() []column {
	cols := []column{
		{"ts_start", kU32}, {"ts_end", kU32},
		{"src_ip", kIP}, {"dst_ip", kIP},
		{"src_port", kU16}, {"dst_port", kU16}, {"proto", kU8}, {"tcp_flags", kU16},
		{"bytes", kU64}, {"bytes_rev", kU64}, {"packets", kU64}, {"packets_rev", kU64}, {"flows", kU32},
		{"action", kU8}, {"direction", kU8}, {"reporter", kU8},
		{"format", kCode}, {"exporter", kCode}, {"cloud", kCode}, {"account", kCode}, {"region", kCode}, {"vpc", kCode},
		{"service", kCode}, {"service_port", kU16}, {"answer", kBool}, {"service_risk", kU8}, {"service_category", kCode},
		{"category", kCode}, {"llm_provider", kCode}, {"llm_sanctioned", kBool},
	}
	return append(cols, column{"src_ep", kEP}, column{"dst_ep", kEP})
}()

// rollupDims are the flows columns kept in the hourly rollup: everything but the
// ports, the TCP flags, the exporter and the reporter, which would keep one row per
// connection (an answer's destination port is the client's ephemeral one). The
// server's port stays, as service_port. Measures are summed; "records" counts raw rows.
var rollupDims = func() []string {
	drop := map[string]bool{"ts_start": true, "ts_end": true, "src_port": true, "tcp_flags": true,
		"exporter": true, "reporter": true, "dst_port": true,
		"bytes": true, "bytes_rev": true, "packets": true, "packets_rev": true, "flows": true}
	var dims []string
	for _, c := range flowColumns {
		if !drop[c.name] {
			dims = append(dims, c.name)
		}
	}
	return dims
}()

// endpointRollupDims are the dimensions of the coarser rollup, flows_1h_ep: the
// hourly rollup without the addresses. Each side's endpoint still says which
// workload, role, zone, country... it is, so most of the Hub reads it; it has a
// fifth of the hourly rollup's rows on a typical estate.
var endpointRollupDims = func() []string {
	var dims []string
	for _, d := range rollupDims {
		if d != "src_ip" && d != "dst_ip" {
			dims = append(dims, d)
		}
	}
	return dims
}()

// Rollup tables, coarsest first: a query reads the first that has every column it needs.
var rollups = []struct {
	table string
	dims  []string
}{{"flows_1h_ep", endpointRollupDims}, {"flows_1h", rollupDims}}

// IsRollup reports whether an aggregate was answered from a rollup table.
func IsRollup(table string) bool { return table == "flows_1h" || table == "flows_1h_ep" }

var rollupMeasures = []string{"bytes", "bytes_rev", "packets", "packets_rev", "flows"}

func sqlType(kind int) string {
	switch kind {
	case kU8:
		return "UTINYINT"
	case kU16:
		return "USMALLINT"
	case kU64:
		return "UBIGINT"
	case kBool:
		return "BOOLEAN"
	}
	return "UINTEGER"
}
