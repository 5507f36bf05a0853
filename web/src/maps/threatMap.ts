// The Global Threat Map's rows and ECharts option, as pure functions: countries
// shaded by their traffic (a log scale: a few countries carry most of it), a
// marker per country with its Now and Prev flows and bytes on hover.

import type { Measure, Row } from '../api/types'
import { bytes, count, measure as fmt, pct } from '../lib/format'
import { COLOURS, esc } from './graph'

// CountryRow is one country's traffic, Now and Prev.
export interface CountryRow {
  country: string // alpha-2
  flows_now: number
  flows_prev: number
  bytes_now: number
  bytes_prev: number
  flows_delta: number
  bytes_delta: number
  flows_pct?: number
  bytes_pct?: number
  lat?: number
  lon?: number
  ips: string[] // listed addresses of the country (the malicious IPs insight), busiest first
  [k: string]: unknown
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0)
const percent = (now: number, prev: number) => (prev > 0 ? Math.round(((now - prev) / prev) * 10000) / 100 : undefined)

// byCountry sums an insight's rows per country (the countries insight has a row
// per country and direction; the threat map one per country, with lat and lon).
// Rows without a country are left out: they cannot be placed.
export function byCountry(rows: Row[], ips: Row[] = []): CountryRow[] {
  const m = new Map<string, CountryRow>()
  for (const r of rows) {
    const c = String(r.country ?? '').toUpperCase()
    if (!c) continue
    let x = m.get(c)
    if (!x) {
      x = { country: c, flows_now: 0, flows_prev: 0, bytes_now: 0, bytes_prev: 0, flows_delta: 0, bytes_delta: 0, ips: [] }
      m.set(c, x)
    }
    x.flows_now += num(r.flows_now)
    x.flows_prev += num(r.flows_prev)
    x.bytes_now += num(r.bytes_now)
    x.bytes_prev += num(r.bytes_prev)
    if (typeof r.lat === 'number' && typeof r.lon === 'number') {
      x.lat = r.lat
      x.lon = r.lon
    }
  }
  for (const r of ips) {
    const x = m.get(String(r.country ?? '').toUpperCase())
    const ip = String(r.ip ?? '')
    if (x && ip && !x.ips.includes(ip)) x.ips.push(ip)
  }
  for (const x of m.values()) {
    x.flows_delta = x.flows_now - x.flows_prev
    x.bytes_delta = x.bytes_now - x.bytes_prev
    x.flows_pct = percent(x.flows_now, x.flows_prev)
    x.bytes_pct = percent(x.bytes_now, x.bytes_prev)
  }
  return [...m.values()].sort((a, b) => b.flows_now - a.flows_now || b.bytes_now - a.bytes_now || a.country.localeCompare(b.country))
}

// countryTooltip is the HTML of a country's marker and shape.
export function countryTooltip(r: CountryRow, name: string, what: string): string {
  const delta = (now: number, prev: number, p: number | undefined, kind: Measure) => {
    const d = now - prev
    if (d === 0) return '='
    const s = (d > 0 ? '↑ ' : '↓ ') + fmt(kind, Math.abs(d))
    return s + (prev === 0 ? ' new' : p !== undefined ? ' ' + pct(p) : '')
  }
  const ips = r.ips.length ? `listed: ${esc(r.ips.slice(0, 4).join(', '))}${r.ips.length > 4 ? ` +${r.ips.length - 4}` : ''}<br/>` : ''
  return (
    `<b>${esc(name)}</b> <span style="color:${COLOURS.muted}">${esc(r.country)} · ${esc(what)}</span>` +
    `<table class="tt"><tr><td></td><th>Now</th><th>Prev</th><th>Δ</th></tr>` +
    `<tr><td>flows</td><td>${count(r.flows_now)}</td><td>${count(r.flows_prev)}</td><td>${delta(r.flows_now, r.flows_prev, r.flows_pct, 'flows')}</td></tr>` +
    `<tr><td>bytes</td><td>${bytes(r.bytes_now)}</td><td>${bytes(r.bytes_prev)}</td><td>${delta(r.bytes_now, r.bytes_prev, r.bytes_pct, 'bytes')}</td></tr></table>` +
    ips +
    `<span style="color:${COLOURS.muted}">click: its flows in the Traffic Query</span>`
  )
}

export interface ThreatMapInput {
  rows: CountryRow[]
  by: Measure
  map: string // the registered map's name
  what: string // "malicious traffic" or "external traffic"
  name: (iso: string) => string
  centroid: (iso: string) => [number, number] | null // [lon, lat], when a row has none
  colors?: string[] // the shade's stops, light to dark
}

export interface ThreatMap {
  option: Record<string, unknown>
  markers: CountryRow[] // by the marker series' dataIndex
  unplaced: string[] // countries with neither coordinates nor a shape
  scale: { colors: string[]; max: number } // for the page's key
}

export const MALICIOUS_SHADES = ['#fde4de', '#f08a6f', '#c93a22', '#7a140b']
export const EXTERNAL_SHADES = ['#e1edf9', '#8fb9e6', '#2f7bc8', '#0b3f78']

const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16))

// shade is the colour at t (0 to 1) along the stops.
export function shade(stops: string[], t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1)
  const i = Math.min(stops.length - 2, Math.floor(x))
  const a = hex(stops[i])
  const b = hex(stops[i + 1])
  const f = x - i
  return '#' + a.map((v, k) => Math.round(v + (b[k] - v) * f).toString(16).padStart(2, '0')).join('')
}

// level is where a value sits on the log scale of the map: 0 for none, 1 for the most.
export function level(v: number, max: number): number {
  return v > 0 && max > 0 ? Math.log10(1 + v) / Math.log10(1 + max) : 0
}

// buildThreatMap: the geo component's regions are shaded (countries without
// traffic keep the base colour), series 0 places the markers.
export function buildThreatMap(i: ThreatMapInput): ThreatMap {
  const value = (r: CountryRow) => (i.by === 'flows' ? r.flows_now : r.bytes_now)
  const shown = i.rows.filter((r) => value(r) > 0 || (i.by === 'flows' ? r.flows_prev : r.bytes_prev) > 0)
  const max = Math.max(1, ...shown.map(value))
  const colors = i.colors ?? MALICIOUS_SHADES
  const markers: CountryRow[] = []
  const points: { name: string; value: [number, number, number] }[] = []
  const unplaced: string[] = []
  for (const r of shown) {
    const at: [number, number] | null = r.lon !== undefined && r.lat !== undefined ? [r.lon, r.lat] : i.centroid(r.country)
    if (value(r) === 0) continue // Prev only: shaded as none, no marker
    if (!at) {
      unplaced.push(r.country)
      continue
    }
    markers.push(r)
    points.push({ name: r.country, value: [at[0], at[1], value(r)] })
  }
  const byIso = new Map(shown.map((r) => [r.country, r]))
  const tip = (iso: string) => {
    const r = byIso.get(iso)
    const name = i.name(iso) || iso
    if (!r) return `<b>${esc(name)}</b><br/><span style="color:${COLOURS.muted}">no ${esc(i.what)} in this time range</span>`
    return countryTooltip(r, name, i.what)
  }
  const option = {
    animation: false,
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: { componentType?: string; name: string; dataIndex: number }) =>
        p.componentType === 'series' ? tip(markers[p.dataIndex]?.country ?? p.name) : p.name ? tip(p.name) : '',
    },
    geo: {
      map: i.map,
      nameProperty: 'iso',
      roam: true,
      scaleLimit: { min: 1, max: 8 },
      left: 10,
      right: 10,
      top: 10,
      bottom: 10,
      itemStyle: { areaColor: '#e6ebf1', borderColor: '#ffffff', borderWidth: 0.6 },
      emphasis: { itemStyle: { areaColor: '#c9dcf2' }, label: { show: false } },
      select: { disabled: true },
      tooltip: { show: true },
      regions: shown.map((r) => ({
        name: r.country,
        itemStyle: { areaColor: value(r) > 0 ? shade(colors, 0.12 + 0.88 * level(value(r), max)) : '#e6ebf1' },
        emphasis: { itemStyle: { areaColor: shade(colors, 1) } },
      })),
    },
    series: [
      {
        type: 'scatter',
        coordinateSystem: 'geo',
        data: points,
        symbolSize: (v: [number, number, number]) => Math.round(7 + 20 * Math.sqrt(v[2] / max)),
        itemStyle: { color: 'rgba(22,32,44,.78)', borderColor: '#ffffff', borderWidth: 1.5, shadowBlur: 4, shadowColor: 'rgba(0,0,0,.3)' },
        emphasis: { scale: 1.3, itemStyle: { color: '#16202c' } },
        label: {
          show: true,
          formatter: (p: { dataIndex: number }) => markers[p.dataIndex]?.country ?? '',
          position: 'right',
          fontSize: 11,
          color: COLOURS.ink,
          fontWeight: 'bold',
          textBorderColor: '#ffffff',
          textBorderWidth: 2,
        },
        labelLayout: { hideOverlap: true },
        z: 5,
      },
    ],
  }
  return { option, markers, unplaced, scale: { colors, max } }
}
