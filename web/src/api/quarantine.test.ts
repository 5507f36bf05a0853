import { describe, expect, it } from 'vitest'
import { anyTransitional, labelList, quarantineTime, releasable, stateTone, utcSeconds } from './quarantine'

describe('quarantine helpers', () => {
  it('colours states: red for a person to act, green held, amber moving, grey released', () => {
    expect(['failed', 'leaking', 'quarantined', 'requested', 'in_progress', 'releasing', 'released', 'odd'].map(stateTone)).toEqual(
      ['bad', 'bad', 'ok', 'warn', 'warn', 'warn', 'done', ''],
    )
  })
  it('releases what is not already releasing or released', () => {
    expect(['requested', 'in_progress', 'quarantined', 'leaking', 'failed', 'releasing', 'released'].filter((s) => releasable({ state: s }))).toEqual(
      ['requested', 'in_progress', 'quarantined', 'leaking', 'failed'],
    )
  })
  it('refreshes while any quarantine moves', () => {
    expect(anyTransitional([{ state: 'quarantined' }, { state: 'released' }])).toBe(false)
    expect(anyTransitional([{ state: 'quarantined' }, { state: 'releasing' }])).toBe(true)
    expect(anyTransitional([])).toBe(false)
  })
  it('shows when it took hold, else when it was asked for', () => {
    expect(quarantineTime({ created_at: '2026-01-15T10:00:00Z', quarantined_at: '2026-01-15T10:00:04Z' })).toBe('2026-01-15T10:00:04Z')
    expect(quarantineTime({ created_at: '2026-01-15T10:00:00Z' })).toBe('2026-01-15T10:00:00Z')
    expect(utcSeconds('2026-01-15T10:00:04.52Z')).toBe('2026-01-15 10:00:04 UTC')
    expect(utcSeconds(undefined)).toBe('—')
  })
  it('lists labels by key', () => {
    expect(labelList({ role: 'db', app: 'crm' })).toEqual(['app=crm', 'role=db'])
    expect(labelList(undefined)).toEqual([])
  })
})
