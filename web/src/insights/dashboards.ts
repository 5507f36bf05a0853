// One dashboard per insight id: the widgets it shows (the insight itself first,
// then the ones an analyst turns to next), the filter that scopes the page's
// service chips and timeline, and what it links to.

import type { Params } from '../api/client'

export interface Widget {
  insight: string
  title: string
  params?: Params // the insight's own parameters (group=, bucket= ...)
  filter?: string // added to the page's filter for this widget, and to its drill-downs
  wide?: boolean // spans the page's width
  kind?: 'table' | 'timeline'
  limit?: number
}

export interface Dashboard {
  id: string
  title: string
  about: string
  scope?: string // the traffic the page is about: the chips offer its services, the timeline draws it
  widgets: Widget[]
  links?: { to: string; label: string }[]
}

const timeline = (title: string, filter?: string): Widget => ({ insight: 'timeline', title, filter, wide: true, kind: 'timeline' })

const risky = 'service.risk >= medium'
const malicious = 'threat = any'
const outbound = 'direction = outbound'
const llm = 'llm.provider != ""'

export const dashboards: Dashboard[] = [
  {
    id: 'risky-services', title: 'Risky Services', scope: risky,
    about: 'Traffic of services graded medium or high risk (SMB, RDP, Telnet, FTP, VNC …): which roles and workloads they reach, across which zones and regions.',
    widgets: [
      { insight: 'risky-services', title: 'Risky Services Traffic', wide: true, limit: 25 },
      { insight: 'destination-roles', title: 'Top Destination Roles', filter: risky },
      { insight: 'workloads-by-role', title: 'Workloads by Destination Role', filter: risky },
      { insight: 'zones', title: 'Traffic by Zones', filter: risky },
      { insight: 'cross-region', title: 'Cross Region Traffic', filter: risky },
      timeline('Risky services over time', risky),
    ],
  },
  {
    id: 'destination-roles', title: 'Top Destination Roles',
    about: 'Which kinds of systems receive the traffic, and which sources reach them.',
    widgets: [
      { insight: 'destination-roles', title: 'Top Destination Roles', limit: 25 },
      { insight: 'workloads-by-role', title: 'Workloads by Destination Role' },
      timeline('Traffic over time'),
    ],
  },
  {
    id: 'workloads-by-role', title: 'Workloads by Destination Role',
    about: 'Sources (address and workload) by the role of what they reach: pick SMB or RDP for lateral movement.',
    widgets: [
      { insight: 'workloads-by-role', title: 'Workloads by Destination Role', wide: true, limit: 50 },
      { insight: 'destination-roles', title: 'Top Destination Roles' },
      { insight: 'zones', title: 'Traffic by Zones' },
    ],
  },
  {
    id: 'zones', title: 'Traffic by Zones',
    about: 'Traffic between zones: internal clouds, on-premises, the internet. Does risky traffic cross a boundary?',
    widgets: [
      { insight: 'zones', title: 'Traffic by Zones', wide: true, limit: 25 },
      { insight: 'cross-region', title: 'Cross Region Traffic' },
      { insight: 'destination-roles', title: 'Top Destination Roles' },
      timeline('Traffic over time'),
    ],
  },
  {
    id: 'cross-region', title: 'Cross Region Traffic', scope: 'src.region != "" and dst.region != ""',
    about: 'Traffic between endpoints of two different known regions.',
    widgets: [
      { insight: 'cross-region', title: 'Top Cross Region Traffic', wide: true, limit: 25 },
      { insight: 'zones', title: 'Traffic by Zones' },
      { insight: 'workloads-by-role', title: 'Workloads by Destination Role' },
    ],
  },
  {
    id: 'malicious-ips', title: 'Malicious IP Threats', scope: malicious,
    about: 'Addresses that a threat feed lists, on either end: which, where from, over which services, allowed or denied.',
    widgets: [
      { insight: 'malicious-ips', title: 'Top Malicious IPs', wide: true, limit: 25 },
      { insight: 'malicious-services', title: 'Top Services in Malicious IP Communications' },
      { insight: 'threat-map', title: 'Countries of Malicious IPs' },
      timeline('Malicious IP traffic over time', malicious),
    ],
    links: [{ to: '/maps/threats', label: 'Global Threat Map' }],
  },
  {
    id: 'malicious-services', title: 'Services in Malicious IP Communications', scope: malicious,
    about: 'The services, protocols and ports of flows with an end that a threat feed lists.',
    widgets: [
      { insight: 'malicious-services', title: 'Top Services in Malicious IP Communications', wide: true, limit: 25 },
      { insight: 'malicious-ips', title: 'Top Malicious IPs', wide: true },
    ],
    links: [{ to: '/maps/threats', label: 'Global Threat Map' }],
  },
  {
    id: 'threat-map', title: 'Malicious IPs by Country', scope: malicious,
    about: 'Flows with a listed end, by the country of that end. The map itself is the Global Threat Map.',
    widgets: [
      { insight: 'threat-map', title: 'Countries of Malicious IPs', limit: 50 },
      { insight: 'malicious-ips', title: 'Top Malicious IPs' },
    ],
    links: [{ to: '/maps/threats', label: 'Global Threat Map' }],
  },
  {
    id: 'external-transfers', title: 'External Data Transfer', scope: outbound,
    about: 'Outbound traffic by destination category, service, country and source. Compare bytes with flows: many small flows and a few large bursts look alike in one of them.',
    widgets: [
      { insight: 'external-transfers', title: 'Data Transfer by Destination Category', params: { group: 'category' } },
      { insight: 'external-transfers', title: 'Data Transfer by Service', params: { group: 'service' } },
      { insight: 'external-transfers', title: 'Data Transfer to External Geos', params: { group: 'country' } },
      { insight: 'external-transfers', title: 'Data Transfer by Source', params: { group: 'source' } },
      { insight: 'countries', title: 'Traffic Activity Across Countries', wide: true },
      timeline('Outbound traffic over time', outbound),
    ],
  },
  {
    id: 'countries', title: 'Traffic Activity Across Countries',
    about: 'Inbound traffic by the country of its source, outbound traffic by the country of its destination.',
    widgets: [
      { insight: 'countries', title: 'Traffic Activity Across Countries', wide: true, limit: 50 },
      { insight: 'external-transfers', title: 'Data Transfer to External Geos', params: { group: 'country' } },
      { insight: 'threat-map', title: 'Countries of Malicious IPs' },
    ],
  },
  {
    id: 'shadow-llm', title: 'Shadow LLMs', scope: llm,
    about: 'Traffic to AI and LLM providers, sanctioned or not, and the workloads that send to them.',
    widgets: [
      { insight: 'shadow-llm', title: 'LLM Providers', limit: 25 },
      { insight: 'llm-sources', title: 'Top Sources Communicating with LLMs' },
      timeline('LLM traffic over time', llm),
    ],
  },
  {
    id: 'llm-sources', title: 'Sources Communicating with LLMs', scope: llm,
    about: 'Workloads sending to AI and LLM providers.',
    widgets: [
      { insight: 'llm-sources', title: 'Top Sources Communicating with LLMs', wide: true, limit: 50 },
      { insight: 'shadow-llm', title: 'LLM Providers' },
    ],
  },
  {
    id: 'timeline', title: 'Traffic Timeline',
    about: 'Flows and bytes per time bucket of Now, each beside the same bucket of Prev.',
    widgets: [timeline('All traffic over time')],
  },
]

export function dashboard(id: string): Dashboard | undefined {
  return dashboards.find((d) => d.id === id)
}
