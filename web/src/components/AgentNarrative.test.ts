import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import AgentNarrative from './AgentNarrative.vue'

const RouterLink = {
  props: ['to'],
  template: '<a :data-to="typeof to === \'string\' ? to : JSON.stringify(to)"><slot/></a>',
}

describe('AgentNarrative', () => {
  it('leads with the first sentence, lists the rest, and links workloads and IPs', () => {
    const w = mount(AgentNarrative, {
      props: {
        narrative: '2 open findings (1 critical). Bulk data egress from CRM-Prod-DB1: 55.0 GB to 95.173.136.70. 1 more finding is linked below.',
        facts: ['CRM-Prod-DB1', '55.0 GB', '95.173.136.70', '2', '1'],
        workloads: ['CRM-Prod-DB1'],
      },
      global: { stubs: { RouterLink } },
    })
    expect(w.find('p.lead').text()).toBe('2 open findings (1 critical).')
    expect(w.findAll('li')).toHaveLength(2)
    const links = w.findAll('a')
    expect(links.map((a) => a.text())).toEqual(['CRM-Prod-DB1', '95.173.136.70'])
    expect(links[0].attributes('data-to')).toBe('/resources/CRM-Prod-DB1')
    expect(JSON.parse(links[1].attributes('data-to')!)).toEqual({ name: 'query', query: { q: 'ip = 95.173.136.70' } })
    expect(w.find('strong').text()).toBe('55.0 GB')
  })
})
