import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fetchWhoami, missingRole, roleAtLeast } from './whoami'
import { setToken } from '../state/auth'

describe('roles', () => {
  it('orders roles as the server does', () => {
    expect(roleAtLeast('admin', 'responder')).toBe(true)
    expect(roleAtLeast('responder', 'responder')).toBe(true)
    expect(roleAtLeast('analyst', 'responder')).toBe(false)
    expect(roleAtLeast('viewer', 'analyst')).toBe(false)
    expect(roleAtLeast('agent', 'analyst')).toBe(false)
    expect(roleAtLeast(undefined, 'viewer')).toBe(false)
  })
  it('says which role is missing, and nothing while it does not know', () => {
    expect(missingRole({ name: 'ana', role: 'analyst' }, 'responder')).toBe('this needs the responder role; ana is analyst')
    expect(missingRole({ name: 'ana', role: 'analyst' }, 'analyst')).toBe('')
    expect(missingRole(null, 'responder')).toBe('')
  })
})

describe('fetchWhoami', () => {
  beforeEach(() => sessionStorage.clear())
  afterEach(() => vi.unstubAllGlobals())
  it('asks once per token', async () => {
    const fetch = vi.fn(async () => new Response('{"name":"x","role":"viewer"}', { status: 200, headers: { 'Content-Type': 'application/json' } }))
    vi.stubGlobal('fetch', fetch)
    setToken('one')
    await expect(fetchWhoami()).resolves.toEqual({ name: 'x', role: 'viewer' })
    await fetchWhoami()
    expect(fetch).toHaveBeenCalledTimes(1)
    setToken('two')
    await fetchWhoami()
    expect(fetch).toHaveBeenCalledTimes(2)
  })
})
