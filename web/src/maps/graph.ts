// What the Resource Traffic Map and the Communications Map share: how an edge
// is coloured (allowed, denied, mixed), the Traffic Query filter of a node and
// of an edge, the tooltips' HTML, and the ECharts option of a placed graph.

import { and, eq } from '../lib/filters'
import { bytes, count } from '../lib/format'
import type { MapEdge, MapNode } from './types'

export type EdgeState = 'allowed' | 'denied' | 'mixed' | 'unknown'

// The colours of the maps (canvas: the values of styles.css's variables).
export const COLOURS = {
  allowed: '#2f9e83',
  denied: '#b42318',
  mixed: '#d97706',
  unknown: '#8a96a5',
  path: '#7c3aed', // a lateral-movement path of the blast radius
  ink: '#16202c',
  muted: '#5b6878',
  line: '#dde3ea',
  accent: '#0b6bcb',
} as const

// edgeState: allowed when the network denied none of its flows, denied when it
// allowed none, mixed when both; unknown when the records carry no action.
export function edgeState(e: Pick<MapEdge, 'allowed' | 'denied'>): EdgeState {
  if (e.allowed > 0 && e.denied > 0) return 'mixed'
  if (e.denied > 0) return 'denied'
  if (e.allowed > 0) return 'allowed'
  return 'unknown'
}

// name is a node id's name: workload/CRM-Prod-DB1 → CRM-Prod-DB1.
export function idName(id: string): string {
  const i = id.indexOf('/')
  return i < 0 ? id : id.slice(i + 1)
}

// nodeFilter is the filter of the traffic of a node, on one side ('src', 'dst')
// or either ('').
export function nodeFilter(n: MapNode, side: '' | 'src' | 'dst' = ''): string {
  const f = (name: string) => (side ? side + '.' + name : name)
  const prefix = n.id.slice(0, n.id.indexOf('/'))
  const name = idName(n.id)
  switch (n.type) {
    case 'workload':
      return eq(f('workload'), name)
    case 'ip':
      return eq(f('ip'), n.ip || name)
    case 'external': {
      const zone = n.zone || name.split('/')[0]
      if (zone === 'Internet' && n.country) return and(eq(f('zone'), zone), eq(f('country'), n.country))
      return eq(f('zone'), zone)
    }
  }
  // A communications map's group: role/db, app/crm, workload/X, zone/Internal Azure.
  if (prefix === 'zone') return eq(f('zone'), name === 'Unknown' && !n.zone ? '' : name)
  if (name === 'Unknown') {
    // An internal address outside the inventory, or an end nothing is known of.
    return `${eq(f(prefix), '')} and (${eq(f('zone'), '')} or ${f('zone')} ~ Internal)`
  }
  return eq(f(prefix), name)
}

// edgeFilter is the filter of an edge's traffic: its source's on the source side,
// its destination's on the destination side.
export function edgeFilter(e: Pick<MapEdge, 'from' | 'to'>, byId: Map<string, MapNode>): string {
  const node = (id: string): MapNode => byId.get(id) ?? guessNode(id)
  return and(nodeFilter(node(e.from), 'src'), nodeFilter(node(e.to), 'dst'))
}

// guessNode makes a node from an id alone (an edge's end the answer did not list).
export function guessNode(id: string): MapNode {
  const type = id.slice(0, id.indexOf('/'))
  const name = idName(id)
  if (type === 'ip') return { id, type, label: name, ip: name, depth: -1 }
  if (type === 'external') {
    const [zone, country] = name.split('/')
    return { id, type, label: name, zone, country, depth: -1 }
  }
  if (type === 'workload') return { id, type, label: name, depth: -1 }
  return { id, type: 'group', label: name, depth: -1 }
}

// esc escapes text for the tooltips' HTML: names come from the user's estate.
export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

// serviceList names an edge's busiest services: "SMB 445/tcp, RDP 3389/tcp, +3".
export function serviceList(e: Pick<MapEdge, 'services'>, most = 4): string {
  const ss = e.services ?? []
  const shown = ss.slice(0, most).map((s) => {
    const ports = s.ports.length ? s.ports.slice(0, 3).join(',') + (s.ports.length > 3 ? '…' : '') : ''
    return (s.name || 'unknown') + (ports ? ` ${ports}/${s.proto}` : s.proto ? ` ${s.proto}` : '')
  })
  return shown.join(', ') + (ss.length > most ? `, +${ss.length - most}` : '')
}

export const STATE_LABEL: Record<EdgeState, string> = {
  allowed: 'allowed',
  denied: 'denied',
  mixed: 'allowed and denied',
  unknown: 'no action recorded',
}

// edgeTooltip is the HTML of an edge's tooltip; prev adds the Prev column.
export function edgeTooltip(e: MapEdge, from: MapNode | undefined, to: MapNode | undefined, prev?: Pick<MapEdge, 'flows' | 'bytes' | 'bytes_rev'> | null): string {
  const st = edgeState(e)
  const rows: string[] = []
  const head = `<b>${esc(from?.label ?? idName(e.from))}</b> → <b>${esc(to?.label ?? idName(e.to))}</b>`
  if (prev !== undefined) {
    const p = prev
    const cell = (v: number | undefined, f: (n: unknown) => string) => (v === undefined ? '—' : f(v))
    rows.push(`<tr><td></td><th>Now</th><th>Prev</th></tr>`)
    rows.push(`<tr><td>flows</td><td>${count(e.flows)}</td><td>${cell(p?.flows, count)}</td></tr>`)
    rows.push(`<tr><td>bytes</td><td>${bytes(e.bytes + e.bytes_rev)}</td><td>${cell(p ? p.bytes + p.bytes_rev : undefined, bytes)}</td></tr>`)
  } else {
    rows.push(`<tr><td>flows</td><td>${count(e.flows)}</td></tr>`)
    rows.push(`<tr><td>bytes sent</td><td>${bytes(e.bytes)}</td></tr>`)
    rows.push(`<tr><td>bytes back</td><td>${bytes(e.bytes_rev)}</td></tr>`)
  }
  const table = `<table class="tt">${rows.join('')}</table>`
  const action = `<span style="color:${COLOURS[st]}">●</span> ${STATE_LABEL[st]}` + (e.denied > 0 ? ` (${count(e.allowed)} allowed, ${count(e.denied)} denied)` : '')
  const lateral = e.lateral ? '<br/>lateral-movement or remote-access service' : ''
  const note = prev === null ? '<br/><i>not among Prev’s busiest edges</i>' : ''
  return `${head}<br/>${table}${action}<br/>${esc(serviceList(e))}${lateral}${note}<br/><span style="color:${COLOURS.muted}">click: open in the Traffic Query</span>`
}

// traffic sums each node's edges' flows and bytes (both directions).
export function traffic(edges: MapEdge[]): Map<string, { flows: number; bytes: number }> {
  const m = new Map<string, { flows: number; bytes: number }>()
  const add = (id: string, e: MapEdge) => {
    const t = m.get(id) ?? { flows: 0, bytes: 0 }
    t.flows += e.flows
    t.bytes += e.bytes + e.bytes_rev
    m.set(id, t)
  }
  for (const e of edges) {
    add(e.from, e)
    if (e.to !== e.from) add(e.to, e)
  }
  return m
}

// A fixed palette for roles, in order: no red, orange, green or purple, which
// the edges (denied, mixed, allowed) and the lateral paths use.
export const PALETTE = [
  '#1f77b4', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#393b79', '#637939', '#7b4173', '#6baed6', '#b5cf6b', '#ce6dbd', '#9c9ede',
]

// GraphLook is what the two maps draw differently: the labels' size, whether a
// highlighted node shows its hidden label, how far the rest fades (nodes,
// edges), and the arrows' size.
export interface GraphLook {
  fontSize?: number
  emphasisLabel?: boolean
  blur: { node: number; edge: number }
  arrow: number
}

// graphOption is the ECharts option of a graph whose nodes are already placed
// (layout 'none'): room is kept for the labels left and right, and above and
// below too when the layout is dense; the legend lists the categories named.
export function graphOption(g: {
  nodes: { label: string }[]
  data: unknown[]
  links: unknown[]
  categories: { name: string; color: string }[]
  legend: string[]
  room: number
  dense: boolean
  tooltip: (p: { dataType?: string; dataIndex: number }) => string
  look: GraphLook
}): Record<string, unknown> {
  const { nodes, room, look } = g
  return {
    animation: false,
    tooltip: { trigger: 'item', confine: true, formatter: g.tooltip },
    legend: {
      data: g.legend,
      orient: 'vertical',
      left: 8,
      top: 8,
      itemWidth: 12,
      itemHeight: 10,
      textStyle: { fontSize: 11, color: COLOURS.muted },
    },
    series: [
      {
        type: 'graph',
        layout: 'none',
        preserveAspect: 'contain',
        roam: true,
        left: room + 10,
        right: room + 10,
        top: g.dense ? room : 40,
        bottom: g.dense ? room : 40,
        data: g.data,
        links: g.links,
        categories: g.categories.map((c) => ({ name: c.name, itemStyle: { color: c.color } })),
        label: {
          show: true,
          formatter: (p: { dataIndex: number }) => nodes[p.dataIndex]?.label ?? '',
          color: COLOURS.ink,
          ...(look.fontSize ? { fontSize: look.fontSize } : {}),
        },
        labelLayout: { hideOverlap: true },
        emphasis: { focus: 'adjacency', lineStyle: { opacity: 1 }, ...(look.emphasisLabel ? { label: { show: true } } : {}) },
        blur: { itemStyle: { opacity: look.blur.node }, lineStyle: { opacity: look.blur.edge }, label: { opacity: 0.3 } },
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: look.arrow,
        scaleLimit: { min: 0.4, max: 6 },
      },
    ],
  }
}
