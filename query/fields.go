package query

import (
	"math"
	"slices"
	"strings"
)

// kind is how a field is stored and which values and operators it takes.
type kind uint8

const (
	kindText      kind = iota // dictionary code into dict(id, s)
	kindFeeds                 // dictionary code of a comma-separated list of threat feeds
	kindIP                    // code into ips(id, ip, hi, lo)
	kindPort                  // 0–65535
	kindNumber                // unsigned integer, with k/M/G/T/P multipliers
	kindASN                   // 32-bit number, written 15169 or AS15169
	kindBytes                 // unsigned integer, with KB/MB/GB/TB (1000) and KiB/MiB/GiB/TiB (1024)
	kindTime                  // epoch seconds; written as RFC 3339 or epoch seconds
	kindProto                 // IANA number; written as tcp, udp, icmp, icmpv6, gre, esp or a number
	kindAction                // flow.Action
	kindDirection             // flow.Direction
	kindReporter              // flow.Reporter
	kindRisk                  // flow.Risk, ordered: none < low < medium < high
	kindBool
)

var kindNames = [...]string{
	kindText: "text", kindFeeds: "feeds", kindIP: "ip", kindPort: "port", kindNumber: "number", kindASN: "asn",
	kindBytes: "bytes", kindTime: "time", kindProto: "proto", kindAction: "action",
	kindDirection: "direction", kindReporter: "reporter", kindRisk: "risk", kindBool: "bool",
}

// fold says how a text field compares for = != < <= > >= and in.
type fold uint8

const (
	exact fold = iota // case-sensitive: names from the user's own estate
	lower             // case-insensitive: vocabularies weir assigns, and DNS names
	upper             // stored upper-case (ISO country codes): the value is upper-cased
)

// fieldDef is one name the filter language accepts. cols holds one column, or
// the src and dst columns of a side-less name that means either side.
type fieldDef struct {
	name string
	kind kind
	fold fold
	cols []string
	max  uint64 // numeric kinds: the largest value the column holds, 0 for no limit
	doc  string
}

// sided lists the fields every flow has on both ends. Each row yields
// src.<name> and dst.<name> on columns src_<col> and dst_<col>, plus the
// side-less <name> (either side) when both is set. alias is a second name.
var sided = []struct {
	name, alias, col string
	kind             kind
	fold             fold
	both             bool
	max              uint64
	doc              string
}{
	{"ip", "", "ip", kindIP, exact, true, 0, "address; a CIDR matches the network"},
	{"port", "", "port", kindPort, exact, true, 0, "transport port"},
	{"instance", "", "instance", kindText, exact, true, 0, "identifier the log gives (instance id, VM or NIC name)"},
	{"workload", "", "workload", kindText, exact, true, 0, "inventory workload name"},
	{"kind", "", "kind", kindText, exact, true, 0, "workload kind, e.g. Virtual Machine"},
	{"labels.role", "role", "role", kindText, exact, true, 0, "role label"},
	{"labels.app", "app", "app", kindText, exact, true, 0, "app label"},
	{"labels.env", "env", "env", kindText, exact, true, 0, "env label"},
	{"labels.loc", "loc", "loc", kindText, exact, true, 0, "loc label"},
	{"zone", "", "zone", kindText, lower, true, 0, `zone, e.g. "Internal Azure", AWS, Internet`},
	{"region", "", "region", kindText, exact, false, 0, "cloud region of the endpoint"},
	{"country", "", "country", kindText, upper, true, 0, "ISO 3166 alpha-2 country code"},
	{"asn", "", "asn", kindASN, exact, true, math.MaxUint32, "autonomous system number (AS15169 or 15169)"},
	{"as_name", "", "as_name", kindText, exact, true, 0, "autonomous system name"},
	{"domain", "", "domain", kindText, lower, true, 0, "domain from passive DNS or TLS SNI"},
	{"threat", "", "threat_feeds", kindFeeds, exact, true, 0, "threat feeds listing the endpoint; any = on some feed, none = on no feed"},
	{"threat.category", "", "threat_category", kindText, lower, true, 0, "threat category, e.g. botnet, scanner, c2"},
	{"threat.confidence", "", "threat_confidence", kindNumber, exact, true, 100, "threat confidence, 0–100"},
}

// endpointAttributes are the per-side columns that live in the endpoints
// dimension table rather than in flows: each distinct combination of one end's
// enriched attributes is stored once there, and a flow refers to it by
// src_ep and dst_ep, which keeps flow rows small. A condition on src_<attr>
// therefore compiles to src_ep IN (SELECT id FROM endpoints WHERE <attr> ...).
// The order is the table's column order; the store builds the table from
// EndpointAttributes. ip and port stay in flows: they vary per flow.
var endpointAttributes = []string{
	"instance", "workload", "kind", "role", "app", "env", "loc", "zone", "region", "country", "asn",
	"as_name", "domain", "threat_feeds", "threat_category", "threat_confidence",
}

// EndpointAttributes returns the columns of the endpoints table after its id,
// in table order: the side attributes a flow refers to by src_ep and dst_ep.
// The slice is the caller's.
func EndpointAttributes() []string { return slices.Clone(endpointAttributes) }

// endpointColumn says whether col is a side's endpoint attribute, as src_<attr>
// or dst_<attr>, and returns the side's reference column and the attribute.
func endpointColumn(col string) (ref, attr string, ok bool) {
	for _, side := range [...]string{"src", "dst"} {
		if a, found := strings.CutPrefix(col, side+"_"); found && slices.Contains(endpointAttributes, a) {
			return side + "_ep", a, true
		}
	}
	return "", "", false
}

// global lists the fields of the flow itself: name, column, kind, fold, max, doc.
var global = []struct {
	name, col string
	kind      kind
	fold      fold
	max       uint64
	doc       string
}{
	{"start", "ts_start", kindTime, exact, 0, "flow start, RFC 3339 or epoch seconds"},
	{"end", "ts_end", kindTime, exact, 0, "flow end, RFC 3339 or epoch seconds"},
	{"proto", "proto", kindProto, exact, 0, "protocol: tcp, udp, icmp, icmpv6, gre, esp or a number"},
	{"tcp_flags", "tcp_flags", kindNumber, exact, math.MaxUint16, "OR of the TCP flags seen"},
	{"bytes", "bytes", kindBytes, exact, 0, "bytes src→dst; KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024"},
	{"bytes_rev", "bytes_rev", kindBytes, exact, 0, "bytes dst→src, where the source reports them"},
	{"packets", "packets", kindNumber, exact, 0, "packets src→dst"},
	{"packets_rev", "packets_rev", kindNumber, exact, 0, "packets dst→src"},
	{"flows", "flows", kindNumber, exact, math.MaxUint32, "connections the record stands for"},
	{"action", "action", kindAction, exact, 0, "allow or deny (also accept, reject)"},
	{"direction", "direction", kindDirection, exact, 0, "inbound, outbound, internal or external, seen from the estate"},
	{"reporter", "reporter", kindReporter, exact, 0, "which end observed the flow: src, dst or unknown"},
	{"format", "format", kindText, lower, 0, "log format, e.g. aws-vpc, zeek-conn"},
	{"exporter", "exporter", kindText, exact, 0, "format + account + interface or NIC"},
	{"cloud", "cloud", kindText, lower, 0, "aws, azure, gcp, onprem"},
	{"account", "account", kindText, exact, 0, "account, subscription or project"},
	{"region", "region", kindText, exact, 0, "region of the exporter"},
	{"vpc", "vpc", kindText, exact, 0, "VPC or VNet"},
	{"service", "service", kindText, lower, 0, "service, e.g. SMB, RDP, HTTPS"},
	{"service.risk", "service_risk", kindRisk, exact, 0, "service risk: none < low < medium < high"},
	{"service.port", "service_port", kindNumber, exact, math.MaxUint16, "the server's port, whichever end it is (dst.port of a request, src.port of an answer)"},
	{"answer", "answer", kindBool, exact, 0, "the record is the server's answer (formats that log each direction: AWS, GCP, NetFlow)"},
	{"service.category", "service_category", kindText, lower, 0, "service category, e.g. remote access"},
	{"dst.category", "category", kindText, lower, 0, "destination category: cloud, ai, saas, cdn, internet, internal"},
	{"category", "category", kindText, lower, 0, "same as dst.category"},
	{"llm.provider", "llm_provider", kindText, lower, 0, "LLM provider, e.g. OpenAI, Anthropic"},
	{"llm.sanctioned", "llm_sanctioned", kindBool, exact, 0, "whether the LLM provider is sanctioned: true or false"},
}

var (
	fieldByName map[string]*fieldDef
	fieldNames  []string // sorted, for suggestions
	fieldList   []Field
)

func init() {
	var defs []*fieldDef
	for _, f := range global {
		defs = append(defs, &fieldDef{name: f.name, kind: f.kind, fold: f.fold, cols: []string{f.col}, max: f.max, doc: f.doc})
	}
	for _, f := range sided {
		names := []string{f.name}
		if f.alias != "" {
			names = append(names, f.alias)
		}
		for _, n := range names {
			for _, side := range []string{"src", "dst"} {
				defs = append(defs, &fieldDef{name: side + "." + n, kind: f.kind, fold: f.fold,
					cols: []string{side + "_" + f.col}, max: f.max, doc: side + " " + f.doc})
			}
			if f.both {
				defs = append(defs, &fieldDef{name: n, kind: f.kind, fold: f.fold,
					cols: []string{"src_" + f.col, "dst_" + f.col}, max: f.max, doc: "either side's " + f.doc})
			}
		}
	}
	fieldByName = make(map[string]*fieldDef, len(defs))
	for _, d := range defs {
		if _, dup := fieldByName[d.name]; dup {
			panic("query: field " + d.name + " defined twice") // a programming error in the tables above
		}
		fieldByName[d.name] = d
		fieldNames = append(fieldNames, d.name)
		fieldList = append(fieldList, Field{Name: d.name, Type: kindNames[d.kind], Values: words(d.kind), Doc: d.doc})
	}
	slices.Sort(fieldNames)
	slices.SortFunc(fieldList, func(a, b Field) int { return strings.Compare(a.Name, b.Name) })
}

// Field describes one field name for documentation and autocompletion.
type Field struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`             // text, feeds, ip, port, number, bytes, time, proto, action, direction, reporter, risk, bool
	Values []string `json:"values,omitempty"` // the words the field takes, for enumerated types
	Doc    string   `json:"doc"`
}

// Fields lists every field name the filter language accepts, sorted by name,
// including aliases (src.role beside src.labels.role) and the side-less names
// that mean either side. The caller may keep the slice but must not modify it.
func Fields() []Field { return fieldList }
