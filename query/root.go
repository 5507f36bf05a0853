// Package query is weir's filter language (DESIGN §6): it parses a filter such as
//
//	service in (SMB, RDP) and src.zone = "Internal Azure" and not dst.role = db
//
// into an AST and compiles it to a parameterized SQL condition over the stored
// flow schema (table flows and its rollups, with strings in dict, addresses in
// ips, and each end's enriched attributes in endpoints) for DuckDB, ClickHouse
// or PostgreSQL. Literals only ever travel as arguments, never inside the SQL
// text. It does not own the schema, run queries or pick a table: the store does
// that with the condition it gets here.
//
// A flow refers to its two ends' attributes (workload, labels, zone, region,
// country, AS, domain, threat: EndpointAttributes) by the codes src_ep and
// dst_ep into endpoints, so a condition on one of them is a semi-join:
//
//	src.role = db  →  src_ep IN (SELECT id FROM endpoints WHERE role IN (SELECT id FROM dict WHERE domain = 'role' AND s = ?))
//
// # Syntax
//
//	expr := term (("and" | "or") term)*
//	term := "not" term | "(" expr ")" | field op value | field ["not"] "in" "(" value ("," value)* ")"
//	op   := "=" | "!=" | "<" | "<=" | ">" | ">=" | "~"
//
// "and" binds tighter than "or", and "not" tighter than both: a or b and not c
// is a or (b and (not c)). Keywords (and, or, not, in) and field names are
// case-insensitive. A value is a bare word (SMB, tcp, 10.0.0.5, 10.0.0.0/8,
// Internal-ish, 2024-05-01T10:00:00Z: anything up to a space, quote,
// parenthesis, comma or operator character) or a string in double or single
// quotes with the escapes \\ \" \' \n \r \t. ~ is a case-insensitive
// "contains".
//
// # Values
//
// Numbers are unsigned integers. Byte fields take KB, MB, GB, TB, PB as powers
// of 1000 (1.5GB = 1500000000) and KiB … PiB as powers of 1024; every count
// takes k, M, G, T, P (powers of 1000); the result must be a whole number.
// start and end take RFC 3339, a date (midnight UTC) or epoch seconds. proto
// takes tcp, udp, icmp, icmpv6, gre, esp or a number; action allow, deny (also
// accept, reject); direction inbound, outbound, internal, external;
// service.risk none < low < medium < high (ordered, so service.risk >= medium
// works); llm.sanctioned true/false/yes/no. An IP field compared with a CIDR
// matches the network; IPv4 is matched in its IPv4-mapped IPv6 form, as stored.
//
// Text compares case-sensitively for names from the user's estate (workloads,
// labels, accounts, VPCs, exporters, regions, AS names, feeds) and
// case-insensitively for vocabularies weir assigns and for DNS names: service,
// service.category, category, zone, cloud, format, llm.provider,
// threat.category, domain. Country codes are stored upper-case, so the value is
// upper-cased (src.country = us works).
//
// # Either side
//
// Side-less names (ip, port, workload, role, zone, country, domain, threat, …)
// mean either end of the flow: port = 22 holds when src.port or dst.port is 22.
// Negative comparisons hold on neither side: port != 22 and port not in (22, 23)
// hold when no end uses those ports, which is exactly not (port = 22). region
// without a side is the exporter's region, not either end's.
//
// # Threats
//
// threat (and src.threat, dst.threat) is the list of feeds naming an endpoint.
// threat = firehol_level1 holds when that feed is one of them; the bare words
// any and none (also true and false) mean listed on some feed and on no feed;
// quote them ("any") to name a feed called any. threat ~ fire matches feed names
// containing fire.
package query

import "errors"

// Compiled is a filter compiled for one dialect: a condition for a WHERE clause
// and the arguments for its placeholders, in order.
type Compiled struct {
	Where string
	Args  []any
	// Columns are the columns of the filtered table that Where reads (src_ep and
	// dst_ep for endpoint attributes), each once, in order of appearance: the store
	// answers from a rollup only when the rollup has them all.
	Columns []string
}

// Parse parses filter, checking field names and values, and returns its AST, or
// nil for an empty filter. Errors are *Error and say where the filter is wrong.
func Parse(filter string) (Expr, error) { return parse(filter) }

// Compile parses filter and compiles it for dialect d. An empty filter compiles
// to a condition that always holds (TRUE, or 1 on ClickHouse). Errors in the
// filter are *Error. Compile is safe for concurrent use.
func Compile(filter string, d Dialect) (*Compiled, error) {
	if d.name == "" {
		return nil, errors.New("compile filter: zero Dialect (use query.DuckDB, query.ClickHouse or query.PostgreSQL)")
	}
	e, err := parse(filter)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return &Compiled{Where: d.true_}, nil
	}
	em := emitter{d: &d}
	em.b.Grow(len(filter) * 4)
	em.expr(e)
	return &Compiled{Where: em.b.String(), Args: em.args, Columns: em.cols}, nil
}
