import { describe, expect, it } from 'vitest'
import { classify, current, expiryToRFC3339, isIPv4, isIPv6, parseAllow, validate } from './quarantineForm'

describe('the quarantine form', () => {
  it('knows an address when it sees one', () => {
    for (const ok of ['10.0.0.1', '255.255.255.255', '0.0.0.0']) expect(isIPv4(ok)).toBe(true)
    for (const bad of ['10.0.0.300', '10.0.0', '1.2.3.4.5', '01a.2.3.4', '']) expect(isIPv4(bad)).toBe(false)
    for (const ok of ['::1', 'fe80::1', '2001:db8::', '2001:db8:0:0:0:0:0:1', '::ffff:10.0.0.1', '::']) expect(isIPv6(ok)).toBe(true)
    for (const bad of ['2001:db8::1::2', '2001:db8:0:0:0:0:0:0:1', 'fe80::g', 'HQ-Jump1', '1:2:3:4:5:6:7']) expect(isIPv6(bad)).toBe(false)
  })

  it('classifies allow entries: address, CIDR, workload, or why not', () => {
    expect(classify('10.10.1.22', 'HQ-WS-003')).toEqual({ text: '10.10.1.22', kind: 'ip' })
    expect(classify('10.68.0.0/16', 'HQ-WS-003')).toEqual({ text: '10.68.0.0/16', kind: 'cidr' })
    expect(classify('2001:db8::/32', 'HQ-WS-003').kind).toBe('cidr')
    expect(classify('HQ-Jump1', 'HQ-WS-003')).toEqual({ text: 'HQ-Jump1', kind: 'workload' })
    expect(classify('10.0.0.0/33', 'x').error).toMatch(/not a CIDR/)
    expect(classify('jump/24', 'x').error).toMatch(/not a CIDR/)
    expect(classify('10.0.0.300', 'x').error).toMatch(/not an IPv4 address/)
    expect(classify('HQ-WS-003', 'HQ-WS-003').error).toMatch(/itself/)
  })

  it('reads the allow list by commas, semicolons and lines, each entry once', () => {
    expect(parseAllow(' 10.0.0.1, HQ-Jump1\n\n10.0.0.1 ; Web 01 ,', 'x').map((e) => e.text)).toEqual(['10.0.0.1', 'HQ-Jump1', 'Web 01'])
    expect(parseAllow('', 'x')).toEqual([])
  })

  it('reads the expiry as UTC', () => {
    expect(expiryToRFC3339('2026-01-15T10:30')).toBe('2026-01-15T10:30:00Z')
    expect(expiryToRFC3339('2026-01-15T10:30:15')).toBe('2026-01-15T10:30:15Z')
    expect(expiryToRFC3339('tomorrow')).toBe('')
  })

  it('wants a reason, a clean allow list and an expiry in the future', () => {
    const now = new Date('2026-01-15T10:00:00Z')
    const bad = validate({ workload: 'HQ-WS-003', reason: '  ', allow: '10.0.0.1, 10.0.0.999', expires: '2026-01-15T09:00', now })
    expect(bad.body).toBeUndefined()
    expect(bad.errors.reason).toMatch(/reason/)
    expect(bad.errors.allow).toMatch(/10\.0\.0\.999/)
    expect(bad.errors.expires).toMatch(/future/)
    const good = validate({ workload: 'HQ-WS-003', reason: ' SMB sweep ', allow: '10.10.1.22\nHQ-Jump1', expires: '2026-01-16T09:00', now })
    expect(good.errors).toEqual({})
    expect(good.body).toEqual({ workload: 'HQ-WS-003', reason: 'SMB sweep', allow: ['10.10.1.22', 'HQ-Jump1'], expires: '2026-01-16T09:00:00Z' })
    expect(validate({ workload: 'w', reason: 'r', allow: '', expires: '', now }).body).toEqual({ workload: 'w', reason: 'r', allow: [] })
  })

  it("finds the workload's quarantine that is not over", () => {
    const q = (state: string, created_at: string) => ({ state, created_at })
    expect(current([q('released', '2026-01-03'), q('failed', '2026-01-04')])).toBeUndefined()
    expect(current([q('released', '2026-01-05'), q('quarantined', '2026-01-02'), q('requested', '2026-01-01')])).toEqual(q('quarantined', '2026-01-02'))
    expect(current([q('releasing', '2026-01-02')])?.state).toBe('releasing')
  })
})
