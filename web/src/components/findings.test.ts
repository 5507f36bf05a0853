import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import FindingComments from './FindingComments.vue'
import FindingSeverity from './FindingSeverity.vue'
import FindingStatus from './FindingStatus.vue'
import FindingTactics from './FindingTactics.vue'
import FindingsFilter from './FindingsFilter.vue'
import { setToken } from '../state/auth'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
const calls = (f: ReturnType<typeof vi.fn>) =>
  f.mock.calls.map((c) => {
    const [u, init] = c as unknown as [string, RequestInit]
    return { url: u, method: init.method, body: init.body ? JSON.parse(String(init.body)) : undefined }
  })

beforeEach(() => {
  sessionStorage.clear()
  setToken('tok')
})
afterEach(() => vi.unstubAllGlobals())

describe('FindingSeverity and FindingTactics', () => {
  it('shows the severity with its score', () => {
    const w = mount(FindingSeverity, { props: { severity: 'critical', score: 98 } })
    expect(w.text()).toBe('critical98')
    expect(w.classes()).toContain('sev-critical')
    expect(w.attributes('title')).toBe('severity critical, score 98 of 100')
  })
  it('names tactics and links them and techniques to ATT&CK', () => {
    const w = mount(FindingTactics, { props: { tactics: ['TA0008'], techniques: ['T1021.002'] } })
    const a = w.findAll('a')
    expect(a.map((x) => x.text())).toEqual(['TA0008 Lateral Movement', 'T1021.002'])
    expect(a[1].attributes('href')).toBe('https://attack.mitre.org/techniques/T1021/002/')
    expect(mount(FindingTactics, { props: { tactics: ['TA0008'], compact: true } }).find('a').text()).toBe('TA0008')
    expect(mount(FindingTactics, { props: { tactics: [] } }).text()).toBe('—')
  })
})

describe('FindingStatus', () => {
  it('posts the new status with the note and says so', async () => {
    const fetch = vi.fn(async () => json(200, { id: 'f-1', status: 'acknowledged' }))
    vi.stubGlobal('fetch', fetch)
    const w = mount(FindingStatus, { props: { findingId: 'f-1', status: 'open' } })
    expect(w.find('[data-testid="status-submit"]').attributes('disabled')).toBeDefined()
    await w.find('[data-testid="status-acknowledged"]').setValue(true)
    await w.find('[data-testid="status-note"]').setValue('  checking the SMB sessions ')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(calls(fetch)).toEqual([{ url: '/api/v1/findings/f-1/status', method: 'POST', body: { status: 'acknowledged', note: 'checking the SMB sessions' } }])
    expect(w.emitted('changed')?.[0]).toEqual([{ id: 'f-1', status: 'acknowledged' }])
    expect(w.text()).toContain('Status set to acknowledged.')
  })
  it('shows the server refusal inline, with the role it needs', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(403, { error: 'this needs the analyst role; the token "ro" is a viewer' })))
    const w = mount(FindingStatus, { props: { findingId: 'f-1', status: 'open' } })
    await w.find('[data-testid="status-resolved"]').setValue(true)
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid="status-error"]').text()).toBe('Not allowed: this needs the analyst role; the token "ro" is a viewer')
    expect(w.emitted('changed')).toBeUndefined()
  })
  it('is disabled, saying why, when the role is known to be short', () => {
    const w = mount(FindingStatus, { props: { findingId: 'f-1', status: 'open', denied: 'this needs the analyst role; ro is viewer' } })
    expect(w.find('[data-testid="status-submit"]').attributes('title')).toBe('this needs the analyst role; ro is viewer')
    expect(w.text()).toContain('this needs the analyst role')
  })
})

describe('FindingComments', () => {
  it('lists the comments and adds one', async () => {
    const fetch = vi.fn(async () => json(201, { id: 2, finding_id: 'f-1', author: 'ana', time: '2026-01-15T10:00:00Z', text: 'new' }))
    vi.stubGlobal('fetch', fetch)
    const w = mount(FindingComments, {
      props: { findingId: 'f-1', comments: [{ id: 1, finding_id: 'f-1', author: 'bo', time: '2026-01-15T09:00:00Z', text: 'first look' }] },
    })
    expect(w.find('[data-testid="comments"]').text()).toContain('bo 2026-01-15 09:00 UTC')
    await w.find('textarea').setValue('new')
    await w.find('textarea').trigger('keydown', { key: 'Enter', ctrlKey: true })
    await flushPromises()
    expect(calls(fetch)).toEqual([{ url: '/api/v1/findings/f-1/comments', method: 'POST', body: { text: 'new' } }])
    expect(w.emitted('added')?.[0]?.[0]).toMatchObject({ id: 2, text: 'new' })
    expect((w.find('textarea').element as HTMLTextAreaElement).value).toBe('')
  })
  it('says there are none, and shows a refusal inline', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(403, { error: 'this needs the analyst role' })))
    const w = mount(FindingComments, { props: { findingId: 'f-1', comments: [] } })
    expect(w.text()).toContain('No comments yet.')
    await w.find('textarea').setValue('hello')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid="comment-error"]').text()).toBe('Not allowed: this needs the analyst role')
  })
})

describe('FindingsFilter', () => {
  const empty = { status: [] as string[], severity: '', detector: '', tactic: '', since: '', q: '' }
  it('toggles statuses in workflow order and sets the selects', async () => {
    const w = mount(FindingsFilter, { props: { modelValue: { ...empty, status: ['resolved'] } } })
    await w.find('[data-testid="filter-status-open"]').trigger('click')
    expect(w.emitted('update:modelValue')?.[0]?.[0]).toEqual({ ...empty, status: ['open', 'resolved'] })
    await w.find('[data-testid="filter-severity"]').setValue('high')
    // Unbound, the model keeps its own value: the severity adds to the statuses just set.
    expect(w.emitted('update:modelValue')?.[1]?.[0]).toEqual({ ...empty, status: ['open', 'resolved'], severity: 'high' })
  })
  it('applies the text on Enter, and clears everything', async () => {
    const w = mount(FindingsFilter, { props: { modelValue: { ...empty, tactic: 'TA0010' } } })
    const q = w.find('[data-testid="filter-q"]')
    await q.setValue(' SMB ')
    await q.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('update:modelValue')?.at(-1)?.[0]).toEqual({ ...empty, tactic: 'TA0010', q: 'SMB' })
    await w.find('[data-testid="filter-clear"]').trigger('click')
    expect(w.emitted('update:modelValue')?.at(-1)?.[0]).toEqual(empty)
  })
})
