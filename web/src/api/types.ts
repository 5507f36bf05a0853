// Shapes of the API's answers that several pages read.

export type Cell = string | number | boolean | null | undefined
export type Row = Record<string, Cell>

// InsightResult is GET /api/v1/insights/{id}: rows of keys, then the measures
// flows_now, flows_prev, bytes_now, bytes_prev, flows_delta, bytes_delta,
// flows_pct, bytes_pct (pct absent when Prev is 0), then the insight's own columns.
export interface InsightResult {
  id: string
  title: string
  from: string
  until: string
  prev_from: string
  columns: string[]
  rows: Row[]
  table: string
}

// FlowsResult is GET /api/v1/flows without by.
export interface FlowsResult {
  from: string
  until: string
  flows: Row[]
  next_offset?: number
}

// GroupsResult is GET /api/v1/flows with by=: sums per group.
export interface GroupsResult {
  from: string
  until: string
  table: string
  rows: Row[]
}

// Field is one name of the filter language (GET /api/v1/fields).
export interface Field {
  name: string
  type: string
  values?: string[]
  doc: string
}

export type Measure = 'flows' | 'bytes'

export const MEASURES = ['flows_now', 'flows_prev', 'bytes_now', 'bytes_prev', 'flows_delta', 'bytes_delta', 'flows_pct', 'bytes_pct']
