import { describe, expect, it } from 'vitest'
import { buildCommunicationsGraph, edgeKey, measureOf, order, side } from './communicationsGraph'
import type { GraphMap, MapEdge, MapNode } from './types'

const g = (id: string, type = 'group'): MapNode => ({ id, type, label: id.slice(id.indexOf('/') + 1), depth: -1 })
const e = (from: string, to: string, flows: number, bytes = flows * 10): MapEdge => ({
  from, to, flows, bytes, bytes_rev: bytes, packets: flows, allowed: flows, denied: 0, services: [],
})

const now: GraphMap = {
  from: '2026-01-02T00:00:00Z',
  until: '2026-01-03T00:00:00Z',
  nodes: [g('external/Internet', 'external'), g('role/Unknown'), g('role/db'), g('role/web'), g('role/app')],
  edges: [e('role/web', 'role/app', 100), e('role/app', 'role/db', 40, 100000), e('external/Internet', 'role/web', 70), e('role/Unknown', 'role/db', 1)],
  paths: [],
  blast_radius: [],
  queries: 1,
}
const prev: GraphMap = { ...now, edges: [e('role/web', 'role/app', 80), e('external/Internet', 'role/web', 70)] }

describe('the Communications Map', () => {
  it('tells the estate from the unknown and the outside', () => {
    expect(side(g('role/db'))).toBe('estate')
    expect(side(g('role/Unknown'))).toBe('unknown')
    expect(side(g('external/AWS', 'external'))).toBe('external')
    expect(side(g('zone/Internal Azure'))).toBe('estate')
    expect(side(g('zone/On-Prem'))).toBe('estate')
    expect(side(g('zone/Internet'))).toBe('external')
    expect(side(g('zone/DigitalOcean'))).toBe('external')
  })

  it('orders the circle: the estate busiest first, then the unknown, then the outside', () => {
    const vol: Record<string, number> = { 'role/web': 170, 'role/app': 140, 'role/db': 41, 'role/Unknown': 1, 'external/Internet': 70 }
    expect(order(now.nodes, (id) => vol[id]).map((n) => n.id)).toEqual(['role/web', 'role/app', 'role/db', 'role/Unknown', 'external/Internet'])
  })

  it('keeps nodes and edges by index and sizes nodes by the measure', () => {
    const flows = buildCommunicationsGraph(now, prev, 'flows')
    const series = (flows.option.series as Record<string, unknown>[])[0]
    const data = series.data as { name: string; symbolSize: number }[]
    const links = series.links as { source: number; target: number; value: number }[]
    expect(data.map((d) => d.name)).toEqual(flows.nodes.map((n) => n.id))
    links.forEach((l, i) => {
      expect(data[l.source].name).toBe(flows.edges[i].from)
      expect(data[l.target].name).toBe(flows.edges[i].to)
    })
    const size = (gr: typeof flows, id: string) => (((gr.option.series as Record<string, unknown>[])[0].data as { name: string; symbolSize: number }[]).find((d) => d.name === id)!.symbolSize)
    expect(size(flows, 'role/web')).toBeGreaterThan(size(flows, 'role/db'))
    const bytes = buildCommunicationsGraph(now, prev, 'bytes')
    expect(size(bytes, 'role/db')).toBeGreaterThan(size(bytes, 'role/web')) // app → db carries the bytes
    expect(measureOf(now.edges[1], 'bytes')).toBe(200000)
  })

  it("pairs each edge with Prev's: the edge, none (not among Prev's), or unknown while Prev loads", () => {
    const withPrev = buildCommunicationsGraph(now, prev, 'flows')
    const byKey = new Map(withPrev.rows.map((r) => [edgeKey(r.edge), r.prev]))
    expect(byKey.get('role/web→role/app')?.flows).toBe(80)
    expect(byKey.get('role/app→role/db')).toBeNull()
    const tip = (withPrev.option.tooltip as { formatter: (p: unknown) => string }).formatter
    const i = withPrev.edges.findIndex((x) => x.from === 'role/web')
    expect(tip({ dataType: 'edge', dataIndex: i })).toMatch(/<td>flows<\/td><td>100<\/td><td>80<\/td>/)
    const loading = buildCommunicationsGraph(now, null, 'flows')
    expect(loading.rows.every((r) => r.prev === undefined)).toBe(true)
  })
})
