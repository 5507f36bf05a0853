package insight

import "context"

// def is one insight. A plain one is a filter and a grouping (run nil): Run sums
// the flows matching filter(params) and the user's q by the fields by, with Extra
// comparing the two ends. A special one has run.
type def struct {
	id, title, doc string
	params         []param
	// filter is the insight's own condition, in the filter language, from its
	// parameters (defaults filled in); user values must go through strconv.Quote.
	filter func(p map[string]string) string
	by     func(p map[string]string) []string
	extra  string // AggregateQuery.Extra, written here, never from input
	// columns after the measures, computed per row by post.
	post func(row map[string]any)
	more []string
	run  func(ctx context.Context, src Source, d *def, rq *request, res *Result) error
}

// param is an insight's own parameter.
type param struct {
	name, doc string
	def       string             // default value, "" for none
	check     func(string) error // nil takes any value
}

func fields(f ...string) func(map[string]string) []string {
	return func(map[string]string) []string { return f }
}

// serviceParam narrows an insight to services, e.g. service=SMB or service=SMB,RDP.
var serviceParam = param{name: "service", doc: "only these services, e.g. SMB or SMB,RDP", check: nonEmptyList}

func serviceFilter(p map[string]string) string {
	if v := p["service"]; v != "" {
		return "service in (" + quoteList(v) + ")"
	}
	return ""
}

var defs = []def{
	{
		id: "risky-services", title: "Risky Services Traffic",
		doc: "Traffic of services graded medium or high risk (SMB, RDP, Telnet, FTP, VNC, RustDesk…) by service, port, protocol and risk; " +
			"port lists the destination ports that carried connections",
		params: []param{serviceParam,
			{name: "risk", doc: "lowest risk shown: low, medium or high", def: "medium", check: oneOf("low", "medium", "high")}},
		filter: func(p map[string]string) string { return and("service.risk >= "+p["risk"], serviceFilter(p)) },
		run:    byService([]string{"service", "proto", "service.risk"}),
	},
	{
		id: "destination-roles", title: "Top Destination Roles",
		doc:    "Traffic by the destination's role label (optionally for some services)",
		params: []param{serviceParam},
		filter: serviceFilter,
		by:     fields("dst.role"),
	},
	{
		id: "workloads-by-role", title: "Workloads by Destination Role",
		doc:    "Sources (address and workload) by the role of what they reach, e.g. service=SMB for lateral movement",
		params: []param{serviceParam},
		filter: serviceFilter,
		by:     fields("src.ip", "src.workload", "dst.role"),
	},
	{
		id: "zones", title: "Traffic by Zones",
		doc:    "Traffic by source and destination zone",
		params: []param{serviceParam},
		filter: serviceFilter,
		by:     fields("src.zone", "dst.zone"),
	},
	{
		id: "cross-region", title: "Top Cross Region Traffic",
		doc:    "Traffic between endpoints of two different known regions",
		params: []param{serviceParam},
		filter: func(p map[string]string) string {
			return and(`src.region != "" and dst.region != ""`, serviceFilter(p))
		},
		by:    fields("src.region", "dst.region"),
		extra: "se.region <> de.region",
	},
	{
		id: "malicious-ips", title: "Top Malicious IPs",
		doc: "Addresses a threat feed lists, on either end: direction, country, feeds, the services seen in Now, " +
			"and the flows allowed and denied in Now",
		run: maliciousIPs,
	},
	{
		id: "malicious-services", title: "Top Services in Malicious IP Communications",
		doc:    "Services of flows with an end a threat feed lists, by service, protocol and port",
		filter: func(map[string]string) string { return "threat = any" },
		run:    byService([]string{"service", "proto"}),
	},
	{
		id: "threat-map", title: "Global Threat Map",
		doc: "Flows with a listed end, by the country of that end (the source's when both are listed), with the country's centroid",
		run: threatMap,
	},
	{
		id: "external-transfers", title: "External Data Transfer",
		doc: "Outbound traffic by destination category, service, country or source, with bytes per flow",
		params: []param{{name: "group", doc: "category, service, country or source", def: "category",
			check: oneOf("category", "service", "country", "source")}, serviceParam},
		filter: func(p map[string]string) string { return and("direction = outbound", serviceFilter(p)) },
		by: func(p map[string]string) []string {
			return map[string][]string{"category": {"dst.category"}, "service": {"service"},
				"country": {"dst.country"}, "source": {"src.ip", "src.workload"}}[p["group"]]
		},
		post: bytesPerFlow,
		more: []string{"bytes_per_flow"},
	},
	{
		id: "countries", title: "Traffic Activity Across Countries",
		doc: "Inbound traffic by the source's country and outbound traffic by the destination's",
		run: countries,
	},
	{
		id: "shadow-llm", title: "Shadow LLMs",
		doc: "Traffic to AI/LLM providers, with whether each is sanctioned",
		params: []param{{name: "sanctioned", doc: "true or false: only sanctioned or only unsanctioned providers",
			check: oneOf("true", "false")}},
		filter: func(p map[string]string) string {
			return and(`llm.provider != ""`, map[string]string{"true": "llm.sanctioned = true",
				"false": "llm.sanctioned = false"}[p["sanctioned"]])
		},
		by: fields("llm.provider", "llm.sanctioned"),
	},
	{
		id: "llm-sources", title: "Top Sources Communicating with LLMs",
		doc:    "Workloads sending to AI/LLM providers (outbound), optionally for some providers",
		params: []param{{name: "provider", doc: "only these providers, e.g. \"xAI Grok\"", check: nonEmptyList}},
		filter: func(p map[string]string) string {
			f := `direction = outbound and llm.provider != ""`
			if v := p["provider"]; v != "" {
				f += " and llm.provider in (" + quoteList(v) + ")"
			}
			return f
		},
		by: fields("src.ip", "src.workload", "llm.provider"),
	},
	{
		id: "timeline", title: "Timeline",
		doc: "Flows and bytes per time bucket of Now, beside the same bucket of Prev, for any filter",
		params: []param{{name: "bucket", doc: "bucket width, e.g. 5m, 1h, 1d (default 1h, 1d for windows over 14d); the window must be a multiple",
			check: checkBucket}},
		run: timeline,
	},
}

// and joins the non-empty conditions with "and", each in parentheses.
func and(conds ...string) string {
	out := ""
	for _, c := range conds {
		if c == "" {
			continue
		}
		if out != "" {
			out += " and "
		}
		out += "(" + c + ")"
	}
	return out
}
