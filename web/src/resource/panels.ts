// The resource page's four tables (GET /api/v1/resources/{workload}): their rows
// with the Now − Prev deltas the other tables show, and each row's Traffic Query
// filter, the workload's side of the flows included.

import type { Row } from '../api/types'
import { and, eq } from '../lib/filters'
import type { MaliciousRow, Measures, RoleRow, ServiceRow, TransferRow } from '../maps/types'

// withDeltas adds flows_delta, bytes_delta and, when Prev is not 0, flows_pct and bytes_pct.
export function withDeltas<T extends Measures>(rows: T[]): Row[] {
  return rows.map((r) => {
    const out: Row = { ...(r as unknown as Row) }
    out.flows_delta = r.flows_now - r.flows_prev
    out.bytes_delta = r.bytes_now - r.bytes_prev
    if (r.flows_prev > 0) out.flows_pct = (100 * (r.flows_now - r.flows_prev)) / r.flows_prev
    if (r.bytes_prev > 0) out.bytes_pct = (100 * (r.bytes_now - r.bytes_prev)) / r.bytes_prev
    return out
  })
}

const RISKY = 'service.risk >= medium'

// roleDrill: "to" rows have the workload as the source, "from" rows as the destination.
export function roleDrill(workload: string, r: Pick<RoleRow, 'role' | 'direction' | 'service'>): string {
  const [self, peer] = r.direction === 'to' ? ['src', 'dst'] : ['dst', 'src']
  return and(eq(self + '.workload', workload), eq(peer + '.role', r.role ?? ''), r.service ? eq('service', r.service) : RISKY)
}

// maliciousDrill: outbound rows have the listed address as the destination.
export function maliciousDrill(workload: string, r: Pick<MaliciousRow, 'ip' | 'direction' | 'service' | 'action'>): string {
  const [self, peer] = r.direction === 'outbound' ? ['src', 'dst'] : ['dst', 'src']
  return and(eq(self + '.workload', workload), r.ip ? eq(peer + '.ip', r.ip) : peer + '.threat = any', eq('service', r.service ?? ''), r.action ? eq('action', r.action) : '')
}

export function serviceDrill(workload: string, r: Pick<ServiceRow, 'service' | 'proto' | 'port'>): string {
  return and(eq('workload', workload), eq('service', r.service ?? ''), r.proto ? eq('proto', r.proto) : '', r.port ? eq('service.port', r.port) : '')
}

export function transferDrill(workload: string, r: Pick<TransferRow, 'country' | 'category'>): string {
  return and(eq('src.workload', workload), 'direction = outbound', eq('dst.country', r.country ?? ''), eq('dst.category', r.category ?? ''))
}

// roleOf says a workload's role and where it comes from: the inventory's role
// label, else the role weir inferred from its traffic (what its flows carry).
export function roleOf(labels: Record<string, string> | undefined, flowRows: Row[], workload: string): { role: string; inferred: boolean } {
  if (labels?.role) return { role: labels.role, inferred: false }
  for (const r of flowRows) {
    for (const side of ['src', 'dst']) {
      const role = r[side + '.role']
      if (r[side + '.workload'] === workload && typeof role === 'string' && role) return { role, inferred: true }
    }
  }
  return { role: '', inferred: false }
}
