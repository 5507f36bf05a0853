import { describe, expect, it } from 'vitest'
import { atlasName, centroid, countryCentroid, theWorld, unwrap, type Ring } from './world'

describe('the world of the Threat Map', () => {
  it('is GeoJSON keyed by alpha-2, without Antarctica', () => {
    const w = theWorld()
    expect(w.type).toBe('FeatureCollection')
    expect(w.features.length).toBe(176)
    expect(w.features.some((f) => f.properties.iso === 'AQ')).toBe(false)
    expect(w.features.filter((f) => !f.properties.iso).map((f) => f.properties.name).sort()).toEqual(['N. Cyprus', 'Somaliland'])
    expect(atlasName('US')).toBe('United States of America')
  })

  it('draws no ring across the whole map (the antimeridian)', () => {
    for (const f of theWorld().features) {
      const polys = (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as Ring[][]
      for (const ring of polys.flat()) {
        for (let i = 1; i < ring.length; i++) expect(Math.abs(ring[i][0] - ring[i - 1][0])).toBeLessThan(180)
      }
    }
    expect(unwrap([[179, 1], [-179, 1], [-179, 2], [179, 1]])).toEqual([[179, 1], [181, 1], [181, 2], [179, 1]])
  })

  it("puts a country's centroid on its mainland", () => {
    const [lon, lat] = countryCentroid('US')!
    expect(lon).toBeGreaterThan(-110)
    expect(lon).toBeLessThan(-90)
    expect(lat).toBeGreaterThan(33)
    expect(lat).toBeLessThan(45)
    const [flon, flat] = countryCentroid('FR')!
    expect(flon).toBeGreaterThan(-2)
    expect(flon).toBeLessThan(6)
    expect(flat).toBeGreaterThan(43)
    expect(flat).toBeLessThan(49)
    expect(countryCentroid('SG')).toBeNull() // too small for the 110m map
    expect(centroid({ type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]] })).toEqual([1, 1])
  })
})
