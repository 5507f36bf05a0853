// What each insight's rows hold and how a row drills down: the key columns
// (with the filter field each stands for), the insight's own columns, and the
// filter of a row for the Traffic Query. One entry per insight id of the API
// (GET /api/v1/openapi.json lists them; insight/defs.go defines them).

import type { Cell, Row } from '../api/types'
import { and, eq, quote } from '../lib/filters'
import { bytes, count, text } from '../lib/format'

export interface KeyColumn {
  key: string // the column in the insight's rows
  label: string
  field?: string // the filter field a row's value stands for; none: not part of the drill-down
  workload?: boolean // a workload name: links to its Resource page
  format?: (v: Cell, row: Row) => string
}

export interface ExtraColumn {
  key: string
  label: string
  numeric?: boolean
  format?: (v: Cell, row: Row) => string
}

export interface InsightShape {
  keys: KeyColumn[]
  extras?: ExtraColumn[]
  own?: string // the insight's own condition, for the drill-down (DESIGN §6)
  drill?: (row: Row) => string // a row's filter, when the keys alone do not say it
}

const yesNo = (v: Cell) => (v === true ? 'sanctioned' : v === false ? 'unsanctioned' : text(v))

export const shapes: Record<string, InsightShape> = {
  'risky-services': {
    keys: [
      { key: 'service', label: 'Service', field: 'service' },
      { key: 'port', label: 'Ports' },
      { key: 'proto', label: 'Proto', field: 'proto' },
      { key: 'service.risk', label: 'Risk' },
    ],
    own: 'service.risk >= medium',
  },
  'destination-roles': { keys: [{ key: 'dst.role', label: 'Destination role', field: 'dst.role' }] },
  'workloads-by-role': {
    keys: [
      { key: 'src.ip', label: 'Source IP', field: 'src.ip' },
      { key: 'src.workload', label: 'Source workload', field: 'src.workload', workload: true },
      { key: 'dst.role', label: 'Destination role', field: 'dst.role' },
    ],
  },
  zones: {
    keys: [
      { key: 'src.zone', label: 'Source zone', field: 'src.zone' },
      { key: 'dst.zone', label: 'Destination zone', field: 'dst.zone' },
    ],
  },
  'cross-region': {
    keys: [
      { key: 'src.region', label: 'Source region', field: 'src.region' },
      { key: 'dst.region', label: 'Destination region', field: 'dst.region' },
    ],
  },
  'malicious-ips': {
    keys: [
      { key: 'ip', label: 'Malicious IP', field: 'ip' },
      { key: 'direction', label: 'Direction', field: 'direction' },
      { key: 'country', label: 'Country' },
      { key: 'threat', label: 'Feeds' },
    ],
    extras: [
      { key: 'services', label: 'Services (Now)', format: (v) => text(v).replace(/,/g, ', ') },
      { key: 'allowed', label: 'Allowed', numeric: true, format: count },
      { key: 'denied', label: 'Denied', numeric: true, format: count },
    ],
  },
  'malicious-services': {
    keys: [
      { key: 'service', label: 'Service', field: 'service' },
      { key: 'port', label: 'Ports' },
      { key: 'proto', label: 'Proto', field: 'proto' },
    ],
    own: 'threat = any',
  },
  'threat-map': {
    keys: [{ key: 'country', label: 'Country of the listed end' }],
    drill: (r) => `(src.threat = any and src.country = ${quote(r.country)}) or (dst.threat = any and dst.country = ${quote(r.country)})`,
  },
  'external-transfers': {
    // The keys depend on group=; every possible key is listed, the absent ones are dropped.
    keys: [
      { key: 'dst.category', label: 'Destination category', field: 'dst.category' },
      { key: 'service', label: 'Service', field: 'service' },
      { key: 'dst.country', label: 'Destination country', field: 'dst.country' },
      { key: 'src.ip', label: 'Source IP', field: 'src.ip' },
      { key: 'src.workload', label: 'Source workload', field: 'src.workload', workload: true },
    ],
    extras: [{ key: 'bytes_per_flow', label: 'Bytes/flow', numeric: true, format: bytes }],
    own: 'direction = outbound',
  },
  countries: {
    keys: [
      { key: 'country', label: 'Country' },
      { key: 'direction', label: 'Direction', field: 'direction' },
    ],
    drill: (r) => and(eq('direction', r.direction), eq(r.direction === 'inbound' ? 'src.country' : 'dst.country', r.country)),
  },
  'shadow-llm': {
    keys: [
      { key: 'llm.provider', label: 'LLM provider', field: 'llm.provider' },
      { key: 'llm.sanctioned', label: 'Status', field: 'llm.sanctioned', format: yesNo },
    ],
  },
  'llm-sources': {
    keys: [
      { key: 'src.ip', label: 'Source IP', field: 'src.ip' },
      { key: 'src.workload', label: 'Source workload', field: 'src.workload', workload: true },
      { key: 'llm.provider', label: 'LLM provider', field: 'llm.provider' },
    ],
    own: 'direction = outbound',
  },
  timeline: { keys: [{ key: 'time', label: 'Bucket start' }] },
}

// rowFilter is the Traffic Query filter of one row: the page's filter (service
// chips), the widget's own condition and the row's keys.
export function rowFilter(insight: string, row: Row, pageFilter = '', widgetFilter = ''): string {
  const s = shapes[insight]
  if (!s) return and(pageFilter, widgetFilter)
  let own = s.drill?.(row)
  if (own === undefined) {
    // An empty key is a real group ("no role"): text fields match it with = "";
    // an address field has no such value, so it is left out.
    const usable = (k: KeyColumn) => k.field && k.key in row && !(isEmpty(row[k.key]) && /(^|\.)ip$/.test(k.field))
    own = and(...s.keys.filter(usable).map((k) => eq(k.field!, row[k.key] ?? '')))
  }
  return and(pageFilter, widgetFilter, s.own, own)
}

const isEmpty = (v: Cell) => v === undefined || v === null || v === ''

// keyColumns are the key columns present in a result.
export function keyColumns(insight: string, columns: string[]): KeyColumn[] {
  const s = shapes[insight]
  if (!s) return columns.filter((c) => !c.includes('_now') && !c.includes('_prev')).map((c) => ({ key: c, label: c }))
  return s.keys.filter((k) => columns.includes(k.key))
}

export function extraColumns(insight: string, columns: string[]): ExtraColumn[] {
  return (shapes[insight]?.extras ?? []).filter((e) => columns.includes(e.key))
}
