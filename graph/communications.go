package graph

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/weirhq/weir/store/duckdb"
)

// Groups a communications map can be drawn by.
var Groups = []string{"role", "app", "workload", "zone"}

// Communications draws the estate's traffic grouped by one attribute on both ends
// (src.role → dst.role, ...; group is role, app, workload or zone), in one
// aggregate query. An end without the attribute (an address outside the
// inventory) is grouped by its zone when that is external (Internet, AWS...) and
// as "Unknown" when it is internal. Each node keeps its p.Limit busiest edges (an
// edge stays when either end keeps it); p.Depth is not used. An edge is lateral
// when both ends are internal and it carries a lateral-movement or remote-access
// service; a communications map has no blast radius.
func (m *Maps) Communications(ctx context.Context, group string, p Params) (*Map, error) {
	if !slices.Contains(Groups, group) {
		return nil, fmt.Errorf("group %q: want one of %s: %w", group, strings.Join(Groups, ", "), ErrInvalid)
	}
	p.Depth = 1 // not used here; keeps withDefaults from objecting
	p, err := m.withDefaults(p)
	if err != nil {
		return nil, err
	}
	if err := checkFilter(p.Q); err != nil {
		return nil, err
	}
	from, until := p.Until.Add(-p.Window), p.Until
	by := []string{"src." + group, "dst." + group, "service", "service.category", "proto", "service.port", "answer", "action"}
	if group != "zone" {
		by = append(by, "src.zone", "dst.zone")
	}
	q := duckdb.AggregateQuery{From: from, Until: until, By: by, Limit: maxRows}
	if strings.TrimSpace(p.Q) != "" {
		c, err := compile(p.Q)
		if err != nil {
			return nil, err
		}
		q.Where, q.Args, q.Columns = c.Where, c.Args, c.Columns
	}
	rows, _, err := m.deps.Flows.Aggregate(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("communications map by %s: %w", group, err)
	}
	mp := &Map{From: from, Until: until, Queries: 1, Truncated: len(rows) == maxRows,
		Paths: []Path{}, BlastRadius: []string{}}

	nodes := map[string]*Node{}
	internal := map[string]bool{}
	facts := make([]fact, len(rows))
	ends := make([][2]string, len(rows))
	for i, r := range rows {
		facts[i] = readFact(r, group)
	}
	byFlowsFirst(facts)
	set := newEdgeSet()
	for i := range facts {
		f := &facts[i]
		for j, e := range []end{f.src, f.dst} {
			n, in := groupNode(group, e)
			if nodes[n.ID] == nil {
				nodes[n.ID], internal[n.ID] = &n, in
			}
			internal[n.ID] = internal[n.ID] && in
			ends[i][j] = n.ID
		}
		set.add(ends[i][0], ends[i][1], f)
	}
	all := set.sorted()

	// Each node keeps its busiest edges; an edge stays when either end keeps it.
	rank := map[string]int{}
	keep := make([]bool, len(all))
	for i, e := range all { // busiest first
		for _, id := range []string{e.From, e.To} {
			if rank[id] < p.Limit {
				keep[i] = true
			}
		}
		rank[e.From]++
		if e.To != e.From {
			rank[e.To]++
		}
	}
	used := map[string]bool{}
	mp.Edges = []Edge{}
	for i, e := range all {
		if !keep[i] {
			continue
		}
		e.Lateral = internal[e.From] && internal[e.To] && slices.ContainsFunc(e.Services, func(s Service) bool { return isLateral(s.Category) })
		mp.Edges = append(mp.Edges, e)
		used[e.From], used[e.To] = true, true
	}
	kept := map[string]int{}
	for _, e := range mp.Edges {
		kept[e.From]++
		if e.To != e.From {
			kept[e.To]++
		}
	}
	mp.Nodes = []Node{}
	for _, id := range slices.Sorted(maps.Keys(used)) {
		n := *nodes[id]
		n.Hidden = rank[id] - kept[id]
		mp.Nodes = append(mp.Nodes, n)
	}
	return mp, nil
}

// groupNode is the node of one end of a communications map, and whether it is internal.
func groupNode(group string, e end) (Node, bool) {
	if group == "zone" {
		z := cmp.Or(e.zone, "Unknown")
		return Node{ID: "zone/" + z, Type: NodeGroup, Label: z, Zone: e.zone, Depth: -1}, strings.HasPrefix(z, "Internal")
	}
	if e.group != "" {
		n := Node{ID: group + "/" + e.group, Type: NodeGroup, Label: e.group, Depth: -1}
		return n, true // only inventory workloads have a workload, role or app
	}
	if e.zone == "" || strings.HasPrefix(e.zone, "Internal") {
		// An internal address outside the inventory, or an end nothing is known of.
		return Node{ID: group + "/Unknown", Type: NodeGroup, Label: "Unknown", Depth: -1}, e.zone != ""
	}
	return Node{ID: NodeExternal + "/" + e.zone, Type: NodeExternal, Label: e.zone, Zone: e.zone, Depth: -1}, false
}
