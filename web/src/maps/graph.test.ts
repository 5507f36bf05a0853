import { describe, expect, it } from 'vitest'
import { edgeFilter, edgeState, edgeTooltip, esc, guessNode, idName, nodeFilter, serviceList, traffic } from './graph'
import type { MapEdge, MapNode } from './types'

const edge = (from: string, to: string, more: Partial<MapEdge> = {}): MapEdge => ({
  from, to, flows: 10, bytes: 1000, bytes_rev: 500, packets: 20, allowed: 10, denied: 0, services: [], ...more,
})

describe('edges and nodes of the maps', () => {
  it('colours an edge by what the network did with its flows', () => {
    expect(edgeState({ allowed: 5, denied: 0 })).toBe('allowed')
    expect(edgeState({ allowed: 0, denied: 3 })).toBe('denied')
    expect(edgeState({ allowed: 5, denied: 3 })).toBe('mixed')
    expect(edgeState({ allowed: 0, denied: 0 })).toBe('unknown')
  })

  it('turns each kind of node into its filter, on a side or either', () => {
    const w: MapNode = { id: 'workload/CRM-Prod-DB1', type: 'workload', label: 'CRM-Prod-DB1', depth: 1 }
    expect(nodeFilter(w, 'src')).toBe('src.workload = CRM-Prod-DB1')
    expect(nodeFilter({ ...w, id: 'workload/Web 01', label: 'Web 01' })).toBe('workload = "Web 01"')
    expect(nodeFilter({ id: 'ip/5.188.206.14', type: 'ip', label: '5.188.206.14', ip: '5.188.206.14', depth: 2 }, 'dst')).toBe('dst.ip = 5.188.206.14')
    expect(nodeFilter({ id: 'external/AWS', type: 'external', label: 'AWS', zone: 'AWS', depth: 2 }, 'dst')).toBe('dst.zone = AWS')
    expect(nodeFilter({ id: 'external/Internet/NL', type: 'external', label: 'Internet NL', zone: 'Internet', country: 'NL', depth: 2 }, 'dst')).toBe(
      'dst.zone = Internet and dst.country = NL',
    )
    expect(nodeFilter({ id: 'external/Internet', type: 'external', label: 'Internet', zone: 'Internet', depth: -1 })).toBe('zone = Internet')
    // A communications map's groups.
    expect(nodeFilter({ id: 'role/db', type: 'group', label: 'db', depth: -1 }, 'src')).toBe('src.role = db')
    expect(nodeFilter({ id: 'app/crm', type: 'group', label: 'crm', depth: -1 }, 'dst')).toBe('dst.app = crm')
    expect(nodeFilter({ id: 'zone/Internal Azure', type: 'group', label: 'Internal Azure', zone: 'Internal Azure', depth: -1 }, 'src')).toBe('src.zone = "Internal Azure"')
    expect(nodeFilter({ id: 'zone/Unknown', type: 'group', label: 'Unknown', depth: -1 }, 'src')).toBe('src.zone = ""')
    expect(nodeFilter({ id: 'role/Unknown', type: 'group', label: 'Unknown', depth: -1 }, 'dst')).toBe('dst.role = "" and (dst.zone = "" or dst.zone ~ Internal)')
  })

  it("filters an edge by its source's side and its destination's", () => {
    const nodes = new Map<string, MapNode>([
      ['workload/HQ-WS-003', { id: 'workload/HQ-WS-003', type: 'workload', label: 'HQ-WS-003', depth: 0 }],
      ['role/Unknown', { id: 'role/Unknown', type: 'group', label: 'Unknown', depth: -1 }],
    ])
    expect(edgeFilter(edge('workload/HQ-WS-003', 'workload/HQ-FS1'), nodes)).toBe('src.workload = HQ-WS-003 and dst.workload = HQ-FS1')
    expect(edgeFilter(edge('role/Unknown', 'external/Internet/CN'), nodes)).toBe(
      '(src.role = "" and (src.zone = "" or src.zone ~ Internal)) and dst.zone = Internet and dst.country = CN',
    )
  })

  it('guesses a node from its id alone', () => {
    expect(guessNode('external/Internet/CN')).toMatchObject({ type: 'external', zone: 'Internet', country: 'CN' })
    expect(guessNode('ip/10.0.0.7')).toMatchObject({ type: 'ip', ip: '10.0.0.7' })
    expect(idName('workload/a/b')).toBe('a/b')
  })

  it('escapes names in tooltips and lists the busiest services', () => {
    expect(esc('<img src=x onerror="a">&')).toBe('&lt;img src=x onerror=&quot;a&quot;&gt;&amp;')
    const e = edge('a/x', 'b/y', {
      services: [
        { name: 'SMB', proto: 'tcp', ports: [445], flows: 9, bytes: 1, allowed: 9, denied: 0 },
        { name: '', proto: 'tcp', ports: [1, 2, 3, 4], flows: 1, bytes: 1, allowed: 1, denied: 0 },
        { name: 'RDP', proto: 'tcp', ports: [3389], flows: 1, bytes: 1, allowed: 1, denied: 0 },
      ],
    })
    expect(serviceList(e, 2)).toBe('SMB 445/tcp, unknown 1,2,3…/tcp, +1')
    const html = edgeTooltip({ ...e, denied: 2 }, { id: 'a/x', type: 'workload', label: '<b>x', depth: 0 }, undefined, { flows: 4, bytes: 10, bytes_rev: 0 })
    expect(html).toContain('&lt;b&gt;x')
    expect(html).toContain('<th>Now</th><th>Prev</th>')
    expect(html).toContain('allowed and denied')
    expect(edgeTooltip(e, undefined, undefined, null)).toContain('not among Prev')
  })

  it("sums each node's traffic once per edge", () => {
    const t = traffic([edge('a', 'b'), edge('b', 'c', { flows: 5 }), edge('c', 'c', { flows: 1, bytes: 1, bytes_rev: 0 })])
    expect(t.get('b')).toEqual({ flows: 15, bytes: 3000 })
    expect(t.get('c')).toEqual({ flows: 6, bytes: 1501 })
  })
})
