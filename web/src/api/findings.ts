// The findings queue (GET /api/v1/findings, /findings/{id}, its status and
// comments): the shapes of state.Finding and state.Comment, the list's filters
// as they live in the address, and the ATT&CK names the pages show.

import { get, post, type Params } from './client'

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const
export type Severity = (typeof SEVERITIES)[number]

// STATUSES in workflow order (state.Statuses).
export const STATUSES = ['open', 'acknowledged', 'resolved', 'false_positive'] as const
export type Status = (typeof STATUSES)[number]

// DETECTORS are weir's detectors (detect/<name>: each one's Name()).
export const DETECTORS = [
  'beaconing', 'brute-force', 'exfiltration', 'lateral-movement', 'legacy-protocol', 'long-connection',
  'malicious-ip', 'port-scan', 'remote-access-tool', 'shadow-llm',
]

// TACTICS names MITRE ATT&CK Enterprise tactics by id (source: attack.mitre.org/tactics/enterprise, v15;
// the same table as agent/attack.go).
export const TACTICS: Record<string, string> = {
  TA0043: 'Reconnaissance',
  TA0042: 'Resource Development',
  TA0001: 'Initial Access',
  TA0002: 'Execution',
  TA0003: 'Persistence',
  TA0004: 'Privilege Escalation',
  TA0005: 'Defense Evasion',
  TA0006: 'Credential Access',
  TA0007: 'Discovery',
  TA0008: 'Lateral Movement',
  TA0009: 'Collection',
  TA0011: 'Command and Control',
  TA0010: 'Exfiltration',
  TA0040: 'Impact',
}

export interface ScoreReason {
  reason: string
  points: number
}

export interface Finding {
  id: string
  key: string
  detector: string
  title: string
  tactics: string[]
  techniques: string[]
  severity: string
  score: number
  first_seen: string
  last_seen: string
  entities: { sources: string[] | null; destinations: string[] | null; workloads: string[] | null }
  evidence: {
    flows: number
    bytes: number
    ports?: number[]
    countries?: string[]
    filter: string
    score_reasons: ScoreReason[] | null
    details?: Record<string, unknown>
  }
  summary: string
  status: string
  status_at: string
  status_by: string
  created: string
  updated: string
  hunts: number
  comments?: Comment[]
}

export interface Comment {
  id: number
  finding_id: string
  author: string
  time: string
  text: string
}

export interface FindingList {
  findings: Finding[]
  next_offset?: number
}

export function severityRank(s: string): number {
  const i = SEVERITIES.indexOf(s as Severity)
  return i < 0 ? 0 : SEVERITIES.length - i
}

export function statusLabel(s: string): string {
  return s === 'false_positive' ? 'false positive' : s || 'open'
}

// tacticLabel is "TA0008 Lateral Movement", or the bare id when unknown.
export function tacticLabel(id: string): string {
  return TACTICS[id] ? `${id} ${TACTICS[id]}` : id
}

// attackURL is the ATT&CK page of a tactic or technique id (T1021.002 → techniques/T1021/002/).
export function attackURL(id: string): string {
  if (/^TA\d{4}$/.test(id)) return `https://attack.mitre.org/tactics/${id}/`
  const m = /^(T\d{4})(?:\.(\d{3}))?$/.exec(id)
  if (m) return `https://attack.mitre.org/techniques/${m[1]}/${m[2] ? m[2] + '/' : ''}`
  return 'https://attack.mitre.org/'
}

// ListFilter is the list's filter, as the address keeps it (?status=&severity=&detector=&tactic=&since=&q=).
// since is relative (24h, 7d) or RFC 3339.
export interface ListFilter {
  status: string[]
  severity: string
  detector: string
  tactic: string
  since: string
  q: string
}

type Query = Record<string, unknown>

function one(v: unknown): string {
  if (Array.isArray(v)) v = v[0]
  return typeof v === 'string' ? v : ''
}

// filterFromQuery reads the filter from a route's query, dropping what the API would refuse.
export function filterFromQuery(q: Query): ListFilter {
  const status = one(q.status)
    .split(',')
    .filter((s) => (STATUSES as readonly string[]).includes(s))
  const severity = one(q.severity)
  return {
    status,
    severity: (SEVERITIES as readonly string[]).includes(severity) ? severity : '',
    detector: one(q.detector),
    tactic: one(q.tactic),
    since: one(q.since),
    q: one(q.q),
  }
}

// filterToQuery is the route query of a filter: empty parts left out.
export function filterToQuery(f: ListFilter): Record<string, string> {
  const out: Record<string, string> = {}
  if (f.status.length) out.status = f.status.join(',')
  for (const k of ['severity', 'detector', 'tactic', 'since', 'q'] as const) if (f[k]) out[k] = f[k]
  return out
}

// sinceTime turns a relative since (30m, 24h, 7d) into RFC 3339 as of now; RFC 3339 passes through.
export function sinceTime(since: string, now: Date = new Date()): string {
  const m = /^(\d+)([mhd])$/.exec(since)
  if (!m) return since
  const ms = Number(m[1]) * { m: 60e3, h: 3600e3, d: 86400e3 }[m[2] as 'm' | 'h' | 'd']
  return new Date(now.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

// listParams are the API's parameters for a filter.
export function listParams(f: ListFilter, limit: number, offset = 0, now?: Date): Params {
  return {
    status: f.status.join(','),
    severity: f.severity,
    detector: f.detector,
    tactic: f.tactic,
    since: f.since ? sinceTime(f.since, now) : '',
    q: f.q,
    limit,
    offset: offset || undefined,
  }
}

export const fetchFindings = (f: ListFilter, limit: number, offset = 0, signal?: AbortSignal) =>
  get<FindingList>('findings', listParams(f, limit, offset), signal)

export const fetchFinding = (id: string, signal?: AbortSignal) => get<Finding>('findings/' + encodeURIComponent(id), {}, signal)

export const setStatus = (id: string, status: string, note: string) =>
  post<Finding>('findings/' + encodeURIComponent(id) + '/status', note ? { status, note } : { status })

export const addComment = (id: string, text: string) => post<Comment>('findings/' + encodeURIComponent(id) + '/comments', { text })

// coverRange is the console's time range (window, until) that holds [first, last] of a finding, when the
// current one does not: the smallest window that does, ending at the hour after last. null: keep the current.
export function coverRange(
  first: string,
  last: string,
  current: { window: string; until: string },
  now: Date = new Date(),
): { window: string; until: string } | null {
  const f = Date.parse(first)
  const l = Date.parse(last)
  if (!Number.isFinite(f) || !Number.isFinite(l)) return null
  const hour = 3600e3
  const winMs = (w: string) => Number(/^(\d+)h$/.exec(w)?.[1] ?? 24) * hour
  const until = current.until ? Date.parse(current.until) : now.getTime()
  if (f >= until - winMs(current.window) && l < until) return null
  const end = Math.min(Math.floor(l / hour) * hour + hour, Math.ceil(now.getTime() / hour) * hour)
  for (const w of ['1h', '24h', '168h']) {
    if (end - winMs(w) <= f) {
      const untilISO = end >= now.getTime() ? '' : new Date(end).toISOString().replace(/\.\d{3}Z$/, 'Z')
      return { window: w, until: untilISO }
    }
  }
  return { window: '168h', until: new Date(end).toISOString().replace(/\.\d{3}Z$/, 'Z') }
}
