package graph

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/weirhq/weir/store/duckdb"
)

// maxRows caps the rows of one aggregate query. The rows come busiest first, so
// what a cap leaves out is the smallest traffic; the map says Truncated.
const maxRows = 20_000

// Resource draws the map around one workload: its neighbours, theirs, and so on
// out to p.Depth hops, following traffic in both directions.
//
// Nodes are workloads (by name), addresses without a workload (internal ones, and
// external ones a threat feed lists, which an analyst wants one by one), and the
// other internet peers grouped: by zone when it is a provider's (AWS, OCI,
// DigitalOcean...), by country for the rest of the Internet, so that the map of an
// internet-facing host stays small. Only workloads are expanded to the next hop.
//
// Each level keeps, for each workload it expands, the p.Limit new neighbours with
// the most flows, neighbours over a lateral-movement edge first: the cap never
// hides a lateral path unless there are more than p.Limit of them. Neighbours
// already on the map cost nothing. A level is two aggregate queries whatever its
// width: the internal (and listed) peers by address, the other external peers by
// zone and country.
//
// Lateral movement: an edge is lateral when both ends are internal and it carries a
// service whose category is lateral movement or remote access (SMB, RPC, WinRM;
// RDP, SSH, VNC, RustDesk, AnyDesk, TeamViewer...). The blast radius is the set of
// workloads reachable from the resource by following lateral edges between
// workloads, from source to destination, each with at least one allowed flow over
// such a service — within the map's depth and window. Paths gives the shortest
// such path to each of them.
func (m *Maps) Resource(ctx context.Context, workload string, p Params) (*Map, error) {
	p, err := m.withDefaults(p)
	if err != nil {
		return nil, err
	}
	if err := checkFilter(p.Q); err != nil {
		return nil, err
	}
	from, until := p.Until.Add(-p.Window), p.Until
	mp := &Map{From: from, Until: until, Nodes: []Node{}, Edges: []Edge{}, Paths: []Path{}, BlastRadius: []string{}}
	if err := m.known(ctx, workload, from, until, mp); err != nil {
		return nil, err
	}
	b := &resourceBuilder{m: m, p: p, nodes: map[string]*Node{}, internal: map[string]bool{},
		expanded: map[string]bool{}, workloads: map[string]Node{}, edges: newEdgeSet()}
	root := m.workloadNode(workload, 0)
	b.nodes[root.ID], b.internal[root.ID] = &root, true
	frontier := []string{workload}
	for d := 1; d <= p.Depth && len(frontier) > 0; d++ {
		links, truncated, err := b.fetch(ctx, frontier, from, until)
		if err != nil {
			return nil, err
		}
		mp.Queries += 2
		mp.Truncated = mp.Truncated || truncated
		for _, w := range frontier {
			b.expanded[workloadID(w)] = true
		}
		frontier = b.grow(links, frontier, d)
	}
	for _, id := range slices.Sorted(maps.Keys(b.nodes)) {
		mp.Nodes = append(mp.Nodes, *b.nodes[id])
	}
	slices.SortStableFunc(mp.Nodes, func(a, b Node) int { return cmp.Compare(a.Depth, b.Depth) })
	mp.Edges = b.edges.sorted()
	for i := range mp.Edges {
		e := &mp.Edges[i]
		e.Lateral = b.internal[e.From] && b.internal[e.To] && slices.ContainsFunc(e.Services, func(s Service) bool { return isLateral(s.Category) })
	}
	mp.Paths, mp.BlastRadius = blastRadius(root.ID, mp.Nodes, mp.Edges)
	return mp, nil
}

// known checks that the inventory or the window's flows name the workload.
func (m *Maps) known(ctx context.Context, workload string, from, until time.Time, mp *Map) error {
	if m.deps.Workloads != nil && m.deps.Workloads.ByName(workload) != nil {
		return nil
	}
	c, err := compile("workload = " + strconv.Quote(workload))
	if err != nil {
		return err
	}
	rows, _, err := m.deps.Flows.Aggregate(ctx, duckdb.AggregateQuery{From: from, Until: until,
		Where: c.Where, Args: c.Args, Columns: c.Columns, Limit: 1})
	if mp != nil {
		mp.Queries++
	}
	if err != nil {
		return fmt.Errorf("look up workload %q: %w", workload, err)
	}
	if len(rows) == 0 || number(rows[0], "records") == 0 {
		return fmt.Errorf("workload %q: not in the inventory nor in the flows from %s to %s: %w",
			workload, from.Format(time.RFC3339), until.Format(time.RFC3339), ErrUnknownWorkload)
	}
	return nil
}

// resourceBuilder grows a resource map level by level.
type resourceBuilder struct {
	m         *Maps
	p         Params
	nodes     map[string]*Node
	internal  map[string]bool // node id → inside the estate
	expanded  map[string]bool // workload node ids whose traffic has been read
	workloads map[string]Node // name → node, from the inventory
	edges     *edgeSet
}

// link is a fact between two nodes, with what the fact says of them.
type link struct {
	from, to     Node
	fromIn, toIn bool // internal
	f            fact
}

// Keys of the two queries of a level.
var (
	internalKeys = []string{"src.workload", "src.ip", "src.zone", "src.country", "src.threat",
		"dst.workload", "dst.ip", "dst.zone", "dst.country", "dst.threat",
		"direction", "service", "service.category", "proto", "service.port", "answer", "action"}
	externalKeys = []string{"src.workload", "src.zone", "src.country", "dst.workload", "dst.zone", "dst.country",
		"direction", "service", "service.category", "proto", "service.port", "answer", "action"}
)

// fetch reads the traffic of the frontier's workloads but that with workloads
// already expanded (read at an earlier level, so it is on the map already).
func (b *resourceBuilder) fetch(ctx context.Context, frontier []string, from, until time.Time) ([]link, bool, error) {
	names := list(frontier)
	touch := fmt.Sprintf("src.workload in %[1]s or dst.workload in %[1]s", names)
	var seen []string
	for id := range b.expanded {
		seen = append(seen, b.nodes[id].Label)
	}
	slices.Sort(seen)
	var skip string
	if len(seen) > 0 {
		skip = fmt.Sprintf("not src.workload in %[1]s and not dst.workload in %[1]s", list(seen))
	}
	// Internal peers, and external ones a feed lists, one node per address; the
	// other external peers by zone and country.
	const (
		byAddress = "direction = internal or (direction = outbound and dst.threat = any) or (direction = inbound and src.threat = any)"
		byGroup   = "(direction = outbound and dst.threat = none) or (direction = inbound and src.threat = none)"
	)
	// The two queries are independent: run them together, read them in order.
	queries := []struct {
		filter string
		keys   []string
		rows   []duckdb.Row
		err    error
	}{{filter: byAddress, keys: internalKeys}, {filter: byGroup, keys: externalKeys}}
	var wg sync.WaitGroup
	for i := range queries {
		qq := &queries[i]
		c, err := compile(and(touch, skip, qq.filter, b.p.Q))
		if err != nil {
			return nil, false, err
		}
		wg.Go(func() {
			qq.rows, _, qq.err = b.m.deps.Flows.Aggregate(ctx, duckdb.AggregateQuery{From: from, Until: until,
				Where: c.Where, Args: c.Args, Columns: c.Columns, By: qq.keys, Limit: maxRows})
		})
	}
	wg.Wait()
	var links []link
	truncated := false
	for i, qq := range queries {
		if qq.err != nil {
			return nil, false, fmt.Errorf("resource map of %s: %w", frontier[0], qq.err)
		}
		truncated = truncated || len(qq.rows) == maxRows
		for _, r := range qq.rows {
			f := readFact(r, "")
			l := link{f: f}
			if i == 0 {
				l.fromIn = f.direction == "internal" || f.direction == "outbound"
				l.toIn = f.direction == "internal" || f.direction == "inbound"
				l.from, l.to = b.addressNode(f.src, l.fromIn), b.addressNode(f.dst, l.toIn)
			} else {
				switch {
				case f.src.workload != "" && f.dst.workload == "":
					l.from, l.fromIn, l.to = b.workload(f.src.workload), true, externalNode(f.dst)
				case f.dst.workload != "" && f.src.workload == "":
					l.from, l.to, l.toIn = externalNode(f.src), b.workload(f.dst.workload), true
				default:
					continue // a workload on both ends is internal traffic, read by the first query
				}
			}
			if b.expanded[l.from.ID] || b.expanded[l.to.ID] {
				continue
			}
			links = append(links, l)
		}
	}
	return links, truncated, nil
}

// grow adds a level: for each frontier workload its top new neighbours, then
// every link whose two ends are on the map. It returns the next frontier.
func (b *resourceBuilder) grow(links []link, frontier []string, depth int) []string {
	type peer struct {
		node    Node
		in      bool
		flows   uint64
		bytes   uint64
		lateral bool
	}
	peers := map[string]map[string]*peer{} // frontier node id → new neighbour id → score
	for _, w := range frontier {
		peers[workloadID(w)] = map[string]*peer{}
	}
	note := func(self string, other Node, otherIn bool, f *fact, lateral bool) {
		ps := peers[self]
		if ps == nil || other.ID == self || b.nodes[other.ID] != nil {
			return
		}
		p := ps[other.ID]
		if p == nil {
			p = &peer{node: other, in: otherIn}
			ps[other.ID] = p
		}
		p.flows += f.flows
		p.bytes += f.bytes + f.bytesRev
		p.lateral = p.lateral || lateral
	}
	for i := range links {
		l := &links[i]
		lateral := l.fromIn && l.toIn && isLateral(l.f.category)
		note(l.from.ID, l.to, l.toIn, &l.f, lateral)
		note(l.to.ID, l.from, l.fromIn, &l.f, lateral)
	}
	var next []string
	for _, w := range frontier {
		self := workloadID(w)
		ranked := slices.Collect(maps.Values(peers[self]))
		slices.SortFunc(ranked, func(a, b *peer) int {
			if a.lateral != b.lateral {
				if a.lateral {
					return -1
				}
				return 1
			}
			return cmp.Or(cmp.Compare(b.flows, a.flows), cmp.Compare(b.bytes, a.bytes), cmp.Compare(a.node.ID, b.node.ID))
		})
		kept := 0
		for _, p := range ranked {
			if b.nodes[p.node.ID] != nil { // kept by another frontier workload of this level
				continue
			}
			if kept == b.p.Limit {
				b.nodes[self].Hidden++
				continue
			}
			kept++
			n := p.node
			n.Depth = depth
			b.nodes[n.ID], b.internal[n.ID] = &n, p.in
			if n.Type == NodeWorkload {
				next = append(next, n.Label)
			}
		}
	}
	connectionsFirst(links)
	for i := range links {
		l := &links[i]
		if b.nodes[l.from.ID] != nil && b.nodes[l.to.ID] != nil {
			b.edges.add(l.from.ID, l.to.ID, &l.f)
		}
	}
	slices.Sort(next)
	return next
}

// connectionsFirst orders links with the requests before the answers, which
// edgeSet.add folds into the reverse edge.
func connectionsFirst(links []link) {
	slices.SortStableFunc(links, func(a, b link) int { return cmp.Compare(answerRank(a.f), answerRank(b.f)) })
}

func workloadID(name string) string { return NodeWorkload + "/" + name }

// workloadNode is a workload's node, with what the inventory says of it.
func (m *Maps) workloadNode(name string, depth int) Node {
	n := Node{ID: workloadID(name), Type: NodeWorkload, Label: name, Depth: depth}
	if m.deps.Workloads == nil {
		return n
	}
	if w := m.deps.Workloads.ByName(name); w != nil {
		n.Kind, n.Cloud, n.Region = w.Kind, w.Cloud, w.Region
		if len(w.Labels) > 0 {
			n.Labels = maps.Clone(w.Labels)
		}
		for _, a := range w.IPs {
			if n.IP != "" {
				break // the first address; the resource page lists them all
			}
			n.IP = a.Unmap().String()
		}
	}
	return n
}

// workload is a workload's node, looked up in the inventory once per map.
func (b *resourceBuilder) workload(name string) Node {
	n, ok := b.workloads[name]
	if !ok {
		n = b.m.workloadNode(name, -1)
		b.workloads[name] = n
	}
	return n
}

// addressNode is a workload's node when the side has one, else the address's.
func (b *resourceBuilder) addressNode(e end, internal bool) Node {
	if e.workload != "" {
		return b.workload(e.workload)
	}
	n := Node{ID: NodeIP + "/" + e.ip, Type: NodeIP, Label: e.ip, IP: e.ip, Zone: e.zone, Threat: e.threat, Depth: -1}
	if !internal {
		n.Country = e.country
	}
	return n
}

// externalNode groups an unlisted external peer: by its zone when that is a
// provider's, by country on the rest of the Internet.
func externalNode(e end) Node {
	if e.zone != "" && e.zone != "Internet" {
		return Node{ID: NodeExternal + "/" + e.zone, Type: NodeExternal, Label: e.zone, Zone: e.zone, Depth: -1}
	}
	n := Node{ID: NodeExternal + "/Internet", Type: NodeExternal, Label: "Internet", Zone: "Internet", Depth: -1}
	if e.country != "" {
		n.ID += "/" + e.country
		n.Label += " " + e.country
		n.Country = e.country
	}
	return n
}
