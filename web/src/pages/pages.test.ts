// The findings, agent and quarantine pages against a stubbed API: what they ask
// for, what they show, and what they do on a click.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent } from 'vue'
import AgentPage from './AgentPage.vue'
import FindingPage from './FindingPage.vue'
import FindingsPage from './FindingsPage.vue'
import QuarantinePage from './QuarantinePage.vue'
import { setToken } from '../state/auth'

const Stub = defineComponent({ template: '<div>stub</div>' })
function router(path: string) {
  const r = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: Stub },
      { path: '/findings', name: 'findings', component: FindingsPage },
      { path: '/findings/:id', name: 'finding', component: FindingPage },
      { path: '/agent', name: 'agent', component: AgentPage },
      { path: '/quarantine', name: 'quarantine', component: QuarantinePage },
      { path: '/query', name: 'query', component: Stub },
      { path: '/resources/:workload', name: 'resource', component: Stub },
    ],
  })
  r.push(path)
  return r
}

type Handler = (url: URL, init: RequestInit) => { status?: number; body: unknown }
function api(handler: Handler) {
  const fetch = vi.fn(async (u: string, init: RequestInit) => {
    const url = new URL(u, 'http://x')
    const { status = 200, body } = handler(url, init)
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  })
  vi.stubGlobal('fetch', fetch)
  return fetch
}
const paths = (f: ReturnType<typeof vi.fn>) => f.mock.calls.map((c) => String(c[0]))

const finding = (over: Record<string, unknown> = {}) => ({
  id: 'f-1', key: 'lateral-movement:x', detector: 'lateral-movement', title: 'Lateral movement over SMB from HQ-WS-003',
  tactics: ['TA0008'], techniques: ['T1021.002'], severity: 'critical', score: 100,
  first_seen: '2026-01-15T09:00:00Z', last_seen: '2026-01-15T10:00:00Z',
  entities: { sources: ['10.10.20.14'], destinations: ['10.10.1.13'], workloads: ['HQ-WS-003', 'HQ-FS1'] },
  evidence: { flows: 52, bytes: 757972, ports: [445], filter: 'src.ip = "10.10.20.14" and service.port in (445)',
    score_reasons: [{ reason: 'SMB to 34 new destinations', points: 45 }, { reason: 'workstation to workstation', points: 60 }],
    details: { new_destinations: 34 } },
  summary: 'HQ-WS-003 reached 34 hosts over SMB.', status: 'open', status_at: '2026-01-15T10:00:00Z', status_by: 'hunt',
  created: '2026-01-15T10:00:00Z', updated: '2026-01-15T10:00:00Z', hunts: 2, ...over,
})

let tokens = 0
beforeEach(() => {
  sessionStorage.clear()
  setToken('tok-' + ++tokens) // whoami is asked once per token: a new one per test
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('FindingsPage', () => {
  it('asks with the filters of the address and opens a row', async () => {
    const fetch = api(() => ({ body: { findings: [finding(), finding({ id: 'f-2', severity: 'medium', score: 50, title: 'Port scan' })] } }))
    const r = router('/findings?status=open&severity=high&tactic=TA0008&q=SMB')
    await r.isReady()
    const w = mount(FindingsPage, { global: { plugins: [r] } })
    await flushPromises()
    const u = new URL(paths(fetch)[0], 'http://x')
    expect(u.pathname).toBe('/api/v1/findings')
    expect(Object.fromEntries(u.searchParams)).toEqual({ status: 'open', severity: 'high', tactic: 'TA0008', q: 'SMB', limit: '200' })
    expect(w.findAll('tbody tr')).toHaveLength(2)
    expect(w.find('[data-testid="findings-count"]').text()).toMatch(/^2 findings\s+— 1 critical, 1 medium$/)
    expect(w.find('td[data-col="entities"]').text()).toBe('HQ-WS-003HQ-FS1')
    await w.findAll('tbody tr')[1].trigger('click')
    await flushPromises()
    expect(r.currentRoute.value.fullPath).toBe('/findings/f-2')
  })
  it('puts a filter change in the address, and says when nothing matches', async () => {
    api(() => ({ body: { findings: [] } }))
    const r = router('/findings?detector=port-scan')
    await r.isReady()
    const w = mount(FindingsPage, { global: { plugins: [r] } })
    await flushPromises()
    expect(w.text()).toContain('No finding matches these filters.')
    await w.find('[data-testid="filter-status-resolved"]').trigger('click')
    await flushPromises()
    expect(r.currentRoute.value.query).toEqual({ detector: 'port-scan', status: 'resolved' })
  })
})

describe('FindingPage', () => {
  it('shows the evidence, the entities and the status, and links the flows', async () => {
    api((u) => (u.pathname === '/api/v1/whoami' ? { body: { name: 'ro', role: 'viewer' } } : { body: finding({ comments: [] }) }))
    const r = router('/findings/f-1')
    await r.isReady()
    const w = mount(FindingPage, { global: { plugins: [r] } })
    await flushPromises()
    expect(w.find('h1').text()).toBe('Lateral movement over SMB from HQ-WS-003')
    const reasons = w.findAll('[data-testid="score-reasons"] tbody tr').map((tr) => tr.text())
    expect(reasons).toEqual(['SMB to 34 new destinations+45', 'workstation to workstation+60'])
    expect(w.find('[data-testid="score-reasons"] tfoot').text()).toContain('capped to 100')
    expect(w.find('[data-testid="evidence"]').text()).toContain('758 KB')
    const href = new URL(w.find('[data-testid="open-query"]').attributes('href')!, 'http://x')
    expect(href.pathname).toBe('/query')
    expect(href.searchParams.get('q')).toBe('src.ip = "10.10.20.14" and service.port in (445)')
    const wl = w.findAll('[data-testid="entities"] a').map((a) => a.attributes('href'))
    expect(wl).toContain('/resources/HQ-WS-003')
    // A viewer is told before the click that writes need the analyst role.
    expect(w.find('[data-testid="comment-submit"]').attributes('title')).toBe('this needs the analyst role; ro is viewer')
  })
  it('says so when the finding does not exist', async () => {
    api((u) => (u.pathname === '/api/v1/whoami' ? { body: { name: 'a', role: 'admin' } } : { status: 404, body: { error: 'finding f-9: not found' } }))
    const r = router('/findings/f-9')
    await r.isReady()
    const w = mount(FindingPage, { global: { plugins: [r] } })
    await flushPromises()
    expect(w.find('[role="alert"]').text()).toContain('finding f-9: not found')
  })
})

describe('AgentPage', () => {
  const summary = (persona: string, attention: string) => ({
    persona, attention, tags: ['TA0008 Lateral Movement'], narrative: `1 open finding for ${persona}. Lateral movement from HQ-WS-003: 40.4 MB.`,
    narrative_source: 'deterministic', facts: ['HQ-WS-003', '40.4 MB'],
    counts: { total: 1, critical: 1, high: 0, medium: 0, low: 0 },
    findings: [{ id: 'f-1', title: 'Lateral movement over SMB', detector: 'lateral-movement', severity: 'critical', score: 100, status: 'open', last_seen: '2026-01-15T10:00:00Z', url: '/api/v1/findings/f-1' }],
    comments: persona === 'compliance' ? [{ finding_id: 'f-1', author: 'ana', text: 'checked', at: '2026-01-15T11:00:00Z' }] : [],
    generated_at: '2026-01-15T12:00:00Z',
  })
  it('shows each persona in a tab with its attention, and adds a comment to a linked finding', async () => {
    const fetch = api((u, init) => {
      if (u.pathname === '/api/v1/agent/summaries')
        return { body: { summaries: [summary('threat-hunting', 'CRITICAL'), summary('incident-response', 'HIGH'), summary('data-protection', 'LOW'), summary('compliance', 'MEDIUM')] } }
      if (u.pathname === '/api/v1/findings') return { body: { findings: [finding()] } }
      if (u.pathname === '/api/v1/whoami') return { body: { name: 'a', role: 'admin' } }
      if (u.pathname === '/api/v1/findings/f-1/comments' && init.method === 'POST') return { status: 201, body: { id: 1 } }
      return { status: 404, body: { error: 'no' } }
    })
    const r = router('/agent?persona=compliance')
    await r.isReady()
    const w = mount(AgentPage, { global: { plugins: [r] } })
    await flushPromises()
    const tabs = w.findAll('[role="tab"]').map((t) => t.findAll('span').map((x) => x.text()))
    expect(tabs).toEqual([
      ['Threat Hunting', 'CRITICAL', '1'], ['Incident Response', 'HIGH', '1'], ['Data Protection', 'LOW', '1'], ['Compliance', 'MEDIUM', '1'],
    ])
    expect(w.find('[role="tab"][aria-selected="true"]').text()).toContain('Compliance')
    expect(w.find('[data-testid="attention"]').text()).toContain('MEDIUM')
    expect(w.find('[data-testid="tags"]').text()).toBe('TA0008 Lateral Movement')
    expect(w.find('[data-testid="agent-comments"]').text()).toContain('checked')
    // The narrative's workload links to its Resource page (the findings give the workloads).
    expect(w.find('[data-testid="narrative"] a').attributes('href')).toBe('/resources/HQ-WS-003')
    expect(w.find('[data-testid="agent-findings"] td[data-col="flows"] a').exists()).toBe(true)
    // Arrow keys move between personas.
    await w.find('[role="tab"][aria-selected="true"]').trigger('keydown', { key: 'ArrowRight' })
    await flushPromises()
    expect(r.currentRoute.value.query.persona).toBe('threat-hunting')
    await w.find('[data-testid="agent-comment-text"]').setValue('contained')
    await w.find('form.add').trigger('submit')
    await flushPromises()
    const post = fetch.mock.calls.find((c) => (c[1] as RequestInit).method === 'POST')!
    expect(post[0]).toBe('/api/v1/findings/f-1/comments')
    expect(JSON.parse(String((post[1] as RequestInit).body))).toEqual({ text: 'contained' })
  })
})

describe('QuarantinePage', () => {
  const row = (state: string) => ({
    id: 'q-1', workload: 'HQ-WS-003', state, reason: 'SMB', allow: ['10.10.1.11'], attempts: 0, created_by: 'ana',
    created_at: '2026-01-15T10:00:00Z', updated_at: '2026-01-15T10:00:00Z', kind: 'Workstation', region: 'nyc-hq', labels: { role: 'desktop' },
  })
  it('refreshes while a quarantine moves, and stops when it holds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const states = ['requested', 'in_progress', 'quarantined']
    let n = 0
    const fetch = api((u) => {
      if (u.pathname === '/api/v1/quarantine') return { body: { quarantines: [row(states[Math.min(n++, 2)])] } }
      if (u.pathname === '/api/v1/agents') return { body: { agents: [{ workload: 'HQ-WS-003', isolate: true, quarantine_id: 'q-1', seen_at: '2026-01-15T10:00:01Z', version: '0.1' }] } }
      return { body: { name: 'a', role: 'admin' } }
    })
    const r = router('/quarantine')
    await r.isReady()
    const w = mount(QuarantinePage, { global: { plugins: [r] } })
    await flushPromises()
    const state = () => w.find('[data-testid="quarantines"] [data-state]').attributes('data-state')
    expect(state()).toBe('requested')
    expect(w.find('[data-testid="refresh-note"]').text()).toContain('refreshing every 3 s')
    expect(w.find('[data-testid="quarantines"] td[data-col="labels"]').text()).toBe('role=desktop')
    expect(w.find('[data-testid="agents"] td[data-col="isolate"]').text()).toBe('isolating')
    await vi.advanceTimersByTimeAsync(3000)
    await flushPromises()
    expect(state()).toBe('in_progress')
    await vi.advanceTimersByTimeAsync(3000)
    await flushPromises()
    expect(state()).toBe('quarantined')
    const asked = paths(fetch).filter((p) => p.startsWith('/api/v1/quarantine')).length
    await vi.advanceTimersByTimeAsync(10000)
    expect(paths(fetch).filter((p) => p.startsWith('/api/v1/quarantine')).length).toBe(asked)
    w.unmount()
  })
  it('filters by state from the address, and releases with a reason', async () => {
    const fetch = api((u, init) => {
      if (u.pathname === '/api/v1/quarantine') return { body: { quarantines: [row('quarantined')] } }
      if (u.pathname === '/api/v1/agents') return { body: { agents: [] } }
      if (u.pathname === '/api/v1/quarantine/q-1/release' && init.method === 'POST') return { body: row('releasing') }
      return { body: { name: 'a', role: 'admin' } }
    })
    const r = router('/quarantine?state=quarantined,leaking')
    await r.isReady()
    const w = mount(QuarantinePage, { global: { plugins: [r] }, attachTo: document.body })
    await flushPromises()
    expect(new URL(paths(fetch)[0], 'http://x').searchParams.get('state')).toBe('quarantined,leaking')
    expect(w.find('[data-testid="state-leaking"]').attributes('aria-pressed')).toBe('true')
    expect(w.find('[data-testid="agents"]').text()).toContain('No host agent has reported')
    await w.find('[data-testid="release-HQ-WS-003"]').trigger('click')
    await w.find('[data-testid="release-reason"]').setValue('clean')
    await w.find('[data-testid="release-dialog"] form').trigger('submit')
    await flushPromises()
    const post = fetch.mock.calls.find((c) => (c[1] as RequestInit).method === 'POST')!
    expect(post[0]).toBe('/api/v1/quarantine/q-1/release')
    expect(w.find('[data-testid="release-dialog"]').exists()).toBe(false)
    expect(w.text()).toContain('HQ-WS-003: release requested.')
    w.unmount()
  })
  it('disables Release, saying why, for a token below responder', async () => {
    api((u) => {
      if (u.pathname === '/api/v1/quarantine') return { body: { quarantines: [row('quarantined')] } }
      if (u.pathname === '/api/v1/agents') return { body: { agents: [] } }
      return { body: { name: 'ana', role: 'analyst' } }
    })
    const r = router('/quarantine')
    await r.isReady()
    const w = mount(QuarantinePage, { global: { plugins: [r] } })
    await flushPromises()
    const b = w.find('[data-testid="release-HQ-WS-003"]')
    expect(b.attributes('disabled')).toBeDefined()
    expect(b.attributes('title')).toBe('this needs the responder role; ana is analyst')
    expect(w.find('[data-testid="release-denied"]').text()).toBe('Release: this needs the responder role; ana is analyst')
  })
})
