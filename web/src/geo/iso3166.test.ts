import { describe, expect, it } from 'vitest'
import atlas from 'world-atlas/countries-110m.json'
import { NUMERIC_TO_ALPHA2, alpha2, countryName } from './iso3166'

describe('ISO 3166-1 numeric → alpha-2', () => {
  it('holds the 249 assigned codes, each once', () => {
    expect(Object.keys(NUMERIC_TO_ALPHA2)).toHaveLength(249)
    expect(new Set(Object.values(NUMERIC_TO_ALPHA2)).size).toBe(249)
    expect(Object.keys(NUMERIC_TO_ALPHA2).every((k) => /^\d{3}$/.test(k))).toBe(true)
  })

  it('maps codes however they are written', () => {
    expect(alpha2('036')).toBe('AU')
    expect(alpha2('36')).toBe('AU')
    expect(alpha2(840)).toBe('US')
    expect(alpha2('826')).toBe('GB')
    expect(alpha2('643')).toBe('RU')
    expect(alpha2('158')).toBe('TW')
    expect(alpha2('999')).toBe('')
    expect(alpha2(undefined, 'Kosovo')).toBe('XK')
    expect(alpha2(undefined, 'Somaliland')).toBe('')
  })

  it("names every country of world-atlas's 110m map as the browser's table does", () => {
    const geoms = (atlas as unknown as { objects: { countries: { geometries: { id?: string; properties: { name: string } }[] } } }).objects.countries.geometries
    const unnamed = geoms.filter((g) => !alpha2(g.id, g.properties.name)).map((g) => g.properties.name)
    expect(unnamed.sort()).toEqual(['N. Cyprus', 'Somaliland'])
    // Spot checks against the atlas's own names.
    const byName = Object.fromEntries(geoms.map((g) => [g.properties.name, alpha2(g.id, g.properties.name)]))
    expect(byName).toMatchObject({ 'United States of America': 'US', 'Dem. Rep. Congo': 'CD', Congo: 'CG', 'W. Sahara': 'EH', Macedonia: 'MK', eSwatini: 'SZ', Palestine: 'PS' })
    expect(countryName('DE')).toBe('Germany')
    expect(countryName('')).toBe('')
  })
})
