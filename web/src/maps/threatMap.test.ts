import { describe, expect, it } from 'vitest'
import { EXTERNAL_SHADES, MALICIOUS_SHADES, buildThreatMap, byCountry, level, shade } from './threatMap'

const m = (flows_now: number, flows_prev: number, bytes_now = flows_now * 100, bytes_prev = flows_prev * 100) => ({ flows_now, flows_prev, bytes_now, bytes_prev })

describe('the Global Threat Map', () => {
  it("sums the countries insight's directions per country and computes the deltas", () => {
    const rows = byCountry([
      { country: 'US', direction: 'outbound', ...m(6000, 5000) },
      { country: 'US', direction: 'inbound', ...m(3000, 3000) },
      { country: 'ru', direction: 'inbound', ...m(1600, 0) },
      { country: '', direction: 'inbound', ...m(5, 5) },
    ])
    expect(rows.map((r) => r.country)).toEqual(['US', 'RU'])
    expect(rows[0]).toMatchObject({ flows_now: 9000, flows_prev: 8000, flows_delta: 1000, flows_pct: 12.5 })
    expect(rows[1].flows_pct).toBeUndefined() // Prev was 0
  })

  it("keeps the threat map's coordinates and names each country's listed addresses", () => {
    const rows = byCountry([{ country: 'RU', lat: 61.5, lon: 105.3, ...m(2773, 0) }], [
      { ip: '5.188.206.14', country: 'RU' },
      { ip: '45.155.205.99', country: 'RU' },
      { ip: '5.188.206.14', country: 'RU' },
      { ip: '218.92.0.107', country: 'CN' },
    ])
    expect(rows[0]).toMatchObject({ lat: 61.5, lon: 105.3, ips: ['5.188.206.14', '45.155.205.99'] })
  })

  it('shades on a log scale between the stops', () => {
    expect(shade(['#000000', '#ffffff'], 0)).toBe('#000000')
    expect(shade(['#000000', '#ffffff'], 1)).toBe('#ffffff')
    expect(shade(['#000000', '#ffffff'], 0.5)).toBe('#808080')
    expect(shade(MALICIOUS_SHADES, 2)).toBe(MALICIOUS_SHADES[3])
    expect(level(0, 100)).toBe(0)
    expect(level(100, 100)).toBe(1)
    expect(level(9, 99)).toBeCloseTo(0.5)
  })

  it('places markers at the coordinates, else the centroid, and says which it could not place', () => {
    const rows = byCountry([
      { country: 'RU', lat: 61.5, lon: 105.3, ...m(2000, 0) },
      { country: 'FR', ...m(100, 50) },
      { country: 'ZZ', ...m(10, 0) },
      { country: 'DE', ...m(0, 40) }, // Prev only: shaded as none, no marker
    ])
    const centroids: Record<string, [number, number]> = { FR: [2.5, 46.6] }
    const map = buildThreatMap({ rows, by: 'flows', map: 'w', what: 'malicious traffic', name: (c) => c, centroid: (c) => centroids[c] ?? null, colors: EXTERNAL_SHADES })
    expect(map.markers.map((r) => r.country)).toEqual(['RU', 'FR'])
    expect(map.unplaced).toEqual(['ZZ'])
    const series = (map.option.series as { data: { name: string; value: number[] }[] }[])[0]
    expect(series.data[1]).toEqual({ name: 'FR', value: [2.5, 46.6, 100] })
    const regions = (map.option.geo as { regions: { name: string; itemStyle: { areaColor: string } }[] }).regions
    const colour = Object.fromEntries(regions.map((r) => [r.name, r.itemStyle.areaColor]))
    expect(colour.RU).toBe(shade(EXTERNAL_SHADES, 1))
    expect(colour.DE).toBe('#e6ebf1')
    const tip = (map.option.tooltip as { formatter: (p: unknown) => string }).formatter
    expect(tip({ componentType: 'series', dataIndex: 1, name: 'FR' })).toMatch(/<td>flows<\/td><td>100<\/td><td>50<\/td><td>↑ 50 \+100%<\/td>/)
    expect(tip({ componentType: 'geo', name: 'BR', dataIndex: -1 })).toContain('no malicious traffic')
    expect(map.scale.max).toBe(2000)
  })
})
