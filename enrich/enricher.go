package enrich

import (
	"net/netip"

	"github.com/weirhq/weir/enrich/zones"
	"github.com/weirhq/weir/flow"
)

// Enricher applies Tables to records. Each goroutine uses its own: it keeps a cache
// of what the time-independent sources say of an address, since flows repeat
// addresses far more often than they bring new ones.
type Enricher struct {
	t     *Tables
	cache map[netip.Addr]*side
}

// side is what the time-independent sources say of one address.
type side struct {
	s        flow.Side // Instance and Domain left empty
	internal bool
	cloud    string // the zone's cloud, for dst.category
}

// cacheSize bounds an Enricher's cache; when full it starts over, which is cheap
// next to a lookup in every source and keeps memory flat on a scan of the Internet.
const cacheSize = 1 << 16

// NewEnricher returns an Enricher over t.
func (t *Tables) NewEnricher() *Enricher {
	return &Enricher{t: t, cache: make(map[netip.Addr]*side, 1024)}
}

// Enrich fills in r's enriched fields from the addresses, ports and ids the decoder set.
func (e *Enricher) Enrich(r *flow.Record) {
	src := e.lookup(r.SrcIP, r.Src.Instance)
	dst := e.lookup(r.DstIP, r.Dst.Instance)
	e.apply(&r.Src, src)
	e.apply(&r.Dst, dst)

	switch {
	case src.internal && dst.internal:
		r.Direction = flow.Internal
	case src.internal:
		r.Direction = flow.Outbound
	case dst.internal:
		r.Direction = flow.Inbound
	default:
		r.Direction = flow.External
	}

	if dnsIdx := e.t.DNS; dnsIdx != nil {
		if !src.internal {
			r.Src.Domain, _ = dnsIdx.Lookup(r.SrcIP, r.Start)
		}
		if !dst.internal {
			r.Dst.Domain, _ = dnsIdx.Lookup(r.DstIP, r.Start)
		}
	}
	if e.t.Intel != nil {
		if !r.Src.Threat.Listed() && r.Src.Domain != "" {
			r.Src.Threat = e.t.Intel.LookupDomain(r.Src.Domain)
		}
		if !r.Dst.Threat.Listed() && r.Dst.Domain != "" {
			r.Dst.Threat = e.t.Intel.LookupDomain(r.Dst.Domain)
		}
	}

	svc, ok := e.t.Services.Lookup(r.Proto, r.SrcPort, r.DstPort)
	r.ServicePort = serverPort(r, svc.Port)
	// Formats that log each direction as its own record (AWS, GCP, NetFlow) give
	// the server's answer a record whose source is the server.
	r.Answer = unidirectional[r.Format] && r.ServicePort == r.SrcPort && r.SrcPort != r.DstPort
	if ok {
		r.Service, r.ServiceRisk, r.ServiceCategory = svc.Name, svc.Risk, svc.Category
		// The answer stands for no new connection, so that flows counts
		// connections whatever the format.
		if r.Answer && svc.Port != 0 {
			r.Flows = 0
		}
	}

	// An AI service on either end: a response record (AWS and NetFlow log both
	// directions) belongs to the same conversation as its request.
	r.LLMProvider, r.LLMSanctioned = "", false
	if m, ok := e.llm(r.Dst.Domain, r.DstIP, dst); ok {
		r.LLMProvider, r.LLMSanctioned = m.Provider, m.Sanctioned
	} else if m, ok := e.llm(r.Src.Domain, r.SrcIP, src); ok {
		r.LLMProvider, r.LLMSanctioned = m.Provider, m.Sanctioned
	}

	switch {
	case dst.internal:
		r.Category = "internal"
	case r.LLMProvider != "" && r.Dst.Zone != "" && !dst.internal:
		r.Category = "ai"
	case dst.cloud != "":
		r.Category = "cloud"
	default:
		r.Category = "internet"
	}
}

// serverPort is the port of the connection's server: the catalog's when it knows
// the service (or a well-known port is on one end), else the end that is not an
// ephemeral port (an answer's source port), else the destination port.
func serverPort(r *flow.Record, catalog uint16) uint16 {
	switch {
	case catalog != 0:
		return catalog
	case r.DstPort >= ephemeral && r.SrcPort < ephemeral:
		return r.SrcPort
	}
	return r.DstPort
}

// ephemeral is where the ports clients pick from start on most systems (IANA
// 49152; Linux 32768).
const ephemeral = 32768

// unidirectional are the formats whose records each carry one direction.
var unidirectional = map[string]bool{"aws-vpc": true, "gcp-vpc": true, "netflow": true, "sflow": true}

type llmMatch struct {
	Provider   string
	Sanctioned bool
}

func (e *Enricher) llm(domain string, ip netip.Addr, sd *side) (llmMatch, bool) {
	if sd.internal || e.t.LLM == nil {
		return llmMatch{}, false
	}
	if domain != "" {
		if m, ok := e.t.LLM.ByDomain(domain); ok {
			return llmMatch{m.Provider, m.Sanctioned}, true
		}
	}
	if m, ok := e.t.LLM.ByIP(ip); ok {
		return llmMatch{m.Provider, m.Sanctioned}, true
	}
	return llmMatch{}, false
}

// apply copies what the sources say into a record's side, keeping the instance id
// the decoder set.
func (e *Enricher) apply(dst *flow.Side, sd *side) {
	inst := dst.Instance
	*dst = sd.s
	dst.Instance = inst
}

func (e *Enricher) lookup(ip netip.Addr, instance string) *side {
	if sd, ok := e.cache[ip]; ok && (instance == "" || sd.s.Workload != "") {
		return sd
	}
	sd := &side{}
	t := e.t
	z := t.Zones.Lookup(ip)
	sd.s.Zone, sd.s.Region, sd.internal, sd.cloud = z.Zone, z.Region, z.Internal, z.Cloud
	if t.Inventory != nil {
		w := t.Inventory.ByIP(ip)
		if w == nil && instance != "" {
			w = t.Inventory.ByInstance(instance)
		}
		if w != nil {
			sd.s.Workload, sd.s.Kind = w.Name, w.Kind
			sd.s.Role, sd.s.App, sd.s.Env, sd.s.Loc = w.Role, w.App, w.Env, w.Loc
			if w.Region != "" {
				sd.s.Region = w.Region
			}
			if !sd.internal {
				// A workload the inventory lists is the estate's, whatever its address.
				sd.internal = true
				sd.s.Zone = zones.InternalZone(w.Cloud)
			}
		}
	}
	if !sd.internal {
		g := t.Geo.Lookup(ip)
		sd.s.Country, sd.s.ASN, sd.s.ASName = g.Country, g.ASN, g.ASName
	}
	if t.Intel != nil {
		sd.s.Threat = t.Intel.LookupIP(ip)
	}
	if len(e.cache) >= cacheSize {
		clear(e.cache)
	}
	e.cache[ip] = sd
	return sd
}
