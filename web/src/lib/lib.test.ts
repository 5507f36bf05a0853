import { describe, expect, it } from 'vitest'
import { and, eq, quote, serviceFilter } from './filters'
import { bytes, count, pct, text, utc } from './format'
import { apply, complete } from './complete'
import type { Field } from '../api/types'

describe('filters', () => {
  it('quotes what is not a bare word', () => {
    expect(quote('SMB')).toBe('SMB')
    expect(quote('10.0.0.0/8')).toBe('10.0.0.0/8')
    expect(quote('Internal Azure')).toBe('"Internal Azure"')
    expect(quote('')).toBe('""')
    expect(quote('say "hi"\\')).toBe('"say \\"hi\\"\\\\"')
    expect(quote('and')).toBe('"and"')
    expect(quote(true)).toBe('true')
  })
  it('builds service filters and joins conditions', () => {
    expect(serviceFilter([])).toBe('')
    expect(serviceFilter(['SMB'])).toBe('service = SMB')
    expect(serviceFilter(['SMB', 'RustDesk'])).toBe('service in (SMB, RustDesk)')
    expect(and('', 'a = 1', undefined, 'b = 2 or c = 3')).toBe('a = 1 and (b = 2 or c = 3)')
    expect(and('x = 1 or y = 2')).toBe('x = 1 or y = 2')
    expect(eq('dst.zone', 'Internal AWS')).toBe('dst.zone = "Internal AWS"')
  })
})

describe('format', () => {
  it('shortens counts and bytes', () => {
    expect(count(999)).toBe('999')
    expect(count(1500)).toBe('1.5K')
    expect(count(16_520)).toBe('16.5K')
    expect(count(2_345_678)).toBe('2.35M')
    expect(bytes(500)).toBe('500 B')
    expect(bytes(1_000_000_000)).toBe('1 GB')
    expect(bytes(697_300_000)).toBe('697 MB')
    expect(count('x')).toBe('–')
  })
  it('writes percents, times and empty keys', () => {
    expect(pct(12.34)).toBe('+12%')
    expect(pct(-4.21)).toBe('−4.2%')
    expect(pct(undefined)).toBe('')
    expect(pct(22900)).toBe('+22.9K%')
    expect(utc('2026-01-15T10:00:00Z')).toBe('2026-01-15 10:00 UTC')
    expect(text('')).toBe('—')
    expect(text(0)).toBe('0')
  })
})

const fields: Field[] = [
  { name: 'action', type: 'action', values: ['allow', 'accept', 'deny', 'reject'], doc: 'allow or deny' },
  { name: 'dst.role', type: 'text', doc: 'dst role label' },
  { name: 'dst.zone', type: 'text', doc: 'dst zone' },
  { name: 'service', type: 'text', doc: 'service' },
  { name: 'service.risk', type: 'risk', values: ['none', 'low', 'medium', 'high'], doc: 'risk' },
  { name: 'src.zone', type: 'text', doc: 'src zone' },
]

describe('completion', () => {
  it('offers the fields that start with the word, then those that contain it', () => {
    const c = complete('serv', 4, fields)!
    expect(c.items.map((i) => i.text)).toEqual(['service', 'service.risk'])
    expect([c.from, c.to]).toEqual([0, 4])
    expect(complete('zone', 4, fields)!.items.map((i) => i.text)).toEqual(['dst.zone', 'src.zone'])
  })
  it('completes the word under the cursor, after other conditions', () => {
    const input = 'service = SMB and dst.r'
    const c = complete(input, input.length, fields)!
    expect(c.items.map((i) => i.text)).toEqual(['dst.role'])
    expect(apply(input, c, c.items[0])).toEqual({ text: 'service = SMB and dst.role', cursor: 26 })
  })
  it("offers an enumerated field's words after an operator", () => {
    expect(complete('action = ', 9, fields)!.items.map((i) => i.text)).toEqual(['allow', 'accept', 'deny', 'reject'])
    expect(complete('service.risk >= m', 17, fields)!.items.map((i) => i.text)).toEqual(['medium'])
    expect(complete('action in (allow, d', 19, fields)!.items.map((i) => i.text)).toEqual(['deny'])
  })
  it('stays quiet inside quotes, on keywords, free values and complete names', () => {
    expect(complete('dst.zone = "Inter', 17, fields)).toBeNull()
    expect(complete('service = SMB and', 17, fields)).toBeNull()
    expect(complete('service = SM', 12, fields)).toBeNull()
    expect(complete('dst.role', 8, fields)).toBeNull()
    expect(complete('', 0, fields)).toBeNull()
  })
})
