package graph

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/weirhq/weir/store/duckdb"
)

// end is what an aggregate row says of one side of its flows.
type end struct {
	workload, ip, zone, country, threat, group string
}

// fact is one aggregate row: a group of flows with the same ends and service.
type fact struct {
	src, dst                         end
	direction                        string
	service, category, proto, action string
	port                             uint16
	answer                           bool // the server's half of connections (formats that log each direction)
	flows, bytes, bytesRev, packets  uint64
}

// readFact reads the keys and measures of an aggregate row; a key the query did
// not group by is empty.
func readFact(r duckdb.Row, group string) fact {
	side := func(s string) end {
		e := end{workload: text(r, s+".workload"), ip: address(text(r, s+".ip")), zone: text(r, s+".zone"),
			country: text(r, s+".country"), threat: text(r, s+".threat")}
		if group != "" {
			e.group = text(r, s+"."+group)
		}
		return e
	}
	f := fact{src: side("src"), dst: side("dst"), direction: text(r, "direction"),
		service: text(r, "service"), category: text(r, "service.category"), proto: text(r, "proto"),
		action: text(r, "action"),
		flows:  number(r, "flows"), bytes: number(r, "bytes"), bytesRev: number(r, "bytes_rev"), packets: number(r, "packets")}
	if p, ok := r["service.port"].(uint16); ok {
		f.port = p
	}
	f.answer, _ = r["answer"].(bool)
	return f
}

func text(r duckdb.Row, k string) string {
	s, _ := r[k].(string)
	return s
}

func number(r duckdb.Row, k string) uint64 {
	switch v := r[k].(type) {
	case uint64:
		return v
	case int64:
		return uint64(max(v, 0))
	}
	return 0
}

// address shows an address as users write it: IPv4 without its IPv4-mapped IPv6 form.
func address(s string) string {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().String()
	}
	return s
}

// lateralCategories are the service categories (enrich/services) an attacker moves
// through once inside: SMB, RPC, WinRM (lateral movement); RDP, SSH, VNC,
// RustDesk, AnyDesk... (remote access).
var lateralCategories = []string{"lateral movement", "remote access"}

func isLateral(category string) bool {
	for _, c := range lateralCategories {
		if strings.EqualFold(c, category) {
			return true
		}
	}
	return false
}

// maxPorts bounds the ports listed for one service of an edge (a scan would list thousands).
const maxPorts = 16

// edgeSet accumulates facts into directed edges.
type edgeSet struct {
	m map[[2]string]*Edge
}

func newEdgeSet() *edgeSet { return &edgeSet{m: map[[2]string]*Edge{}} }

// add counts f on the edge from → to. A group of answers (the server's half of a
// connection, which AWS, GCP and NetFlow log as a record of its own) adds its
// bytes to the reverse edge's bytes_rev when that edge exists, so a connection is
// one edge whatever the format; callers add such facts last.
func (s *edgeSet) add(from, to string, f *fact) {
	if f.answer {
		if rev := s.m[[2]string{to, from}]; rev != nil {
			rev.BytesRev += f.bytes
			rev.Bytes += f.bytesRev
			return
		}
	}
	e := s.m[[2]string{from, to}]
	if e == nil {
		e = &Edge{From: from, To: to}
		s.m[[2]string{from, to}] = e
	}
	e.Flows += f.flows
	e.Bytes += f.bytes
	e.BytesRev += f.bytesRev
	e.Packets += f.packets
	var allowed, denied uint64
	switch f.action {
	case "allow":
		allowed = f.flows
	case "deny":
		denied = f.flows
	}
	e.Allowed += allowed
	e.Denied += denied
	i := slices.IndexFunc(e.Services, func(sv Service) bool { return sv.Name == f.service && sv.Proto == f.proto })
	if i < 0 {
		e.Services = append(e.Services, Service{Name: f.service, Category: f.category, Proto: f.proto, Ports: []uint16{}})
		i = len(e.Services) - 1
	}
	sv := &e.Services[i]
	sv.Flows += f.flows
	sv.Bytes += f.bytes
	sv.Allowed += allowed
	sv.Denied += denied
	if f.flows > 0 && len(sv.Ports) < maxPorts {
		if j, found := slices.BinarySearch(sv.Ports, f.port); !found {
			sv.Ports = slices.Insert(sv.Ports, j, f.port)
		}
	}
}

// sorted returns the edges busiest first, services busiest first.
func (s *edgeSet) sorted() []Edge {
	out := make([]Edge, 0, len(s.m))
	for _, e := range s.m {
		slices.SortFunc(e.Services, func(a, b Service) int {
			return cmp.Or(cmp.Compare(b.Flows, a.Flows), cmp.Compare(b.Bytes, a.Bytes),
				cmp.Compare(a.Name, b.Name), cmp.Compare(a.Proto, b.Proto))
		})
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b Edge) int {
		return cmp.Or(cmp.Compare(b.Flows, a.Flows), cmp.Compare(b.Bytes, a.Bytes),
			cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
	return out
}

// byFlowsFirst orders facts with the requests before the answers, which
// edgeSet.add folds into the reverse edge.
func byFlowsFirst(facts []fact) {
	slices.SortStableFunc(facts, func(a, b fact) int { return cmp.Compare(answerRank(a), answerRank(b)) })
}

func answerRank(f fact) int {
	if f.answer {
		return 1
	}
	return 0
}
