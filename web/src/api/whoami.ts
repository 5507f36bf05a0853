// Who the console's token is, and what its role lets it do (GET /api/v1/whoami).
// The server decides: a write it refuses answers 403 with the role it needs, and
// pages show that message. whoami only lets a page say so before the click
// (a disabled button with the reason).

import { get } from './client'
import { getToken } from '../state/auth'

export type Role = 'viewer' | 'analyst' | 'responder' | 'admin' | 'agent'

export interface Whoami {
  name: string
  role: Role | string
}

// The order of auth/role.go: each role may do what the ones before it may.
const rank: Record<string, number> = { viewer: 1, analyst: 2, responder: 3, admin: 4 }

// roleAtLeast reports whether role may do what need may (unknown roles may not).
export function roleAtLeast(role: string | undefined, need: Role): boolean {
  return (rank[role ?? ''] ?? 0) >= (rank[need] ?? 99)
}

// missingRole is '' when who may act as need, else why not — the words of the API's 403.
export function missingRole(who: Whoami | null | undefined, need: Role): string {
  if (!who) return ''
  if (roleAtLeast(who.role, need)) return ''
  return `this needs the ${need} role; ${who.name || 'this token'} is ${who.role || 'without a role'}`
}

let cache: { token: string; answer: Promise<Whoami> } | undefined

// fetchWhoami asks once per token.
export function fetchWhoami(): Promise<Whoami> {
  const token = getToken()
  if (!cache || cache.token !== token) {
    const answer = get<Whoami>('whoami')
    answer.catch(() => (cache = undefined))
    cache = { token, answer }
  }
  return cache.answer
}
