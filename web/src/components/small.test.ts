import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import DeltaBadge from './DeltaBadge.vue'
import FlowsBytesToggle from './FlowsBytesToggle.vue'
import ServiceChips from './ServiceChips.vue'
import TimeRange from './TimeRange.vue'
import LoadState from './LoadState.vue'

describe('DeltaBadge', () => {
  it('shows a rise with an up arrow and the percent change', () => {
    const w = mount(DeltaBadge, { props: { delta: 1200, pct: 12.5, prev: 9600 } })
    expect(w.text()).toContain('↑ 1.2K')
    expect(w.text()).toContain('+13%')
    expect(w.classes()).toContain('up')
    expect(w.attributes('aria-label')).toBe('up 1.2K flows (+13%) against Prev')
  })
  it('shows a fall in bytes', () => {
    const w = mount(DeltaBadge, { props: { delta: -2_500_000, pct: -4.2, kind: 'bytes' } })
    expect(w.text()).toContain('↓ 2.5 MB')
    expect(w.text()).toContain('−4.2%')
    expect(w.classes()).toContain('down')
  })
  it('says new when Prev was 0, and = for no change', () => {
    expect(mount(DeltaBadge, { props: { delta: 69, prev: 0 } }).text()).toContain('new')
    const flat = mount(DeltaBadge, { props: { delta: 0, pct: 0 } })
    expect(flat.text()).toContain('= 0')
    expect(flat.classes()).toContain('flat')
  })
})

describe('FlowsBytesToggle', () => {
  it('marks the chosen measure and emits the other', async () => {
    const w = mount(FlowsBytesToggle, { props: { modelValue: 'flows' } })
    const [flows, bytes] = w.findAll('button')
    expect(flows.attributes('aria-pressed')).toBe('true')
    expect(bytes.attributes('aria-pressed')).toBe('false')
    await bytes.trigger('click')
    expect(w.emitted('update:modelValue')).toEqual([['bytes']])
  })
})

describe('ServiceChips', () => {
  it('toggles services on and off, and All clears', async () => {
    const w = mount(ServiceChips, { props: { options: ['SMB', 'RDP'], modelValue: [] } })
    const chip = (name: string) => w.findAll('button').find((b) => b.text() === name)!
    expect(chip('All services').attributes('aria-pressed')).toBe('true')
    await chip('SMB').trigger('click')
    expect(w.emitted('update:modelValue')![0]).toEqual([['SMB']])
    await w.setProps({ modelValue: ['SMB'] })
    await chip('RDP').trigger('click')
    expect(w.emitted('update:modelValue')![1]).toEqual([['SMB', 'RDP']])
    await w.setProps({ modelValue: ['SMB', 'RDP'] })
    await chip('SMB').trigger('click')
    expect(w.emitted('update:modelValue')![2]).toEqual([['RDP']])
    await chip('All services').trigger('click')
    expect(w.emitted('update:modelValue')![3]).toEqual([[]])
  })
  it('keeps a chosen service the options no longer list', () => {
    const w = mount(ServiceChips, { props: { options: ['RDP'], modelValue: ['Telnet'] } })
    expect(w.findAll('button').map((b) => b.text())).toEqual(['All services', 'RDP', 'Telnet'])
  })
})

describe('TimeRange', () => {
  it('changes the window and sets until in UTC', async () => {
    const w = mount(TimeRange, { props: { modelValue: { window: '24h', until: '' } } })
    expect(w.text()).toContain('Now: the last 24 hours')
    await w.find('select').setValue('1h')
    expect(w.emitted('update:modelValue')![0]).toEqual([{ window: '1h', until: '' }])
    await w.find('input').setValue('2026-01-15T10:00')
    await w.find('input').trigger('change')
    expect(w.emitted('update:modelValue')!.at(-1)).toEqual([{ window: '1h', until: '2026-01-15T10:00:00Z' }])
  })
  it('shows Now and Prev for a fixed until, and a Now button that clears it', async () => {
    const w = mount(TimeRange, { props: { modelValue: { window: '1h', until: '2026-01-15T10:00:00Z' } } })
    expect(w.text()).toContain('Now: 01-15 09:00 → 01-15 10:00 · Prev: 01-15 08:00 → 01-15 09:00 UTC')
    await w.find('button').trigger('click')
    expect(w.emitted('update:modelValue')![0]).toEqual([{ window: '1h', until: '' }])
  })
})

describe('LoadState', () => {
  it('renders its content when there is nothing else to say', () => {
    const w = mount(LoadState, { props: {}, slots: { default: '<p>content</p>' } })
    expect(w.text()).toBe('content')
  })
})
