// The world of the Global Threat Map: world-atlas's countries (Natural Earth,
// 1:110m, TopoJSON) as GeoJSON, each country named by its ISO alpha-2 code, and
// a centroid per country to place a marker where the API gives no coordinates.
// Only the Threat Map page imports this module, so the atlas lands in its chunk.

import { feature } from 'topojson-client'
import atlas from 'world-atlas/countries-110m.json'
import { alpha2 } from '../geo/iso3166'

export type Ring = [number, number][]
export interface Geometry {
  type: 'Polygon' | 'MultiPolygon'
  coordinates: Ring[] | Ring[][]
}
export interface Country {
  type: 'Feature'
  id?: string
  properties: { name: string; iso: string }
  geometry: Geometry
}
export interface World {
  type: 'FeatureCollection'
  features: Country[]
}

// unwrap keeps a ring that crosses the antimeridian (Russia's Chukotka, Fiji)
// in one piece: its western longitudes go past 180° instead of jumping to −180°,
// which a flat projection would draw as a stripe across the world.
export function unwrap(ring: Ring): Ring {
  let jumps = false
  for (let i = 1; i < ring.length && !jumps; i++) jumps = Math.abs(ring[i][0] - ring[i - 1][0]) > 180
  return jumps ? ring.map(([lon, lat]) => [lon < 0 ? lon + 360 : lon, lat]) : ring
}

function unwrapGeometry(g: Geometry): Geometry {
  if (g.type === 'Polygon') return { type: g.type, coordinates: (g.coordinates as Ring[]).map(unwrap) }
  return { type: g.type, coordinates: (g.coordinates as Ring[][]).map((p) => p.map(unwrap)) }
}

// toWorld turns a world-atlas topology into GeoJSON keyed by alpha-2 (iso), without Antarctica.
export function toWorld(topology: { objects: { countries: unknown } }): World {
  const fc = feature(topology, topology.objects.countries) as unknown as {
    features: { id?: string; properties: { name: string }; geometry: Geometry | null }[]
  }
  const features: Country[] = []
  for (const f of fc.features) {
    const iso = alpha2(f.id, f.properties.name)
    if (!f.geometry || iso === 'AQ') continue
    features.push({ type: 'Feature', id: f.id, properties: { name: f.properties.name, iso }, geometry: unwrapGeometry(f.geometry) })
  }
  return { type: 'FeatureCollection', features }
}

// ringArea is a ring's signed area in square degrees (shoelace); ringCentroid its centroid.
function ringArea(r: Ring): number {
  let a = 0
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += r[j][0] * r[i][1] - r[i][0] * r[j][1]
  return a / 2
}
function ringCentroid(r: Ring): [number, number] {
  let x = 0
  let y = 0
  let a = 0
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const f = r[j][0] * r[i][1] - r[i][0] * r[j][1]
    x += (r[j][0] + r[i][0]) * f
    y += (r[j][1] + r[i][1]) * f
    a += f
  }
  if (Math.abs(a) < 1e-12) return r[0]
  return [x / (3 * a), y / (3 * a)]
}

// centroid is the centroid of a country's largest polygon (the mainland: France
// without French Guiana, the United States without Alaska), as [lon, lat].
export function centroid(g: Geometry): [number, number] | null {
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Ring[][]
  let best: Ring | null = null
  let bestArea = 0
  for (const p of polygons) {
    const outer = p[0]
    if (!outer || outer.length < 3) continue
    const a = Math.abs(ringArea(outer))
    if (a > bestArea) {
      bestArea = a
      best = outer
    }
  }
  return best ? ringCentroid(best) : null
}

let world: World | undefined
let centroids: Map<string, [number, number]> | undefined

// theWorld is the atlas as GeoJSON, converted once.
export function theWorld(): World {
  world ??= toWorld(atlas as unknown as { objects: { countries: unknown } })
  return world
}

// countryCentroid is where a country's marker goes when the API gives no coordinates.
export function countryCentroid(iso: string): [number, number] | null {
  if (!centroids) {
    centroids = new Map()
    for (const f of theWorld().features) {
      const c = centroid(f.geometry)
      if (c && f.properties.iso) centroids.set(f.properties.iso, c)
    }
  }
  return centroids.get(iso) ?? null
}

// atlasName is a country's name in the atlas ("United States of America"), by alpha-2.
export function atlasName(iso: string): string {
  return theWorld().features.find((f) => f.properties.iso === iso)?.properties.name ?? ''
}
