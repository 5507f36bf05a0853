import { describe, expect, it } from 'vitest'
import { rowFilter, keyColumns, shapes } from './widgets'
import { dashboards } from './dashboards'
import { hubCards, totals } from './hub'

describe('drill-down filters', () => {
  it('joins the page, the widget, the insight and the row', () => {
    const row = { service: 'SMB', port: '445,139', proto: 'tcp', 'service.risk': 'high', flows_now: 3 }
    expect(rowFilter('risky-services', row)).toBe('service.risk >= medium and service = SMB and proto = tcp')
    expect(rowFilter('risky-services', row, 'service in (SMB, RDP)')).toBe('service in (SMB, RDP) and service.risk >= medium and service = SMB and proto = tcp')
  })
  it('keeps empty text keys and drops empty addresses', () => {
    expect(rowFilter('destination-roles', { 'dst.role': '' })).toBe('dst.role = ""')
    expect(rowFilter('workloads-by-role', { 'src.ip': '10.0.0.1', 'src.workload': '', 'dst.role': 'db' })).toBe(
      'src.ip = 10.0.0.1 and src.workload = "" and dst.role = db',
    )
    expect(rowFilter('external-transfers', { 'src.ip': '', 'src.workload': 'x' })).toBe('direction = outbound and src.workload = x')
  })
  it('quotes values and uses the drill of special insights', () => {
    expect(rowFilter('zones', { 'src.zone': 'Internal Azure', 'dst.zone': 'Internet' })).toBe('src.zone = "Internal Azure" and dst.zone = Internet')
    expect(rowFilter('countries', { country: 'RU', direction: 'inbound' })).toBe('direction = inbound and src.country = RU')
    expect(rowFilter('countries', { country: 'US', direction: 'outbound' })).toBe('direction = outbound and dst.country = US')
    expect(rowFilter('threat-map', { country: 'CN' })).toBe('(src.threat = any and src.country = CN) or (dst.threat = any and dst.country = CN)')
    expect(rowFilter('threat-map', { country: 'CN' }, 'service = SSH')).toBe('service = SSH and ((src.threat = any and src.country = CN) or (dst.threat = any and dst.country = CN))')
    expect(rowFilter('shadow-llm', { 'llm.provider': 'xAI Grok', 'llm.sanctioned': false })).toBe('llm.provider = "xAI Grok" and llm.sanctioned = false')
  })
  it('lists the key columns an answer has', () => {
    expect(keyColumns('external-transfers', ['dst.country', 'flows_now']).map((k) => k.key)).toEqual(['dst.country'])
  })
})

describe('the dashboards and the Hub', () => {
  it('have a dashboard per insight, widgets of known insights, a card per dashboard named', () => {
    const ids = Object.keys(shapes)
    expect(dashboards.map((d) => d.id).sort()).toEqual([...ids].sort())
    for (const d of dashboards) for (const w of d.widgets) expect(ids).toContain(w.insight)
    expect(hubCards).toHaveLength(7)
    for (const c of hubCards) expect(dashboards.map((d) => d.id)).toContain(c.id)
  })
  it('totals the rows a card counts', () => {
    const rows = [
      { flows_now: 2, flows_prev: 1, bytes_now: 10, bytes_prev: 0, 'llm.sanctioned': false },
      { flows_now: 5, flows_prev: 5, bytes_now: 1, bytes_prev: 1, 'llm.sanctioned': true },
    ]
    expect(totals(rows)).toEqual({ flowsNow: 7, flowsPrev: 6, bytesNow: 11, bytesPrev: 1 })
    expect(totals(rows, (r) => r['llm.sanctioned'] === false)).toEqual({ flowsNow: 2, flowsPrev: 1, bytesNow: 10, bytesPrev: 0 })
  })
})
