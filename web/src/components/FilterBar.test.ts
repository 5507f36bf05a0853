import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import FilterBar from './FilterBar.vue'
import { ApiError } from '../api/client'

const fields = [
  { name: 'service', type: 'text', doc: 'service' },
  { name: 'dst.role', type: 'text', doc: 'dst role' },
]

describe('FilterBar', () => {
  it('marks the place the API points at and says why', () => {
    const w = mount(FilterBar, {
      props: { modelValue: 'service = SMB and dst.rol = db', fields, error: new ApiError(400, 'q: position 19: unknown field "dst.rol" (did you mean dst.role?)', 19) },
    })
    const err = w.find('[data-testid="filter-error"]')
    expect(err.find('mark').text()).toBe('dst.rol')
    expect(err.text()).toContain('did you mean dst.role?')
    expect(w.find('input').attributes('aria-invalid')).toBe('true')
  })
  it('marks the end of the filter for an error there', () => {
    const w = mount(FilterBar, { props: { modelValue: 'service =', fields, error: new ApiError(400, 'q: position 10: want a value', 10) } })
    expect(w.find('mark').text()).toBe('')
    expect(w.find('.echo').text()).toBe('service =')
  })
  it('completes a field with the keyboard and runs on Enter', async () => {
    const w = mount(FilterBar, { props: { modelValue: '', fields, 'onUpdate:modelValue': (v: string) => w.setProps({ modelValue: v }) }, attachTo: document.body })
    const input = w.find('input')
    await input.setValue('serv')
    ;(input.element as HTMLInputElement).setSelectionRange(4, 4)
    await input.trigger('input')
    expect(w.findAll('[role="option"]').map((o) => o.text())).toEqual([expect.stringContaining('service')])
    expect(input.attributes('aria-expanded')).toBe('true')
    await input.trigger('keydown', { key: 'Tab' })
    expect(w.props('modelValue')).toBe('service')
    expect(w.find('[role="listbox"]').exists()).toBe(false)
    await input.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('submit')).toHaveLength(1)
    w.unmount()
  })
})
