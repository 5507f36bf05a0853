// The Hub's seven cards: each reads one insight (all its rows, to total them)
// and shows the headline Now against Prev and its top rows; its title opens
// the dashboard.

import type { Params } from '../api/client'
import type { Row } from '../api/types'
import { text } from '../lib/format'

export interface Totals {
  flowsNow: number
  flowsPrev: number
  bytesNow: number
  bytesPrev: number
}

export interface HubCard {
  id: string // the dashboard it opens: /insights/<id>
  title: string
  insight: string // the insight totalled for the headline
  params?: Params
  what: string // what the headline counts
  include?: (row: Row) => boolean // rows that count for the headline (default all)
  top?: string // another insight for the top rows (default the same)
  topParams?: Params
  label: (row: Row) => string
  tag?: (row: Row) => { text: string; tone: 'bad' | 'ok' | 'warn' } | undefined
}

const arrow = (a: unknown, b: unknown) => `${text(a)} → ${text(b)}`

export const hubCards: HubCard[] = [
  {
    id: 'risky-services', title: 'Risky Services', insight: 'risky-services', what: 'traffic of medium- and high-risk services',
    label: (r) => `${text(r.service)} · ${text(r.proto)}/${text(r.port)}`,
    tag: (r) => (r['service.risk'] === 'high' ? { text: 'high', tone: 'bad' } : { text: String(r['service.risk'] ?? ''), tone: 'warn' }),
  },
  {
    id: 'malicious-ips', title: 'Malicious IP Threats', insight: 'malicious-services', what: 'traffic with an end on a threat feed',
    top: 'malicious-ips', topParams: {},
    label: (r) => `${text(r.ip)} · ${text(r.country)}`,
    tag: (r) => ({ text: String(r.direction ?? ''), tone: r.direction === 'inbound' ? 'warn' : 'bad' }),
  },
  {
    id: 'external-transfers', title: 'External Data Transfer', insight: 'external-transfers', params: { group: 'category' },
    what: 'outbound traffic', label: (r) => text(r['dst.category']),
  },
  {
    id: 'shadow-llm', title: 'Shadow LLMs', insight: 'shadow-llm', what: 'traffic to unsanctioned LLM providers',
    include: (r) => r['llm.sanctioned'] === false,
    label: (r) => text(r['llm.provider']),
    tag: (r) => (r['llm.sanctioned'] === false ? { text: 'unsanctioned', tone: 'bad' } : { text: 'sanctioned', tone: 'ok' }),
  },
  { id: 'zones', title: 'Traffic by Zones', insight: 'zones', what: 'all traffic, by zone pair', label: (r) => arrow(r['src.zone'], r['dst.zone']) },
  {
    id: 'cross-region', title: 'Cross Region Traffic', insight: 'cross-region', what: 'traffic between two regions',
    label: (r) => arrow(r['src.region'], r['dst.region']),
  },
  { id: 'destination-roles', title: 'Top Destination Roles', insight: 'destination-roles', what: 'all traffic, by destination role', label: (r) => text(r['dst.role']) },
]

// HUB_LIMIT rows are asked for to total an insight: every group in any estate
// the demo makes. A result with that many rows is marked as a lower bound.
export const HUB_LIMIT = 1000

export function totals(rows: Row[], include: (r: Row) => boolean = () => true): Totals {
  const t: Totals = { flowsNow: 0, flowsPrev: 0, bytesNow: 0, bytesPrev: 0 }
  for (const r of rows) {
    if (!include(r)) continue
    t.flowsNow += Number(r.flows_now ?? 0)
    t.flowsPrev += Number(r.flows_prev ?? 0)
    t.bytesNow += Number(r.bytes_now ?? 0)
    t.bytesPrev += Number(r.bytes_prev ?? 0)
  }
  return t
}
