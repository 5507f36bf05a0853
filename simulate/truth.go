package simulate

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Truth is what the simulator injected, written as truth.json: what a detector
// run over the output should find.
type Truth struct {
	Seed          uint64        `json:"seed"`
	Start         time.Time     `json:"start"`
	End           time.Time     `json:"end"`
	Workloads     int           `json:"workloads"`
	SanctionedLLM SanctionedLLM `json:"sanctioned_llm"`
	Scenarios     []Scenario    `json:"scenarios"`
	Files         []FormatCount `json:"files"`
}

// SanctionedLLM names the LLM provider the organisation approved; traffic to the
// others is Shadow LLM use.
type SanctionedLLM struct {
	Provider string   `json:"provider"`
	Domains  []string `json:"domains"`
	IPs      []string `json:"ips"`
	Note     string   `json:"note"`
}

// Scenario is one injected attack or anomaly. Sources and Destinations are IP
// addresses (a CIDR where a scan swept a range); Workloads name the estate's
// machines involved.
type Scenario struct {
	ID           string    `json:"id"`
	Kind         string    `json:"kind"`
	Tactic       string    `json:"tactic"`
	Technique    string    `json:"technique"`
	Description  string    `json:"description"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	Sources      []string  `json:"sources"`
	Destinations []string  `json:"destinations"`
	Workloads    []string  `json:"workloads,omitempty"`
	Expect       Expect    `json:"expect"`
}

// Expect is what the scenario's connections add up to, each connection counted once
// however many logs observed it.
type Expect struct {
	Flows        int      `json:"flows"`
	Allowed      int      `json:"allowed"`
	Denied       int      `json:"denied"`
	Bytes        uint64   `json:"bytes"`
	BytesRev     uint64   `json:"bytes_rev"`
	Packets      uint64   `json:"packets"`
	Ports        []int    `json:"ports"`
	Protocols    []string `json:"protocols"`
	SourceCount  int      `json:"distinct_sources"`
	DestCount    int      `json:"distinct_destinations"`
	Countries    []string `json:"countries,omitempty"`
	Domains      []string `json:"domains,omitempty"`
	Provider     string   `json:"llm_provider,omitempty"`
	IntervalSecs float64  `json:"interval_seconds,omitempty"`
	Observed     []string `json:"observed_in"`
}

// FormatCount is how many files and lines the simulator wrote in one format.
type FormatCount struct {
	Format string `json:"format"`
	Files  int    `json:"files"`
	Lines  int    `json:"lines"`
}

// summarize fills sc's times, endpoints and Expect from its connections.
func summarize(sc *Scenario, conns []conn) {
	if len(conns) == 0 {
		return
	}
	var srcs, dsts []netip.Addr
	var ports []int
	var protos, countries, domains, workloads, observed []string
	first, last := conns[0].start, conns[0].end
	e := &sc.Expect
	for i := range conns {
		c := &conns[i]
		first, last = min(first, c.start), max(last, c.end)
		e.Flows++
		if c.outcome == denied {
			e.Denied++
		} else {
			e.Allowed++
		}
		e.Bytes += c.bytes
		e.BytesRev += c.bytesRev
		e.Packets += c.pkts
		srcs = append(srcs, c.src.ip)
		dsts = append(dsts, c.dst.ip)
		ports = append(ports, int(c.dport))
		protos = append(protos, zeekProto(c.proto))
		for _, ep := range [2]endpoint{c.src, c.dst} {
			if ep.r != nil && !ep.private() {
				countries = append(countries, ep.r.cc2)
			}
			if ep.w != nil {
				workloads = append(workloads, ep.w.name)
				observed = append(observed, observers(ep.w)...)
			}
		}
		if c.domain != "" {
			domains = append(domains, c.domain)
		}
	}
	sc.Start = time.UnixMicro(first).UTC().Truncate(time.Second)
	sc.End = time.UnixMicro(last).UTC().Add(time.Second - 1).Truncate(time.Second)
	srcs, dsts = uniqAddrs(srcs), uniqAddrs(dsts)
	e.SourceCount, e.DestCount = len(srcs), len(dsts)
	if len(sc.Sources) == 0 {
		sc.Sources = addrStrings(srcs)
	}
	if len(sc.Destinations) == 0 {
		sc.Destinations = addrStrings(dsts)
	}
	e.Ports = uniq(ports)
	e.Protocols = uniq(protos)
	e.Countries = uniq(countries)
	e.Domains = uniq(domains)
	e.Observed = uniq(observed)
	sc.Workloads = uniq(workloads)
}

// observers names the logs that see traffic of w.
func observers(w *workload) []string {
	switch w.site.cloud {
	case aws:
		return []string{"aws-vpc"}
	case azure:
		return []string{"azure-vnet"}
	case gcp:
		return []string{"gcp-vpc"}
	}
	return []string{"zeek-conn"}
}

func uniq[T int | string](v []T) []T {
	slices.Sort(v)
	return slices.Compact(v)
}

func uniqAddrs(v []netip.Addr) []netip.Addr {
	slices.SortFunc(v, func(a, b netip.Addr) int { return a.Compare(b) })
	return slices.Compact(v)
}

func addrStrings(v []netip.Addr) []string {
	out := make([]string, len(v))
	for i, a := range v {
		out[i] = a.String()
	}
	return out
}

func writeTruth(dir string, t *Truth) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return fmt.Errorf("simulate: encode truth: %w", err)
	}
	path := filepath.Join(dir, "truth.json")
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("simulate: write %s: %w", path, err)
	}
	return nil
}
