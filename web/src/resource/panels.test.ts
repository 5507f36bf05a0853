import { describe, expect, it } from 'vitest'
import { maliciousDrill, roleDrill, roleOf, serviceDrill, transferDrill, withDeltas } from './panels'

const ms = { flows_now: 0, flows_prev: 0, bytes_now: 0, bytes_prev: 0 }

describe("the resource page's tables", () => {
  it('adds the deltas, and percents only against a Prev', () => {
    const [a, b] = withDeltas([
      { ...ms, flows_now: 120, flows_prev: 100, bytes_now: 10, bytes_prev: 0 },
      { ...ms, flows_now: 1, flows_prev: 4 },
    ])
    expect(a).toMatchObject({ flows_delta: 20, flows_pct: 20, bytes_delta: 10 })
    expect(a.bytes_pct).toBeUndefined()
    expect(b).toMatchObject({ flows_delta: -3, flows_pct: -75 })
  })

  it("drills each row into the Traffic Query with the workload's side", () => {
    expect(roleDrill('HQ-WS-003', { role: 'file', direction: 'to', service: 'SMB' })).toBe('src.workload = HQ-WS-003 and dst.role = file and service = SMB')
    expect(roleDrill('HQ-FS1', { role: '', direction: 'from', service: 'SMB' })).toBe('dst.workload = HQ-FS1 and src.role = "" and service = SMB')
    expect(maliciousDrill('HQ-WS-011', { ip: '5.188.206.14', direction: 'outbound', service: 'HTTPS', action: 'allow' })).toBe(
      'src.workload = HQ-WS-011 and dst.ip = 5.188.206.14 and service = HTTPS and action = allow',
    )
    expect(maliciousDrill('AWS-Bastion1', { ip: '45.141.84.30', direction: 'inbound', service: '', action: 'deny' })).toBe(
      'dst.workload = AWS-Bastion1 and src.ip = 45.141.84.30 and service = "" and action = deny',
    )
    expect(serviceDrill('HQ-FS1', { service: 'SMB', proto: 'tcp', port: 445 })).toBe('workload = HQ-FS1 and service = SMB and proto = tcp and service.port = 445')
    expect(transferDrill('CRM-Prod-DB1', { country: 'RU', category: 'internet' })).toBe(
      'src.workload = CRM-Prod-DB1 and direction = outbound and dst.country = RU and dst.category = internet',
    )
  })

  it("says the role: the inventory's label, else the one inferred from the flows", () => {
    expect(roleOf({ role: 'db' }, [], 'x')).toEqual({ role: 'db', inferred: false })
    const flows = [
      { 'src.workload': 'other', 'src.role': 'web', 'dst.workload': 'x', 'dst.role': 'db' },
      { 'src.workload': 'x', 'src.role': 'app', 'dst.workload': 'y', 'dst.role': '' },
    ]
    expect(roleOf({ app: 'crm' }, flows, 'x')).toEqual({ role: 'db', inferred: true })
    expect(roleOf({}, [], 'x')).toEqual({ role: '', inferred: false })
  })
})
