import { describe, expect, it } from 'vitest'
import { attentionTone, personaLabel, segments, sentences } from './agent'

describe('the agent narrative', () => {
  it('splits sentences after full stops, not inside numbers', () => {
    const n = '32 open findings (5 critical). Lateral movement from HQ-WS-003: 40.4 MB, 55 flows; last seen 12:00 UTC (critical, score 100). 28 more findings are linked below.'
    expect(sentences(n)).toEqual([
      '32 open findings (5 critical).',
      'Lateral movement from HQ-WS-003: 40.4 MB, 55 flows; last seen 12:00 UTC (critical, score 100).',
      '28 more findings are linked below.',
    ])
  })
  it('splits a reworded narrative by its lines, dropping bullets', () => {
    expect(sentences('Two patterns:\n- **bulk egress** from DB1\n- beaconing')).toEqual(['Two patterns:', '**bulk egress** from DB1', 'beaconing'])
    expect(sentences('  ')).toEqual([])
  })
  it('picks out facts, workloads and IPs, whole words only, longest first', () => {
    const s = 'Lateral movement from HQ-WS-003: 40.4 MB, 55 flows from 10.10.20.14 to 10.10.20.140 and HQ-WS-0030 at 19:00.'
    const facts = ['HQ-WS-003', '40.4 MB', '55', '10.10.20.14', '19:00', 'TA0008']
    const got = segments(s, facts, new Set(['HQ-WS-003']))
    expect(got.filter((x) => x.kind !== 'text')).toEqual([
      { kind: 'workload', text: 'HQ-WS-003' },
      { kind: 'fact', text: '40.4 MB' },
      { kind: 'ip', text: '10.10.20.14' },
    ])
    expect(got.map((x) => x.text).join('')).toBe(s)
  })
  it('marks a workload at the end of a sentence', () => {
    expect(segments('egress from CRM-Prod-DB1.', [], new Set(['CRM-Prod-DB1']))).toEqual([
      { kind: 'text', text: 'egress from ' },
      { kind: 'workload', text: 'CRM-Prod-DB1' },
      { kind: 'text', text: '.' },
    ])
  })
  it('names personas and colours attention', () => {
    expect(personaLabel('data-protection')).toBe('Data Protection')
    expect(personaLabel('other')).toBe('other')
    expect(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', '?'].map(attentionTone)).toEqual(['bad', 'bad', 'warn', 'ok', ''])
  })
})
