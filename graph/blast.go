package graph

import (
	"cmp"
	"slices"
	"strings"
)

// blastRadius follows, from root, the edges between workloads that carry an
// allowed lateral-movement or remote-access flow, source to destination, breadth
// first: the workloads it reaches are the blast radius, and the first way it
// reached each is its path.
func blastRadius(root string, nodes []Node, edges []Edge) ([]Path, []string) {
	workload := map[string]bool{}
	for _, n := range nodes {
		workload[n.ID] = n.Type == NodeWorkload
	}
	type hop struct{ to, service string }
	out := map[string][]hop{}
	for _, e := range edges {
		if !e.Lateral || !workload[e.From] || !workload[e.To] || e.From == e.To {
			continue
		}
		// The edge's services come busiest first: the first allowed lateral one names the hop.
		for _, s := range e.Services {
			if isLateral(s.Category) && s.Allowed > 0 {
				out[e.From] = append(out[e.From], hop{e.To, s.Name})
				break
			}
		}
	}
	for _, hs := range out {
		slices.SortFunc(hs, func(a, b hop) int { return cmp.Compare(a.to, b.to) })
	}
	type via struct{ from, service string }
	reached := map[string]via{root: {}}
	queue := []string{root}
	var order []string
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, h := range out[n] {
			if _, ok := reached[h.to]; ok {
				continue
			}
			reached[h.to] = via{n, h.service}
			order = append(order, h.to)
			queue = append(queue, h.to)
		}
	}
	paths := make([]Path, 0, len(order))
	radius := make([]string, 0, len(order))
	for _, id := range order {
		p := Path{To: id}
		for at := id; at != root; at = reached[at].from {
			p.Hops = append(p.Hops, at)
			p.Services = append(p.Services, reached[at].service)
		}
		p.Hops = append(p.Hops, root)
		slices.Reverse(p.Hops)
		slices.Reverse(p.Services)
		paths = append(paths, p)
		radius = append(radius, strings.TrimPrefix(id, NodeWorkload+"/"))
	}
	slices.SortStableFunc(paths, func(a, b Path) int { return cmp.Or(cmp.Compare(len(a.Hops), len(b.Hops)), cmp.Compare(a.To, b.To)) })
	slices.Sort(radius)
	return paths, radius
}
