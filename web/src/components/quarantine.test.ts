import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import QuarantineReleaseDialog from './QuarantineReleaseDialog.vue'
import QuarantineState from './QuarantineState.vue'
import type { Quarantine } from '../api/quarantine'
import { setToken } from '../state/auth'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

const q: Quarantine = {
  id: 'q-1', workload: 'HQ-WS-003', state: 'quarantined', reason: 'SMB', allow: ['10.10.1.11'], enforcer: 'webhook', attempts: 0,
  created_by: 'ana', created_at: '2026-01-15T10:00:00Z', updated_at: '2026-01-15T10:00:02Z', quarantined_at: '2026-01-15T10:00:02Z',
}

beforeEach(() => {
  sessionStorage.clear()
  setToken('tok')
})
afterEach(() => vi.unstubAllGlobals())

describe('QuarantineState', () => {
  it('colours the pill by state and names it in words', () => {
    const w = mount(QuarantineState, { props: { state: 'in_progress' } })
    expect(w.text()).toBe('in progress')
    expect(w.classes()).toContain('warn')
    expect(w.attributes('data-state')).toBe('in_progress')
    expect(mount(QuarantineState, { props: { state: 'leaking' } }).classes()).toContain('bad')
    expect(mount(QuarantineState, { props: { state: 'quarantined' } }).classes()).toContain('ok')
  })
})

describe('QuarantineReleaseDialog', () => {
  it('asks for a reason, then releases', async () => {
    const fetch = vi.fn(async () => json(200, { ...q, state: 'releasing' }))
    vi.stubGlobal('fetch', fetch)
    const w = mount(QuarantineReleaseDialog, { props: { quarantine: q }, attachTo: document.body })
    await flushPromises()
    expect(w.find('[role="dialog"]').attributes('aria-modal')).toBe('true')
    expect(document.activeElement).toBe(w.find('[data-testid="release-reason"]').element)
    expect(w.find('[data-testid="release-confirm"]').attributes('disabled')).toBeDefined()
    await w.find('[data-testid="release-reason"]').setValue('reimaged')
    await w.find('form').trigger('submit')
    await flushPromises()
    const [u, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect(u).toBe('/api/v1/quarantine/q-1/release')
    expect(init.method).toBe('POST')
    expect(JSON.parse(String(init.body))).toEqual({ reason: 'reimaged' })
    expect(w.emitted('released')?.[0]?.[0]).toMatchObject({ state: 'releasing' })
    w.unmount()
  })
  it('closes on Escape and shows a refusal inline', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(409, { error: 'not quarantined: q-1 of HQ-WS-003 is releasing' })))
    const w = mount(QuarantineReleaseDialog, { props: { quarantine: q }, attachTo: document.body })
    await w.find('[data-testid="release-reason"]').setValue('x')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid="release-error"]').text()).toBe('not quarantined: q-1 of HQ-WS-003 is releasing')
    expect(w.emitted('released')).toBeUndefined()
    await w.find('[role="dialog"]').trigger('keydown', { key: 'Escape' })
    expect(w.emitted('close')).toHaveLength(1)
    w.unmount()
  })
  it('keeps Tab inside the dialog', async () => {
    vi.stubGlobal('fetch', vi.fn())
    const w = mount(QuarantineReleaseDialog, { props: { quarantine: q }, attachTo: document.body })
    await w.find('[data-testid="release-reason"]').setValue('x')
    const confirm = w.find('[data-testid="release-confirm"]').element as HTMLElement
    confirm.focus()
    await w.find('[role="dialog"]').trigger('keydown', { key: 'Tab' })
    expect(document.activeElement).toBe(w.find('textarea').element)
    await w.find('[role="dialog"]').trigger('keydown', { key: 'Tab', shiftKey: true })
    expect(document.activeElement).toBe(confirm)
    w.unmount()
  })
})
