import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, get, onUnauthorized, requestText, url } from './client'
import { getToken, setToken, takeTokenFromURL } from '../state/auth'

// failure is the ApiError a call rejects with.
function failure(p: Promise<unknown>): Promise<ApiError> {
  return p.then(
    () => Promise.reject(new Error('the call did not fail')),
    (e: ApiError) => e,
  )
}

function answer(status: number, body: string, type = 'application/json') {
  return vi.fn(async () => new Response(body, { status, headers: { 'Content-Type': type } }))
}

describe('the API client', () => {
  beforeEach(() => {
    sessionStorage.clear()
    setToken('tok')
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    onUnauthorized(() => {})
  })

  it('builds URLs under /api/v1, leaving out empty parameters', () => {
    expect(url('insights/zones', { window: '24h', until: '', q: undefined, limit: 10 })).toBe('/api/v1/insights/zones?window=24h&limit=10')
    expect(url('/flows', { q: 'service = "SMB"' })).toBe('/api/v1/flows?q=service+%3D+%22SMB%22')
  })

  it('sends the bearer token and decodes JSON', async () => {
    const fetch = answer(200, '{"rows":[1]}')
    vi.stubGlobal('fetch', fetch)
    await expect(get('stats')).resolves.toEqual({ rows: [1] })
    const init = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect((init[1].headers as Record<string, string>).Authorization).toBe('Bearer tok')
  })

  it('turns the API error body into an ApiError with the position', async () => {
    vi.stubGlobal('fetch', answer(400, '{"error":"q: position 5: unknown field \\"servce\\"","position":5}'))
    const err = await failure(get('flows', { q: 'x' }))
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(400)
    expect(err.position).toBe(5)
    expect(err.message).toContain('unknown field')
  })

  it('keeps the status for an answer that is not JSON', async () => {
    vi.stubGlobal('fetch', answer(502, 'bad gateway', 'text/plain'))
    const err = await failure(get('flows'))
    expect(err.status).toBe(502)
    expect(err.position).toBeUndefined()
    expect(err.message).toBe('bad gateway')
  })

  it('sends a 401 to the sign-in page and forgets the token', async () => {
    vi.stubGlobal('fetch', answer(401, '{"error":"authentication required"}'))
    const signIn = vi.fn()
    onUnauthorized(signIn)
    const err = await failure(get('stats'))
    expect(err.status).toBe(401)
    expect(signIn).toHaveBeenCalledOnce()
    expect(getToken()).toBe('')
  })

  it('says so when the server cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch') }))
    const err = await failure(get('stats'))
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(0)
  })

  it('asks for CSV as text', async () => {
    const fetch = answer(200, 'a,b\n1,2\n', 'text/csv')
    vi.stubGlobal('fetch', fetch)
    await expect(requestText('flows', { format: 'csv' })).resolves.toBe('a,b\n1,2\n')
    const init = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect((init[1].headers as Record<string, string>).Accept).toBe('text/csv')
  })
})

describe('the token in the URL', () => {
  it('is stored and removed from the address bar', () => {
    sessionStorage.clear()
    const replaceState = vi.fn()
    const found = takeTokenFromURL({ hash: '#token=weir_abc', pathname: '/insights/zones', search: '?by=bytes' } as Location, { state: null, replaceState } as unknown as History)
    expect(found).toBe(true)
    expect(getToken()).toBe('weir_abc')
    expect(replaceState).toHaveBeenCalledWith(null, '', '/insights/zones?by=bytes')
  })
  it('is left alone when there is none', () => {
    const replaceState = vi.fn()
    expect(takeTokenFromURL({ hash: '', pathname: '/', search: '' } as Location, { state: null, replaceState } as unknown as History)).toBe(false)
    expect(replaceState).not.toHaveBeenCalled()
  })
})
