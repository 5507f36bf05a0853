import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { nextTick } from 'vue'
import QuarantineDialog from './QuarantineDialog.vue'
import ResourceQuarantine from './ResourceQuarantine.vue'
import { setToken } from '../state/auth'

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
const testid = (id: string) => `[data-testid="${id}"]`

describe('QuarantineDialog', () => {
  beforeEach(() => setToken('tok'))
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('opens with focus on the reason, and wants one before it asks the API', async () => {
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    const w = mount(QuarantineDialog, { props: { workload: 'HQ-WS-003' }, attachTo: document.body })
    await nextTick()
    expect(document.activeElement).toBe(w.find(testid('quarantine-reason')).element)
    expect(w.find('[role="dialog"]').attributes('aria-modal')).toBe('true')
    await w.find(testid('quarantine-allow')).setValue('10.0.0.1, 10.0.0.999, HQ-WS-003')
    expect(w.findAll('.entries li').map((l) => l.text())).toEqual(['10.0.0.1 ip', '10.0.0.999 invalid', 'HQ-WS-003 invalid'])
    await w.find('form').trigger('submit')
    expect(w.text()).toContain('the reason is recorded')
    expect(w.text()).toContain('10.0.0.999')
    expect(w.find(testid('quarantine-reason')).attributes('aria-invalid')).toBe('true')
    expect(fetch).not.toHaveBeenCalled()
    w.unmount()
  })

  it('keeps Tab inside and closes on Escape', async () => {
    vi.stubGlobal('fetch', vi.fn())
    const w = mount(QuarantineDialog, { props: { workload: 'w' }, attachTo: document.body })
    await nextTick()
    const dialog = w.find('[role="dialog"]')
    ;(w.find(testid('quarantine-confirm')).element as HTMLElement).focus()
    await dialog.trigger('keydown', { key: 'Tab' })
    expect(document.activeElement).toBe(w.find(testid('quarantine-reason')).element)
    await dialog.trigger('keydown', { key: 'Tab', shiftKey: true })
    expect(document.activeElement).toBe(w.find(testid('quarantine-confirm')).element)
    await dialog.trigger('keydown', { key: 'Escape' })
    expect(w.emitted('close')).toHaveLength(1)
    await w.find(testid('quarantine-cancel')).trigger('click')
    expect(w.emitted('close')).toHaveLength(2)
    w.unmount()
  })

  it('posts the quarantine and hands it over', async () => {
    const q = { id: 'q-1', workload: 'HQ-WS-003', state: 'requested', reason: 'SMB sweep', allow: ['10.10.1.22'], attempts: 0, created_by: 'admin', created_at: 't', updated_at: 't' }
    const fetch = vi.fn(async () => json(201, q))
    vi.stubGlobal('fetch', fetch)
    const w = mount(QuarantineDialog, { props: { workload: 'HQ-WS-003' }, attachTo: document.body })
    await w.find(testid('quarantine-reason')).setValue('SMB sweep')
    await w.find(testid('quarantine-allow')).setValue('10.10.1.22')
    await w.find('form').trigger('submit')
    await flushPromises()
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('/api/v1/quarantine')
    expect(init.method).toBe('POST')
    expect(JSON.parse(String(init.body))).toEqual({ workload: 'HQ-WS-003', reason: 'SMB sweep', allow: ['10.10.1.22'] })
    expect(w.emitted('done')?.[0]?.[0]).toEqual(q)
    w.unmount()
  })

  it("shows the API's refusal (the role it needs)", async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(403, { error: 'forbidden: this needs the responder role' })))
    const w = mount(QuarantineDialog, { props: { workload: 'w' }, attachTo: document.body })
    await w.find(testid('quarantine-reason')).setValue('why')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find(testid('quarantine-error')).text()).toContain('responder')
    expect(w.emitted('done')).toBeUndefined()
    w.unmount()
  })
})

describe('ResourceQuarantine', () => {
  const stubs = { RouterLink: { props: ['to'], template: '<a :href="to"><slot/></a>' } }
  afterEach(() => vi.unstubAllGlobals())

  function api(who: unknown, quarantines: unknown[]) {
    return vi.fn(async (url: string) => (url.startsWith('/api/v1/whoami') ? json(200, who) : json(200, { quarantines })))
  }

  it('disables the button, with the reason, below the responder role', async () => {
    setToken('viewer-token')
    vi.stubGlobal('fetch', api({ name: 'ro', role: 'viewer' }, []))
    const w = mount(ResourceQuarantine, { props: { workload: 'HQ-FS1', inInventory: true }, global: { stubs } })
    await flushPromises()
    const b = w.find(testid('quarantine-button'))
    expect(b.attributes('disabled')).toBeDefined()
    expect(w.find(testid('quarantine-blocked')).text()).toContain('responder')
  })

  it("shows the workload's quarantine instead of the button, with the dashboard", async () => {
    setToken('admin-token')
    const fetch = api({ name: 'admin', role: 'admin' }, [
      { id: 'q-2', workload: 'HQ-FS1', state: 'released', created_at: '2026-01-01T00:00:00Z' },
      { id: 'q-3', workload: 'HQ-FS1', state: 'quarantined', created_by: 'joy', created_at: '2026-01-02T00:00:00Z', quarantined_at: '2026-01-02T00:01:00Z' },
    ])
    vi.stubGlobal('fetch', fetch)
    const w = mount(ResourceQuarantine, { props: { workload: 'HQ-FS1', inInventory: true }, global: { stubs } })
    await flushPromises()
    expect(String(fetch.mock.calls[1][0])).toBe('/api/v1/quarantine?workload=HQ-FS1')
    expect(w.find(testid('quarantine-button')).exists()).toBe(false)
    expect(w.find(testid('quarantine-state')).text()).toBe('quarantined')
    expect(w.text()).toContain('by joy')
    expect(w.find(testid('quarantine-dashboard-link')).attributes('href')).toBe('/quarantine')
    w.unmount()
  })

  it('offers the button to a responder, and says why not for a workload outside the inventory', async () => {
    setToken('responder-token')
    vi.stubGlobal('fetch', api({ name: 'r', role: 'responder' }, []))
    const ok = mount(ResourceQuarantine, { props: { workload: 'HQ-FS1', inInventory: true }, global: { stubs } })
    await flushPromises()
    expect(ok.find(testid('quarantine-button')).attributes('disabled')).toBeUndefined()
    await ok.find(testid('quarantine-button')).trigger('click')
    expect(ok.find(testid('quarantine-dialog')).exists()).toBe(true)
    ok.unmount()
    const outside = mount(ResourceQuarantine, { props: { workload: '10.9.9.9', inInventory: false }, global: { stubs } })
    await flushPromises()
    expect(outside.find(testid('quarantine-blocked')).text()).toContain('inventory')
  })
})
