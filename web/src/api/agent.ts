// The Insights Agent's summaries (GET /api/v1/agent/summaries): the shape of
// agent.Summary, the personas, and how a narrative is shown — split into its
// sentences, with the facts the agent keeps verbatim picked out (and the
// workloads and IPs among them made links).

import { get } from './client'

export const PERSONAS = [
  { id: 'threat-hunting', label: 'Threat Hunting' },
  { id: 'incident-response', label: 'Incident Response' },
  { id: 'data-protection', label: 'Data Protection' },
  { id: 'compliance', label: 'Compliance' },
] as const

export const ATTENTION = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const

export interface SummaryLink {
  id: string
  title: string
  detector: string
  severity: string
  score: number
  status: string
  last_seen: string
  url: string
}

export interface SummaryComment {
  finding_id: string
  author: string
  text: string
  at: string
}

export interface Summary {
  persona: string
  attention: string
  tags: string[] | null
  narrative: string
  narrative_source: string
  facts: string[] | null
  counts: { total: number; critical: number; high: number; medium: number; low: number }
  findings: SummaryLink[] | null
  comments: SummaryComment[] | null
  generated_at: string
}

export const fetchSummaries = (persona = '', signal?: AbortSignal) =>
  get<{ summaries: Summary[] }>('agent/summaries', { persona }, signal)

export function personaLabel(id: string): string {
  return PERSONAS.find((p) => p.id === id)?.label ?? id
}

export function attentionTone(a: string): 'bad' | 'warn' | 'ok' | '' {
  switch (a.toUpperCase()) {
    case 'CRITICAL':
    case 'HIGH':
      return 'bad'
    case 'MEDIUM':
      return 'warn'
    case 'LOW':
      return 'ok'
  }
  return ''
}

// sentences splits a narrative for reading: by its lines when it has some (a
// reworded narrative may), else after each full stop that ends a sentence.
export function sentences(narrative: string): string[] {
  const text = narrative.trim()
  if (!text) return []
  const parts = /\n/.test(text) ? text.split(/\n+/) : text.split(/(?<=[.!?])\s+(?=[A-Z0-9])/)
  return parts.map((p) => p.replace(/^\s*[-*•]\s+/, '').trim()).filter(Boolean)
}

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'fact'; text: string }
  | { kind: 'workload'; text: string }
  | { kind: 'ip'; text: string }

const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]+)(\/\d+)?$/i

// worthMarking leaves out the facts that are bare small numbers, dates and times:
// marking every "5" would mark nothing.
function worthMarking(f: string): boolean {
  if (f.length < 2) return false
  if (/^\d+(\.\d+)?$/.test(f)) return false
  if (/^\d{4}-\d{2}-\d{2}$/.test(f) || /^\d{2}:\d{2}$/.test(f)) return false
  return true
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

// segments cuts a sentence into text and facts; a fact that is one of workloads
// is a workload, one that is an IP address an ip. Longer facts win over their parts.
export function segments(sentence: string, facts: string[], workloads: Set<string> = new Set()): Segment[] {
  const terms = [...new Set([...facts.filter(worthMarking), ...workloads])].sort((a, b) => b.length - a.length)
  if (!terms.length) return sentence ? [{ kind: 'text', text: sentence }] : []
  const re = new RegExp(`(?<![\\w.:-])(${terms.map(escape).join('|')})(?![\\w-]|[.:]\\w)`, 'g')
  const out: Segment[] = []
  let at = 0
  for (const m of sentence.matchAll(re)) {
    const i = m.index ?? 0
    if (i > at) out.push({ kind: 'text', text: sentence.slice(at, i) })
    const t = m[0]
    out.push({ kind: workloads.has(t) ? 'workload' : IP.test(t) ? 'ip' : 'fact', text: t })
    at = i + t.length
  }
  if (at < sentence.length) out.push({ kind: 'text', text: sentence.slice(at) })
  return out
}
