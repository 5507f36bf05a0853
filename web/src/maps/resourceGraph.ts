// The Resource Traffic Map's ECharts option, as a pure function of the API's map
// (GET /api/v1/maps/resource/{workload}): the workload in the centre, its
// neighbours on rings by hops, grouped on each ring by role (workloads) or kind
// (addresses, internet peers); edges coloured allowed / denied / mixed; the
// lateral-movement paths of the blast radius drawn over the rest.

import { COLOURS, PALETTE, edgeState, edgeTooltip, esc, graphOption, idName, traffic, type EdgeState } from './graph'
import type { GraphMap, MapEdge, MapNode } from './types'
import { count, bytes } from '../lib/format'

export const LISTED = 'listed address'
export const ADDRESS = 'other address'
export const EXTERNAL = 'internet / cloud'
export const NO_ROLE = 'no role'

// category is the group a node is drawn and placed with.
export function category(n: MapNode): string {
  if (n.type === 'workload') return n.labels?.role || NO_ROLE
  if (n.type === 'ip') return n.threat ? LISTED : ADDRESS
  return EXTERNAL
}

const FIXED: Record<string, string> = { [LISTED]: '#b42318', [ADDRESS]: '#64748b', [EXTERNAL]: '#94a3b8', [NO_ROLE]: '#a3a3a3' }

export interface Placed {
  x: number
  y: number
  angle: number // radians, screen coordinates (y down); 0 for the centre
  ring: number
  dense: boolean // its ring is crowded: the label runs along the radius
}

const BASE = 160 // distance between rings
const GAP = 36 // least distance between neighbours on a ring

// layout places the root in the centre and every other node on the ring of its
// depth; on a ring, nodes follow the category order (biggest category first,
// the same on every ring, so that a role keeps its side), then their names.
export function layout(nodes: MapNode[], root: string): Map<string, Placed> {
  const out = new Map<string, Placed>()
  const maxDepth = Math.max(0, ...nodes.map((n) => n.depth))
  const ringOf = (n: MapNode) => (n.id === root ? 0 : n.depth > 0 ? n.depth : maxDepth + 1)
  const sizes = new Map<string, number>()
  for (const n of nodes) if (n.id !== root) sizes.set(category(n), (sizes.get(category(n)) ?? 0) + 1)
  const order = [...sizes.keys()].sort((a, b) => sizes.get(b)! - sizes.get(a)! || a.localeCompare(b))
  const rank = new Map(order.map((c, i) => [c, i]))
  const rings = new Map<number, MapNode[]>()
  for (const n of nodes) {
    const r = ringOf(n)
    if (!rings.has(r)) rings.set(r, [])
    rings.get(r)!.push(n)
  }
  let radius = 0
  for (const r of [...rings.keys()].sort((a, b) => a - b)) {
    const ring = rings.get(r)!
    if (r === 0) {
      ring.forEach((n) => out.set(n.id, { x: 0, y: 0, angle: 0, ring: 0, dense: false }))
      continue
    }
    ring.sort((a, b) => rank.get(category(a))! - rank.get(category(b))! || a.label.localeCompare(b.label, undefined, { numeric: true }))
    radius = Math.max(radius + BASE * 0.8, r * BASE, (ring.length * GAP) / (2 * Math.PI))
    const dense = ring.length > 14
    ring.forEach((n, i) => {
      // Start at the top; a lone node sits straight above the centre.
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / ring.length + (ring.length > 1 ? Math.PI / ring.length : 0)
      out.set(n.id, { x: radius * Math.cos(angle), y: radius * Math.sin(angle), angle, ring: r, dense })
    })
  }
  return out
}

// pathEdges are the edges of the lateral-movement paths: "from→to".
export function pathEdges(map: Pick<GraphMap, 'paths'>): Set<string> {
  const s = new Set<string>()
  for (const p of map.paths ?? []) for (let i = 1; i < p.hops.length; i++) s.add(p.hops[i - 1] + '→' + p.hops[i])
  return s
}

export interface ResourceGraph {
  option: Record<string, unknown>
  nodes: MapNode[] // by the series' dataIndex
  edges: MapEdge[]
  categories: { name: string; color: string }[]
  states: Record<EdgeState, number> // edges of each colour
}

const deg = (rad: number) => (rad * 180) / Math.PI

// size is a node's symbol size from its traffic.
function size(flows: number): number {
  return Math.round(Math.min(26, 9 + 3.2 * Math.log10(1 + flows)))
}

export function buildResourceGraph(map: GraphMap, workload: string): ResourceGraph {
  const root = 'workload/' + workload
  const nodes = map.nodes
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const index = new Map(nodes.map((n, i) => [n.id, i]))
  const place = layout(nodes, root)
  const load = traffic(map.edges)
  const radius = new Set((map.blast_radius ?? []).map((w) => 'workload/' + w))
  const onPath = pathEdges(map)

  const names = [...new Set(nodes.filter((n) => n.id !== root).map(category))].sort((a, b) => {
    const fa = a in FIXED ? 1 : 0
    const fb = b in FIXED ? 1 : 0
    return fa - fb || a.localeCompare(b)
  })
  let next = 0
  const categories = names.map((name) => ({ name, color: FIXED[name] ?? PALETTE[next++ % PALETTE.length] }))
  const catIndex = new Map(categories.map((c, i) => [c.name, i]))
  const rootCat = categories.length // the workload itself: a category of its own, out of the legend
  categories.push({ name: workload, color: COLOURS.ink })

  const data = nodes.map((n) => {
    const p = place.get(n.id)!
    const isRoot = n.id === root
    const left = Math.cos(p.angle) < -1e-9
    const label = isRoot
      ? { position: 'bottom', fontWeight: 'bold', fontSize: 13, distance: 8 }
      : p.dense
        ? { position: left ? 'left' : 'right', rotate: deg(left ? Math.PI - p.angle : -p.angle), fontSize: 10 }
        : { position: left ? 'left' : Math.abs(Math.cos(p.angle)) < 0.2 ? (Math.sin(p.angle) < 0 ? 'top' : 'bottom') : 'right', fontSize: 11 }
    const inRadius = radius.has(n.id)
    return {
      name: n.id,
      x: p.x,
      y: p.y,
      category: isRoot ? rootCat : catIndex.get(category(n)),
      symbol: n.type === 'ip' ? 'diamond' : n.type === 'external' ? 'roundRect' : 'circle',
      symbolSize: isRoot ? 34 : size(load.get(n.id)?.flows ?? 0),
      itemStyle: isRoot
        ? { borderColor: inRadius ? COLOURS.path : '#ffffff', borderWidth: 3, shadowBlur: 8, shadowColor: 'rgba(15,27,42,.35)' }
        : inRadius
          ? { borderColor: COLOURS.path, borderWidth: 3.5 }
          : { borderColor: '#ffffff', borderWidth: 1 },
      label: { ...label, color: inRadius ? COLOURS.path : COLOURS.ink, fontWeight: isRoot || inRadius ? 'bold' : 'normal' },
    }
  })

  const states: Record<EdgeState, number> = { allowed: 0, denied: 0, mixed: 0, unknown: 0 }
  const dim = onPath.size > 0
  // Edges by the series' dataIndex: only those whose two ends are on the map.
  // The paths' edges come last, so that they are drawn over the others (and take the clicks there).
  const edges = map.edges
    .filter((e) => index.has(e.from) && index.has(e.to))
    .sort((a, b) => Number(onPath.has(a.from + '→' + a.to)) - Number(onPath.has(b.from + '→' + b.to)))
  const maxFlows = Math.max(1, ...edges.map((e) => e.flows))
  const links = edges.map((e) => {
    const st = edgeState(e)
    states[st]++
    const path = onPath.has(e.from + '→' + e.to)
    const w = 0.6 + 3 * (Math.log10(1 + e.flows) / Math.log10(1 + maxFlows))
    return {
      source: index.get(e.from),
      target: index.get(e.to),
      value: e.flows,
      lineStyle: path
        ? { color: COLOURS.path, width: Math.max(3.5, w + 1.5), opacity: 0.95, type: 'solid', curveness: 0.12 }
        : {
            color: COLOURS[st],
            width: w,
            opacity: dim ? 0.28 : e.from === root || e.to === root ? 0.75 : 0.45,
            type: e.lateral ? [5, 3] : 'solid',
            curveness: 0.12,
          },
      symbol: ['none', 'arrow'],
      symbolSize: path ? 9 : 5,
    }
  })

  const nodeTooltip = (n: MapNode) => {
    const bits: string[] = [`<b>${esc(n.label)}</b>`]
    if (n.type === 'workload') {
      bits.push(esc([n.kind, n.labels?.role ? 'role ' + n.labels.role : '', n.cloud, n.region].filter(Boolean).join(' · ')))
      if (n.ip) bits.push(esc(n.ip))
    } else if (n.type === 'ip') {
      bits.push(esc([n.zone, n.country].filter(Boolean).join(' · ')))
      if (n.threat) bits.push(`<span style="color:${COLOURS.denied}">listed by ${esc(n.threat)}</span>`)
    } else bits.push(esc(n.country ? `internet peers in ${n.country}` : `peers in ${n.zone || n.label}`))
    const t = load.get(n.id)
    if (t) bits.push(`${count(t.flows)} flows · ${bytes(t.bytes)} on this map`)
    bits.push(n.id === root ? 'the workload itself' : `${n.depth} hop${n.depth === 1 ? '' : 's'} away`)
    if (radius.has(n.id)) bits.push(`<span style="color:${COLOURS.path}">in the blast radius</span>`)
    if (n.hidden) bits.push(`${n.hidden} more neighbour${n.hidden === 1 ? '' : 's'} not drawn`)
    bits.push(`<span style="color:${COLOURS.muted}">click: ${n.type === 'workload' ? 'its resource page' : 'its flows in the Traffic Query'}</span>`)
    return bits.filter(Boolean).join('<br/>')
  }

  // Room around the rings for the labels (the longest name, at 10–11 px).
  const longest = Math.max(4, ...nodes.map((n) => n.label.length))
  const room = Math.round(Math.min(200, Math.max(60, 16 + 6.2 * longest)))
  const anyDense = [...place.values()].some((p) => p.dense)
  const option = graphOption({
    nodes,
    data,
    links,
    categories,
    legend: categories.slice(0, rootCat).map((c) => c.name),
    room,
    dense: anyDense,
    tooltip: (p) => {
      if (p.dataType === 'edge') {
        const e = edges[p.dataIndex]
        return e ? edgeTooltip(e, byId.get(e.from), byId.get(e.to)) : ''
      }
      const n = nodes[p.dataIndex]
      return n ? nodeTooltip(n) : ''
    },
    look: { fontSize: 11, emphasisLabel: true, blur: { node: 0.25, edge: 0.08 }, arrow: 5 },
  })
  return { option, nodes, edges, categories: categories.slice(0, rootCat), states }
}

// pathText shows a path as "HQ-WS-003 → SMB → HQ-FS1".
export function pathText(hops: string[], services: string[]): { node: string; via?: string }[] {
  return hops.map((h, i) => ({ node: idName(h), via: i > 0 ? services[i - 1] || 'lateral' : undefined }))
}
