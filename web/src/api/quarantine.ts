// The quarantine dashboard's data (GET /api/v1/quarantine, /agents) and its one
// write here, the release (POST /api/v1/quarantine/{id}/release). Shapes of
// quarantine.Quarantine with the inventory's columns (api dashboardRow), and
// quarantine.AgentReport.

import { get, post } from './client'

// STATES in workflow order (quarantine.States).
export const STATES = ['requested', 'in_progress', 'quarantined', 'leaking', 'failed', 'releasing', 'released'] as const
export type State = (typeof STATES)[number]

// TRANSITIONAL states move by themselves: the dashboard refreshes while any row is in one.
export const TRANSITIONAL: readonly string[] = ['requested', 'in_progress', 'releasing']

export interface Quarantine {
  id: string
  workload: string
  state: string
  reason: string
  allow: string[] | null
  expires?: string
  enforcer?: string
  error?: string
  attempts: number
  next_attempt?: string
  created_by: string
  created_at: string
  updated_at: string
  quarantined_at?: string
  released_by?: string
  release_reason?: string
  released_at?: string
  holds_since?: string
  // from the inventory
  kind?: string
  cloud?: string
  account?: string
  region?: string
  labels?: Record<string, string>
}

export interface AgentReport {
  workload: string
  isolate: boolean
  quarantine_id?: string
  error?: string
  version?: string
  seen_at: string
}

export function stateLabel(s: string): string {
  return s.replace(/_/g, ' ')
}

// stateTone is the pill's colour: bad for what needs a person, ok for held, warn for moving.
export function stateTone(s: string): 'bad' | 'ok' | 'warn' | 'done' | '' {
  switch (s) {
    case 'failed':
    case 'leaking':
      return 'bad'
    case 'quarantined':
      return 'ok'
    case 'requested':
    case 'in_progress':
    case 'releasing':
      return 'warn'
    case 'released':
      return 'done'
  }
  return ''
}

// releasable: the API releases anything not already releasing or released.
export function releasable(q: Pick<Quarantine, 'state'>): boolean {
  return q.state !== 'releasing' && q.state !== 'released'
}

export function anyTransitional(qs: Pick<Quarantine, 'state'>[]): boolean {
  return qs.some((q) => TRANSITIONAL.includes(q.state))
}

// quarantineTime is the dashboard's time: when it took hold, else when it was asked for.
export function quarantineTime(q: Pick<Quarantine, 'quarantined_at' | 'created_at'>): string {
  return q.quarantined_at || q.created_at
}

// utcSeconds shows an RFC 3339 time to the second ("2026-01-15 10:00:07 UTC"): quarantines move in seconds.
export function utcSeconds(t: string | undefined): string {
  if (!t) return '—'
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return t
  return d.toISOString().slice(0, 19).replace('T', ' ') + ' UTC'
}

// labelList shows labels as "key=value" sorted by key.
export function labelList(labels: Record<string, string> | undefined): string[] {
  return Object.entries(labels ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
}

export const fetchQuarantines = (states: string[], signal?: AbortSignal) =>
  get<{ quarantines: Quarantine[] }>('quarantine', { state: states.join(',') }, signal)

export const fetchAgents = (signal?: AbortSignal) => get<{ agents: AgentReport[] }>('agents', {}, signal)

export const releaseQuarantine = (id: string, reason: string) =>
  post<Quarantine>('quarantine/' + encodeURIComponent(id) + '/release', { reason })
