import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import DataTable from './DataTable.vue'
import { ApiError } from '../api/client'

const columns = [
  { key: 'service', label: 'Service' },
  { key: 'flows', label: 'Flows', numeric: true },
]
const rows = [
  { service: 'SMB', flows: 9 },
  { service: 'RDP', flows: 120 },
  { service: 'ftp', flows: 30 },
  { service: '', flows: null },
]
const cells = (w: ReturnType<typeof mount>, col: string) => w.findAll(`td[data-col="${col}"]`).map((c) => c.text())

describe('DataTable', () => {
  it('keeps the API order until a header is clicked', () => {
    const w = mount(DataTable, { props: { columns, rows } })
    expect(cells(w, 'service')).toEqual(['SMB', 'RDP', 'ftp', '—'])
  })

  it('sorts numbers numerically, descending first, then ascending; empty cells last', async () => {
    const w = mount(DataTable, { props: { columns, rows } })
    const flows = w.findAll('th button')[1]
    await flows.trigger('click')
    expect(cells(w, 'flows')).toEqual(['120', '30', '9', '—'])
    expect(w.findAll('th')[1].attributes('aria-sort')).toBe('descending')
    await flows.trigger('click')
    expect(cells(w, 'flows')).toEqual(['9', '30', '120', '—'])
    expect(w.findAll('th')[1].attributes('aria-sort')).toBe('ascending')
  })

  it('sorts text ascending first, ignoring case', async () => {
    const w = mount(DataTable, { props: { columns, rows } })
    await w.findAll('th button')[0].trigger('click')
    expect(cells(w, 'service')).toEqual(['ftp', 'RDP', 'SMB', '—'])
  })

  it('shows loading, error and empty in place of the rows', async () => {
    const w = mount(DataTable, { props: { columns, rows: [], loading: true } })
    expect(w.find('[role="status"]').text()).toContain('Loading')
    expect(w.find('tbody').exists()).toBe(false)
    await w.setProps({ loading: false, error: new ApiError(500, 'insight failed') })
    expect(w.find('[role="alert"]').text()).toContain('insight failed')
    await w.find('[role="alert"] button').trigger('click')
    expect(w.emitted('retry')).toHaveLength(1)
    await w.setProps({ error: null, emptyText: 'Nothing here.' })
    expect(w.text()).toContain('Nothing here.')
  })

  it('opens a row on click and on Enter, when rows are clickable', async () => {
    const w = mount(DataTable, { props: { columns, rows, clickable: true } })
    const tr = w.findAll('tbody tr')
    expect(tr[0].attributes('tabindex')).toBe('0')
    await tr[1].trigger('click')
    await tr[2].trigger('keydown', { key: 'Enter' })
    expect(w.emitted('rowClick')).toEqual([[rows[1]], [rows[2]]])
  })

  it('does not open rows that are not clickable', async () => {
    const w = mount(DataTable, { props: { columns, rows } })
    await w.findAll('tbody tr')[0].trigger('click')
    expect(w.emitted('rowClick')).toBeUndefined()
    expect(w.findAll('tbody tr')[0].attributes('tabindex')).toBeUndefined()
  })

  it('renders a cell slot and formats', () => {
    const w = mount(DataTable, {
      props: { columns: [{ key: 'flows', label: 'Flows', numeric: true, format: (v: unknown) => `${v} flows` }], rows: [{ flows: 3 }] },
      slots: {},
    })
    expect(cells(w, 'flows')).toEqual(['3 flows'])
    const s = mount(DataTable, { props: { columns, rows: [rows[0]] }, slots: { 'cell-service': '<b>svc {{ params.value }}</b>' } })
    expect(s.find('td b').text()).toBe('svc SMB')
  })
})
