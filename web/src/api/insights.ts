// Calls for the Hub and the dashboards.

import { get, type Params } from './client'
import type { FlowsResult, GroupsResult, InsightResult, Measure } from './types'
import type { TimeRangeValue } from '../state/timeRange'

export interface InsightQuery {
  range: TimeRangeValue
  by?: Measure
  limit?: number
  q?: string
  params?: Params // the insight's own: service, group, provider, sanctioned, bucket, risk
}

export function rangeParams(range: TimeRangeValue): Params {
  return { window: range.window, until: range.until || undefined }
}

export function fetchInsight(id: string, iq: InsightQuery, signal?: AbortSignal): Promise<InsightResult> {
  return get<InsightResult>(
    'insights/' + encodeURIComponent(id),
    { ...rangeParams(iq.range), by: iq.by, limit: iq.limit, q: iq.q, ...(iq.params ?? {}) },
    signal,
  )
}

export function fetchFlows(q: string, range: TimeRangeValue, limit = 100, offset = 0, signal?: AbortSignal): Promise<FlowsResult> {
  return get<FlowsResult>('flows', { q, ...rangeParams(range), limit, offset: offset || undefined }, signal)
}

export function fetchGroups(q: string, by: string[], range: TimeRangeValue, order: Measure = 'flows', limit = 100, signal?: AbortSignal): Promise<GroupsResult> {
  return get<GroupsResult>('flows', { q, by: by.join(','), order, ...rangeParams(range), limit }, signal)
}
