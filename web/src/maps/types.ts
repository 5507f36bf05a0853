// Shapes of the maps' answers (package graph: Map, Node, Edge, Service, Path)
// and of the resource page (graph.ResourceSummary), as the API encodes them.

export interface MapNode {
  id: string // <type>/<name>: workload/CRM-Prod-DB1, ip/10.0.0.7, external/AWS, external/Internet/CN, role/db
  type: 'workload' | 'ip' | 'external' | 'group' | string
  label: string
  depth: number // hops from the resource (0 for it); -1 on a communications map
  kind?: string
  labels?: Record<string, string>
  cloud?: string
  region?: string
  ip?: string
  zone?: string
  country?: string
  threat?: string // feeds that list the address
  hidden?: number // neighbours the per-node limit left out
}

export interface MapService {
  name: string
  category?: string
  proto: string
  ports: number[]
  flows: number
  bytes: number
  allowed: number
  denied: number
}

export interface MapEdge {
  from: string
  to: string
  flows: number
  bytes: number // from → to
  bytes_rev: number // to → from, the answers
  packets: number
  allowed: number
  denied: number
  services: MapService[] | null
  lateral?: boolean
}

export interface MapPath {
  to: string
  hops: string[]
  services: string[]
}

export interface GraphMap {
  from: string
  until: string
  nodes: MapNode[]
  edges: MapEdge[]
  paths: MapPath[]
  blast_radius: string[]
  truncated?: boolean
  queries: number
}

export interface Measures {
  flows_now: number
  flows_prev: number
  bytes_now: number
  bytes_prev: number
}

export interface RoleRow extends Measures {
  role: string
  direction: 'to' | 'from' | string // to: the workload is the source
  service: string
}

export interface MaliciousRow extends Measures {
  ip: string
  direction: 'inbound' | 'outbound' | string // inbound: the listed address is the source
  feeds: string
  country?: string
  service: string
  action: string
}

export interface ServiceRow extends Measures {
  service: string
  proto: string
  port: number
  risk: string
}

export interface TransferRow extends Measures {
  country: string
  category: string
  bytes_per_flow: number
}

export interface ResourceSummary {
  workload: string
  in_inventory: boolean
  kind?: string
  cloud?: string
  account?: string
  region?: string
  labels: Record<string, string>
  ips: string[]
  from: string
  until: string
  risky_by_role: RoleRow[]
  malicious_ips: MaliciousRow[]
  risky_services: ServiceRow[]
  external_transfers: TransferRow[]
  queries: number
}

// The groups a communications map can be drawn by (graph.Groups).
export const GROUPS = ['role', 'app', 'workload', 'zone'] as const
export type Group = (typeof GROUPS)[number]
