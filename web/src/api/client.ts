// The console's one API client. Every call to weir's REST API goes through
// request(): it adds the bearer token, sends a 401 to the sign-in page, and turns
// the API's JSON error body ({"error": "...", "position": N}) into an ApiError.

import { clearToken, getToken } from '../state/auth'

export type Params = Record<string, string | number | boolean | undefined | null>

// ApiError is a failed call: the HTTP status, the API's message and, for a bad
// filter, the 1-based character position the API points at.
export class ApiError extends Error {
  readonly status: number
  readonly position?: number
  constructor(status: number, message: string, position?: number) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    if (position !== undefined) this.position = position
  }
}

let unauthorized: () => void = () => {}

// onUnauthorized sets what a 401 does (main.ts: go to the sign-in page).
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler
}

// url builds /api/v1/<path>?params, leaving out empty parameters.
export function url(path: string, params: Params = {}): string {
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v))
  }
  const s = qs.toString()
  return '/api/v1/' + path.replace(/^\/+/, '') + (s ? '?' + s : '')
}

export interface RequestOptions {
  method?: string
  body?: unknown
  signal?: AbortSignal
  accept?: string
}

async function send(path: string, params: Params, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json' }
  const token = getToken()
  if (token) headers.Authorization = 'Bearer ' + token
  let body: string | undefined
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  let resp: Response
  try {
    resp = await fetch(url(path, params), { method: opts.method ?? 'GET', headers, body, signal: opts.signal })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new ApiError(0, 'cannot reach the weir server: ' + (e as Error).message)
  }
  if (resp.status === 401) {
    clearToken()
    unauthorized()
    throw new ApiError(401, 'sign in: the server wants an API token')
  }
  if (!resp.ok) throw await toError(resp)
  return resp
}

// toError reads the API's error body; a body that is not the API's JSON keeps the status text.
export async function toError(resp: Response): Promise<ApiError> {
  let message = `${resp.status} ${resp.statusText}`.trim()
  let position: number | undefined
  try {
    const text = await resp.text()
    try {
      const j = JSON.parse(text)
      if (j && typeof j.error === 'string') message = j.error
      if (j && typeof j.position === 'number') position = j.position
    } catch {
      if (text.trim()) message = text.trim().slice(0, 300)
    }
  } catch {
    /* keep the status line */
  }
  return new ApiError(resp.status, message, position)
}

// request calls the API and decodes its JSON answer.
export async function request<T>(path: string, params: Params = {}, opts: RequestOptions = {}): Promise<T> {
  const resp = await send(path, params, opts)
  if (resp.status === 204) return undefined as T
  return (await resp.json()) as T
}

// requestText calls the API for a text answer (CSV).
export async function requestText(path: string, params: Params = {}, opts: RequestOptions = {}): Promise<string> {
  const resp = await send(path, params, { accept: 'text/csv', ...opts })
  return resp.text()
}

// get, post: the usual shorthands.
export const get = <T>(path: string, params: Params = {}, signal?: AbortSignal) => request<T>(path, params, { signal })
export const post = <T>(path: string, body: unknown, params: Params = {}) => request<T>(path, params, { method: 'POST', body })
