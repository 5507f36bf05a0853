import { describe, expect, it } from 'vitest'
import {
  attackURL, coverRange, filterFromQuery, filterToQuery, listParams, severityRank, sinceTime, statusLabel, tacticLabel,
} from './findings'

describe('the findings list filter', () => {
  it('reads the address, dropping what the API would refuse', () => {
    const f = filterFromQuery({ status: 'open,bogus,acknowledged', severity: 'severe', detector: 'port-scan', tactic: 'TA0008', since: '24h', q: ['SMB', 'x'] })
    expect(f).toEqual({ status: ['open', 'acknowledged'], severity: '', detector: 'port-scan', tactic: 'TA0008', since: '24h', q: 'SMB' })
  })

  it('round-trips through the address, leaving out empty parts', () => {
    const f = { status: ['resolved'], severity: 'high', detector: '', tactic: '', since: '', q: 'HQ-WS-003' }
    expect(filterToQuery(f)).toEqual({ status: 'resolved', severity: 'high', q: 'HQ-WS-003' })
    expect(filterFromQuery(filterToQuery(f))).toEqual(f)
    expect(filterToQuery(filterFromQuery({}))).toEqual({})
  })

  it('asks the API with since as RFC 3339', () => {
    const now = new Date('2026-01-15T12:00:00Z')
    expect(sinceTime('24h', now)).toBe('2026-01-14T12:00:00Z')
    expect(sinceTime('7d', now)).toBe('2026-01-08T12:00:00Z')
    expect(sinceTime('30m', now)).toBe('2026-01-15T11:30:00Z')
    expect(sinceTime('2026-01-01T00:00:00Z', now)).toBe('2026-01-01T00:00:00Z')
    const p = listParams({ status: ['open', 'acknowledged'], severity: 'high', detector: '', tactic: 'TA0010', since: '1h', q: '' }, 200, 0, now)
    expect(p).toEqual({ status: 'open,acknowledged', severity: 'high', detector: '', tactic: 'TA0010', since: '2026-01-15T11:00:00Z', q: '', limit: 200, offset: undefined })
  })
})

describe('finding labels', () => {
  it('ranks severities, worst highest', () => {
    expect(['low', 'critical', 'medium', 'high', ''].sort((a, b) => severityRank(b) - severityRank(a))).toEqual(['critical', 'high', 'medium', 'low', ''])
  })
  it('names statuses and tactics', () => {
    expect(statusLabel('false_positive')).toBe('false positive')
    expect(statusLabel('')).toBe('open')
    expect(tacticLabel('TA0010')).toBe('TA0010 Exfiltration')
    expect(tacticLabel('TA9999')).toBe('TA9999')
  })
  it('links tactics and sub-techniques to ATT&CK', () => {
    expect(attackURL('TA0008')).toBe('https://attack.mitre.org/tactics/TA0008/')
    expect(attackURL('T1021.002')).toBe('https://attack.mitre.org/techniques/T1021/002/')
    expect(attackURL('T1046')).toBe('https://attack.mitre.org/techniques/T1046/')
  })
})

describe('coverRange', () => {
  const now = new Date('2026-01-15T12:20:00Z')
  it('keeps the current range when it holds the finding', () => {
    expect(coverRange('2026-01-15T09:00:00Z', '2026-01-15T10:00:00Z', { window: '24h', until: '' }, now)).toBeNull()
  })
  it('moves to the smallest window that holds it, ending the hour after last seen', () => {
    expect(coverRange('2026-01-13T09:00:00Z', '2026-01-13T09:00:00Z', { window: '24h', until: '' }, now)).toEqual({ window: '1h', until: '2026-01-13T10:00:00Z' })
    expect(coverRange('2026-01-12T20:00:00Z', '2026-01-13T09:00:00Z', { window: '24h', until: '' }, now)).toEqual({ window: '24h', until: '2026-01-13T10:00:00Z' })
    expect(coverRange('2026-01-10T09:00:00Z', '2026-01-13T09:00:00Z', { window: '1h', until: '' }, now)).toEqual({ window: '168h', until: '2026-01-13T10:00:00Z' })
  })
  it('ends at now (no until) when the finding runs up to the current hour', () => {
    expect(coverRange('2026-01-15T11:00:00Z', '2026-01-15T12:00:00Z', { window: '1h', until: '' }, now)).toEqual({ window: '24h', until: '' })
  })
})
