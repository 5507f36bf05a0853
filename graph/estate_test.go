package graph

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/weirhq/weir/enrich/inventory"
	"github.com/weirhq/weir/flow"
	"github.com/weirhq/weir/store/duckdb"
)

// The scripted estate's windows: Now is the day before until, Prev the day before that.
var (
	until = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	now   = until.Add(-14 * time.Hour) // in Now
	prev  = until.Add(-38 * time.Hour) // in Prev
)

// peer is an external end of a scripted flow.
type peer struct {
	ip, zone, country, feeds string
}

// conn is one scripted record: ends by workload name (from the inventory) or as
// a peer, the service, the action and the measures.
type conn struct {
	at                 time.Time
	src, dst           string // workload names; empty when the peer is given
	srcPeer, dstPeer   peer
	service            string
	port, srcPort      uint16
	flows              uint32
	bytes              uint64
	deny               bool
	dstCategory        string
	srcInternalAddress string // an internal address without a workload
	dstInternalAddress string
}

var catalog = map[string]struct {
	risk     flow.Risk
	category string
}{
	"SMB":   {flow.RiskHigh, "lateral movement"},
	"RDP":   {flow.RiskHigh, "remote access"},
	"SSH":   {flow.RiskMedium, "remote access"},
	"HTTPS": {flow.RiskLow, "web"},
}

// scripted is the estate: WS1 fans out over SMB to FS1, APP1 (allowed) and DC1
// (denied); FS1 RDPs into DB1; DC1 SSHes into BK1; WS1 also browses the
// Internet (two US addresses, one AWS address), reaches an internal address
// without a workload, and a listed address from Russia tries SSH on it.
var scripted = []conn{
	{at: now, src: "WS1", dst: "FS1", service: "SMB", port: 445, flows: 3, bytes: 3000},
	// FS1's answers, logged as records of their own (AWS, GCP): no connection, the bytes FS1 sent.
	{at: now, src: "FS1", dst: "WS1", service: "SMB", port: 50123, srcPort: 445, flows: 0, bytes: 7000},
	{at: now, src: "WS1", dst: "APP1", service: "SMB", port: 445, flows: 2, bytes: 2000},
	{at: now, src: "WS1", dst: "DC1", service: "SMB", port: 445, flows: 4, bytes: 400, deny: true},
	{at: now, src: "FS1", dst: "DB1", service: "RDP", port: 3389, flows: 1, bytes: 50_000},
	{at: now, src: "DC1", dst: "BK1", service: "SSH", port: 22, flows: 2, bytes: 900},
	{at: now, src: "WS1", dstInternalAddress: "10.0.9.9", service: "HTTPS", port: 443, flows: 1, bytes: 100},
	{at: now, src: "WS1", dstPeer: peer{ip: "203.0.113.5", zone: "Internet", country: "US"}, service: "HTTPS", port: 443, flows: 5, bytes: 5000, dstCategory: "internet"},
	{at: now, src: "WS1", dstPeer: peer{ip: "198.51.100.7", zone: "Internet", country: "US"}, service: "HTTPS", port: 443, flows: 2, bytes: 1_000_000, dstCategory: "internet"},
	{at: now, src: "WS1", dstPeer: peer{ip: "52.1.2.3", zone: "AWS", country: "US"}, service: "HTTPS", port: 443, flows: 1, bytes: 300, dstCategory: "cloud"},
	{at: now, srcPeer: peer{ip: "45.9.9.9", zone: "Internet", country: "RU", feeds: "firehol_level1"}, dst: "WS1", service: "SSH", port: 22, flows: 10, bytes: 640, deny: true},
	// Prev: one SMB connection to FS1.
	{at: prev, src: "WS1", dst: "FS1", service: "SMB", port: 445, flows: 1, bytes: 500},
}

func (c conn) record(inv *inventory.Inventory) flow.Record {
	r := flow.Record{Start: c.at, End: c.at.Add(time.Second), SrcPort: c.srcPort, DstPort: c.port, Proto: flow.ProtoTCP,
		Flows: c.flows, Bytes: c.bytes, Packets: c.bytes/100 + 1, Action: flow.Allow,
		Format: "aws-vpc", Cloud: "azure", Region: "eastus", Service: c.service, Category: "internal"}
	if r.SrcPort == 0 {
		r.SrcPort = 50123
	}
	// As enrichment sets it: the server's port, an answer's source port.
	r.ServicePort = r.DstPort
	if r.DstPort >= 32768 && r.SrcPort < 32768 {
		r.ServicePort, r.Answer = r.SrcPort, true
	}
	if c.deny {
		r.Action = flow.Deny
	}
	if s, ok := catalog[c.service]; ok {
		r.ServiceRisk, r.ServiceCategory = s.risk, s.category
	}
	side := func(name, internal string, p peer, ip *netip.Addr, sd *flow.Side) bool {
		switch {
		case name != "":
			w := inv.ByName(name)
			*ip = w.IPs[0]
			*sd = flow.Side{Workload: w.Name, Kind: w.Kind, Role: w.Role, App: w.App, Env: w.Env, Loc: w.Loc,
				Zone: "Internal Azure", Region: w.Region}
			return true
		case internal != "":
			*ip = netip.MustParseAddr(internal)
			*sd = flow.Side{Zone: "Internal Azure", Region: "eastus"}
			return true
		}
		*ip = netip.MustParseAddr(p.ip)
		*sd = flow.Side{Zone: p.zone, Country: p.country, Threat: flow.Threat{Feeds: p.feeds}}
		return false
	}
	srcIn := side(c.src, c.srcInternalAddress, c.srcPeer, &r.SrcIP, &r.Src)
	dstIn := side(c.dst, c.dstInternalAddress, c.dstPeer, &r.DstIP, &r.Dst)
	switch {
	case srcIn && dstIn:
		r.Direction = flow.Internal
	case srcIn:
		r.Direction, r.Category = flow.Outbound, c.dstCategory
	default:
		r.Direction = flow.Inbound
	}
	return r
}

// openEstate writes the scripted estate into a store in t.TempDir(), rolled up
// when rollup is set, and returns Maps over it.
func openEstate(t testing.TB, rollup bool) (*Maps, *duckdb.Store) {
	t.Helper()
	inv, err := inventory.Load("testdata/estate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var recs []flow.Record
	for _, c := range scripted {
		recs = append(recs, c.record(inv))
	}
	st := writeStore(t, recs, rollup)
	m, err := New(Configuration{Now: func() time.Time { return until }}, Dependencies{Flows: st, Workloads: inv})
	if err != nil {
		t.Fatal(err)
	}
	return m, st
}

func writeStore(t testing.TB, recs []flow.Record, rollup bool) *duckdb.Store {
	t.Helper()
	ctx := context.Background()
	st, err := duckdb.Open(ctx, slog.New(slog.DiscardHandler), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w, err := st.NewWriter(ctx)
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
	if rollup {
		if _, err := st.Rollup(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// describe writes a map as lines a test can compare: nodes, edges, paths.
func describe(m *Map) []string {
	var out []string
	for _, n := range m.Nodes {
		s := fmt.Sprintf("node %s depth=%d", n.ID, n.Depth)
		if n.Hidden > 0 {
			s += fmt.Sprintf(" hidden=%d", n.Hidden)
		}
		if n.Threat != "" || n.Country != "" {
			s += fmt.Sprintf(" country=%s threat=%s", n.Country, n.Threat)
		}
		out = append(out, s)
	}
	for _, e := range m.Edges {
		var svcs []string
		for _, s := range e.Services {
			ports := make([]string, len(s.Ports))
			for i, p := range s.Ports {
				ports[i] = fmt.Sprint(p)
			}
			svcs = append(svcs, fmt.Sprintf("%s/%s[%s]", s.Name, s.Proto, strings.Join(ports, ",")))
		}
		s := fmt.Sprintf("edge %s -> %s flows=%d bytes=%d rev=%d allowed=%d denied=%d %s",
			e.From, e.To, e.Flows, e.Bytes, e.BytesRev, e.Allowed, e.Denied, strings.Join(svcs, " "))
		if e.Lateral {
			s += " lateral"
		}
		out = append(out, s)
	}
	for _, p := range m.Paths {
		out = append(out, fmt.Sprintf("path %s via %s", strings.Join(p.Hops, " > "), strings.Join(p.Services, ",")))
	}
	out = append(out, "blast radius "+strings.Join(m.BlastRadius, ","))
	return out
}
