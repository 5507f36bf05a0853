// The Communications Map's ECharts option, as a pure function of the API's maps
// of Now and Prev (GET /api/v1/maps/communications): one node per group (role,
// app, workload or zone), sized by its traffic, on a circle — the estate's
// groups first, then the unknown ends, then the internet and the clouds — and
// one edge per pair that talks, coloured allowed / denied / mixed.

import type { Measure } from '../api/types'
import { bytes, count, measure as fmt } from '../lib/format'
import { COLOURS, edgeState, edgeTooltip, esc, graphOption, traffic } from './graph'
import type { GraphMap, MapEdge, MapNode } from './types'

export type Side = 'estate' | 'unknown' | 'external'

// The zones outside the estate (enrich/zones): the Internet and the public
// clouds' ranges. Any other zone ("Internal Azure", an inventory's "On-Prem") is
// the estate's.
export const OUTSIDE_ZONES = ['Internet', 'AWS', 'Azure', 'GCP', 'OCI', 'DigitalOcean', 'Linode']

export function side(n: MapNode): Side {
  if (n.type === 'external') return 'external'
  if (n.label === 'Unknown') return 'unknown'
  if (n.id.startsWith('zone/')) return OUTSIDE_ZONES.includes(n.label) ? 'external' : 'estate'
  return 'estate'
}

export const SIDES: { side: Side; name: string; color: string }[] = [
  { side: 'estate', name: 'in the estate', color: COLOURS.accent },
  { side: 'unknown', name: 'unknown internal', color: '#a3a3a3' },
  { side: 'external', name: 'internet / cloud', color: '#c2410c' },
]

// edgeKey identifies an edge across Now and Prev.
export const edgeKey = (e: Pick<MapEdge, 'from' | 'to'>) => e.from + '→' + e.to

export interface CommsRow {
  edge: MapEdge
  prev: MapEdge | null | undefined // undefined: Prev not known; null: not among Prev's edges
}

export interface CommsGraph {
  option: Record<string, unknown>
  nodes: MapNode[]
  edges: MapEdge[]
  rows: CommsRow[]
}

// order puts the estate's groups first, busiest first, then the unknown, then the outside.
export function order(nodes: MapNode[], volume: (id: string) => number): MapNode[] {
  const rank: Record<Side, number> = { estate: 0, unknown: 1, external: 2 }
  return [...nodes].sort((a, b) => rank[side(a)] - rank[side(b)] || volume(b.id) - volume(a.id) || a.label.localeCompare(b.label))
}

export function buildCommunicationsGraph(now: GraphMap, prev: GraphMap | null, by: Measure): CommsGraph {
  const load = traffic(now.edges)
  const prevLoad = prev ? traffic(prev.edges) : null
  const vol = (id: string) => load.get(id)?.[by] ?? 0
  const nodes = order(now.nodes, vol)
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const index = new Map(nodes.map((n, i) => [n.id, i]))
  const prevEdges = prev ? new Map(prev.edges.map((e) => [edgeKey(e), e])) : null
  const edges = now.edges.filter((e) => index.has(e.from) && index.has(e.to))
  const rows: CommsRow[] = edges.map((e) => ({ edge: e, prev: prevEdges ? (prevEdges.get(edgeKey(e)) ?? null) : undefined }))

  const n = nodes.length
  const radius = Math.max(200, (n * 34) / (2 * Math.PI))
  const dense = n > 24
  const maxVol = Math.max(1, ...nodes.map((x) => vol(x.id)))
  const sideIndex = new Map(SIDES.map((s, i) => [s.side, i]))
  const data = nodes.map((x, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, n)
    const left = Math.cos(angle) < -1e-9
    const deg = (r: number) => (r * 180) / Math.PI
    return {
      name: x.id,
      x: radius * Math.cos(angle),
      y: radius * Math.sin(angle),
      category: sideIndex.get(side(x)),
      symbolSize: Math.round(12 + 40 * Math.sqrt(vol(x.id) / maxVol)),
      itemStyle: { borderColor: '#ffffff', borderWidth: 1.5 },
      label: dense
        ? { position: left ? 'left' : 'right', rotate: deg(left ? Math.PI - angle : -angle), fontSize: 10.5 }
        : { position: left ? 'left' : Math.abs(Math.cos(angle)) < 0.2 ? (Math.sin(angle) < 0 ? 'top' : 'bottom') : 'right', fontSize: 12 },
    }
  })
  const maxEdge = Math.max(1, ...edges.map((e) => measureOf(e, by)))
  const links = edges.map((e) => {
    const st = edgeState(e)
    return {
      source: index.get(e.from),
      target: index.get(e.to),
      value: measureOf(e, by),
      lineStyle: {
        color: COLOURS[st],
        width: 0.8 + 5 * (Math.log10(1 + measureOf(e, by)) / Math.log10(1 + maxEdge)),
        opacity: 0.6,
        curveness: e.from === e.to ? 0.6 : 0.25,
        type: e.lateral ? [6, 3] : 'solid',
      },
    }
  })

  const nodeTooltip = (x: MapNode) => {
    const t = load.get(x.id) ?? { flows: 0, bytes: 0 }
    const p = prevLoad?.get(x.id)
    const prevCell = (k: Measure) => (prevLoad ? fmt(k, p?.[k] ?? 0) : '…')
    const kind = { estate: 'a group of the estate', unknown: 'internal addresses outside the inventory', external: 'peers outside the estate' }[side(x)]
    return [
      `<b>${esc(x.label)}</b>`,
      esc(kind),
      `<table class="tt"><tr><td></td><th>Now</th><th>Prev</th></tr>` +
        `<tr><td>flows</td><td>${count(t.flows)}</td><td>${prevCell('flows')}</td></tr>` +
        `<tr><td>bytes</td><td>${bytes(t.bytes)}</td><td>${prevCell('bytes')}</td></tr></table>`,
      x.hidden ? `${x.hidden} smaller edge${x.hidden === 1 ? '' : 's'} not drawn` : '',
      `<span style="color:${COLOURS.muted}">click: ${x.type !== 'external' && x.id.startsWith('workload/') ? 'its resource page' : 'its flows in the Traffic Query'}</span>`,
    ]
      .filter(Boolean)
      .join('<br/>')
  }

  // Room around the circle for the labels (the longest name).
  const longest = Math.max(4, ...nodes.map((x) => x.label.length))
  const room = Math.round(Math.min(200, Math.max(60, 16 + 6.5 * longest)))
  const option = graphOption({
    nodes,
    data,
    links,
    categories: SIDES,
    legend: SIDES.map((s) => s.name),
    room,
    dense,
    tooltip: (p) => {
      if (p.dataType === 'edge') {
        const r = rows[p.dataIndex]
        return r ? edgeTooltip(r.edge, byId.get(r.edge.from), byId.get(r.edge.to), r.prev) : ''
      }
      const x = nodes[p.dataIndex]
      return x ? nodeTooltip(x) : ''
    },
    look: { blur: { node: 0.2, edge: 0.06 }, arrow: 6 },
  })
  return { option, nodes, edges, rows }
}

// measureOf is an edge's flows, or its bytes both ways.
export function measureOf(e: Pick<MapEdge, 'flows' | 'bytes' | 'bytes_rev'>, by: Measure): number {
  return by === 'flows' ? e.flows : e.bytes + e.bytes_rev
}
