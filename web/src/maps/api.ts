// The maps' and the resource page's calls (api/maps.go).

import { get } from '../api/client'
import { rangeParams } from '../api/insights'
import type { TimeRangeValue } from '../state/timeRange'
import type { GraphMap, Group, ResourceSummary } from './types'

const path = (w: string) => encodeURIComponent(w)

// fetchResourceMap: GET /api/v1/maps/resource/{workload}?depth=&limit=
export function fetchResourceMap(workload: string, depth: number, limit: number, range: TimeRangeValue, signal?: AbortSignal) {
  return get<GraphMap>('maps/resource/' + path(workload), { depth, limit, ...rangeParams(range) }, signal)
}

// fetchCommunications: GET /api/v1/maps/communications?group=&limit=
export function fetchCommunications(group: Group, limit: number, range: TimeRangeValue, q = '', signal?: AbortSignal) {
  return get<GraphMap>('maps/communications', { group, limit, q, ...rangeParams(range) }, signal)
}

// fetchResource: GET /api/v1/resources/{workload}?limit=
export function fetchResource(workload: string, limit: number, range: TimeRangeValue, signal?: AbortSignal) {
  return get<ResourceSummary>('resources/' + path(workload), { limit, ...rangeParams(range) }, signal)
}
