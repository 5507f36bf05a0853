import { describe, expect, it } from 'vitest'
import { COLOURS } from './graph'
import { ADDRESS, EXTERNAL, LISTED, buildResourceGraph, category, layout, pathEdges, pathText } from './resourceGraph'
import type { GraphMap, MapEdge, MapNode } from './types'

const wl = (name: string, depth: number, role?: string): MapNode => ({
  id: 'workload/' + name, type: 'workload', label: name, depth, labels: role ? { role } : undefined,
})
const e = (from: string, to: string, flows: number, more: Partial<MapEdge> = {}): MapEdge => ({
  from, to, flows, bytes: flows * 100, bytes_rev: 0, packets: flows, allowed: flows, denied: 0, services: [], ...more,
})

// HQ-WS-003 reaches HQ-FS1 over SMB, and from there HQ-DC1 over RPC: a blast radius of two.
const map: GraphMap = {
  from: '2026-01-01T00:00:00Z',
  until: '2026-01-02T00:00:00Z',
  nodes: [
    wl('HQ-WS-003', 0, 'desktop'),
    wl('HQ-FS1', 1, 'file'),
    wl('HQ-DNS1', 1, 'dns'),
    { id: 'ip/5.188.206.14', type: 'ip', label: '5.188.206.14', depth: 1, threat: 'feodo', zone: 'Internet' },
    wl('HQ-DC1', 2, 'dc'),
    { id: 'external/Internet/US', type: 'external', label: 'Internet US', depth: 2, zone: 'Internet', country: 'US' },
    { id: 'ip/10.9.9.9', type: 'ip', label: '10.9.9.9', depth: 2 },
  ],
  edges: [
    e('workload/HQ-WS-003', 'workload/HQ-FS1', 50, { lateral: true }),
    e('workload/HQ-WS-003', 'workload/HQ-DNS1', 500),
    e('workload/HQ-WS-003', 'ip/5.188.206.14', 1000, { allowed: 0, denied: 1000 }),
    e('workload/HQ-FS1', 'workload/HQ-DC1', 20, { lateral: true, denied: 3 }),
    e('workload/HQ-DNS1', 'external/Internet/US', 80),
    e('workload/HQ-DNS1', 'workload/GONE', 1), // an end the answer does not list: left out
  ],
  paths: [
    { to: 'workload/HQ-FS1', hops: ['workload/HQ-WS-003', 'workload/HQ-FS1'], services: ['SMB'] },
    { to: 'workload/HQ-DC1', hops: ['workload/HQ-WS-003', 'workload/HQ-FS1', 'workload/HQ-DC1'], services: ['SMB', 'RPC'] },
  ],
  blast_radius: ['HQ-DC1', 'HQ-FS1'],
  queries: 4,
}

describe('the Resource Traffic Map', () => {
  it('groups nodes by role, and addresses and internet peers by kind', () => {
    expect(category(map.nodes[1])).toBe('file')
    expect(category(map.nodes[3])).toBe(LISTED)
    expect(category(map.nodes[6])).toBe(ADDRESS)
    expect(category(map.nodes[5])).toBe(EXTERNAL)
    expect(category(wl('x', 1))).toBe('no role')
  })

  it('puts the workload in the centre and its neighbours on rings by hops', () => {
    const at = layout(map.nodes, 'workload/HQ-WS-003')
    expect(at.get('workload/HQ-WS-003')).toMatchObject({ x: 0, y: 0, ring: 0 })
    const r = (id: string) => Math.hypot(at.get(id)!.x, at.get(id)!.y)
    const ring1 = ['workload/HQ-FS1', 'workload/HQ-DNS1', 'ip/5.188.206.14'].map(r)
    const ring2 = ['workload/HQ-DC1', 'external/Internet/US', 'ip/10.9.9.9'].map(r)
    expect(new Set(ring1.map(Math.round)).size).toBe(1)
    expect(Math.min(...ring2)).toBeGreaterThan(Math.max(...ring1))
    // No two nodes of a ring in the same place.
    const spots = new Set([...at.values()].map((p) => `${Math.round(p.x)},${Math.round(p.y)}`))
    expect(spots.size).toBe(map.nodes.length)
  })

  it('spreads a crowded ring so that its nodes keep their distance', () => {
    const many = [wl('root', 0), ...Array.from({ length: 60 }, (_, i) => wl('n' + i, 1, i % 2 ? 'web' : 'db'))]
    const at = layout(many, 'workload/root')
    const ring = [...at.values()].filter((p) => p.ring === 1)
    expect(ring.every((p) => p.dense)).toBe(true)
    const d = Math.hypot(ring[0].x - ring[1].x, ring[0].y - ring[1].y)
    expect(d).toBeGreaterThan(30)
  })

  it('builds the option: nodes and edges by index, paths drawn last in the path colour, the blast radius ringed', () => {
    const g = buildResourceGraph(map, 'HQ-WS-003')
    const series = (g.option.series as Record<string, unknown>[])[0]
    const data = series.data as { name: string; itemStyle: { borderColor: string }; category: number }[]
    const links = series.links as { source: number; target: number; lineStyle: { color: string } }[]
    expect(data.map((d) => d.name)).toEqual(map.nodes.map((n) => n.id))
    expect(g.edges).toHaveLength(5) // GONE is not on the map
    expect(links).toHaveLength(5)
    links.forEach((l, i) => {
      expect(data[l.source].name).toBe(g.edges[i].from)
      expect(data[l.target].name).toBe(g.edges[i].to)
    })
    // The two path edges come last, in the path colour; the denied edge is red.
    expect(g.edges.slice(-2).map((x) => x.to)).toEqual(['workload/HQ-FS1', 'workload/HQ-DC1'])
    expect(links.slice(-2).every((l) => l.lineStyle.color === COLOURS.path)).toBe(true)
    const denied = g.edges.findIndex((x) => x.to === 'ip/5.188.206.14')
    expect(links[denied].lineStyle.color).toBe(COLOURS.denied)
    expect(g.states).toEqual({ allowed: 3, denied: 1, mixed: 1, unknown: 0 })
    // The blast radius is ringed in the path colour.
    expect(data.find((d) => d.name === 'workload/HQ-DC1')!.itemStyle.borderColor).toBe(COLOURS.path)
    expect(data.find((d) => d.name === 'workload/HQ-DNS1')!.itemStyle.borderColor).not.toBe(COLOURS.path)
    // The legend lists the categories, the workload itself aside.
    const legend = (g.option.legend as { data: string[] }).data
    expect(legend).toEqual(g.categories.map((c) => c.name))
    expect(legend).not.toContain('HQ-WS-003')
    expect(legend.slice(-3)).toEqual([EXTERNAL, LISTED, ADDRESS].sort())
  })

  it('writes tooltips that name both ends of an edge', () => {
    const g = buildResourceGraph(map, 'HQ-WS-003')
    const fmt = (g.option.tooltip as { formatter: (p: unknown) => string }).formatter
    const i = g.edges.findIndex((x) => x.to === 'workload/HQ-DC1')
    expect(fmt({ dataType: 'edge', dataIndex: i })).toContain('<b>HQ-FS1</b> → <b>HQ-DC1</b>')
    const n = fmt({ dataType: 'node', dataIndex: 4 })
    expect(n).toContain('in the blast radius')
    expect(n).toContain('its resource page')
  })

  it('lists the hops of a path with the service of each', () => {
    expect(pathEdges(map)).toEqual(new Set(['workload/HQ-WS-003→workload/HQ-FS1', 'workload/HQ-FS1→workload/HQ-DC1']))
    expect(pathText(map.paths[1].hops, map.paths[1].services)).toEqual([
      { node: 'HQ-WS-003', via: undefined },
      { node: 'HQ-FS1', via: 'SMB' },
      { node: 'HQ-DC1', via: 'RPC' },
    ])
  })
})
