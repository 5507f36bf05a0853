// The quarantine dialog's checks, before the request goes to the API (which
// checks again: an allow entry must be an address, a CIDR or a known workload
// other than the one quarantined; an expiry must be in the future).

export type AllowKind = 'ip' | 'cidr' | 'workload'

export interface AllowEntry {
  text: string
  kind?: AllowKind
  error?: string
}

const octet = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
const IPV4 = new RegExp(`^${octet}(\\.${octet}){3}$`)

export function isIPv4(s: string): boolean {
  return IPV4.test(s)
}

// isIPv6 accepts the usual forms: eight groups, one "::", an IPv4 tail (no zone).
export function isIPv6(s: string): boolean {
  if (!s.includes(':') || /[^0-9a-fA-F:.]/.test(s)) return false
  let text = s
  const tail = s.slice(s.lastIndexOf(':') + 1)
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return false
    text = s.slice(0, s.length - tail.length) + '0:0' // the IPv4 tail is two groups
  }
  const parts = text.split('::')
  if (parts.length > 2) return false
  const groups = (p: string) => (p === '' ? [] : p.split(':'))
  const all = [...groups(parts[0]), ...(parts.length === 2 ? groups(parts[1]) : [])]
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return false
  return parts.length === 2 ? all.length < 8 : all.length === 8
}

// classify says what an allow entry is, or why it is none.
export function classify(text: string, workload: string): AllowEntry {
  const s = text.trim()
  if (isIPv4(s) || isIPv6(s)) return { text: s, kind: 'ip' }
  if (s.includes('/')) {
    const [addr, bits, ...rest] = s.split('/')
    const max = isIPv4(addr) ? 32 : isIPv6(addr) ? 128 : -1
    if (max < 0 || rest.length || !/^\d{1,3}$/.test(bits) || Number(bits) > max) {
      return { text: s, error: `“${s}” is not a CIDR (like 10.0.0.0/24)` }
    }
    return { text: s, kind: 'cidr' }
  }
  if (/^[\d.]+$/.test(s)) return { text: s, error: `“${s}” is not an IPv4 address` }
  if (s === workload) return { text: s, error: `the allow list cannot name ${workload} itself` }
  return { text: s, kind: 'workload' }
}

// parseAllow reads the allow list: entries separated by commas, semicolons or
// line breaks (workload names may hold spaces), trimmed, each once.
export function parseAllow(text: string, workload: string): AllowEntry[] {
  const seen = new Set<string>()
  const out: AllowEntry[] = []
  for (const raw of text.split(/[,;\n]+/)) {
    const s = raw.trim()
    if (!s || seen.has(s)) continue
    seen.add(s)
    out.push(classify(s, workload))
  }
  return out
}

// expiryToRFC3339 reads a datetime-local value as UTC ("2026-01-15T10:30" → "2026-01-15T10:30:00Z").
export function expiryToRFC3339(local: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(local.trim())
  if (!m) return ''
  return `${m[1]}T${m[2]}${m[3] ?? ':00'}Z`
}

export interface QuarantineBody {
  workload: string
  reason: string
  allow: string[]
  expires?: string
}

export interface FormErrors {
  reason?: string
  allow?: string
  expires?: string
}

export interface FormInput {
  workload: string
  reason: string
  allow: string
  expires: string // datetime-local, UTC; '' for none
  now?: Date
}

// validate checks the form: the body to send, or the errors to show by field.
export function validate(f: FormInput): { body?: QuarantineBody; errors: FormErrors } {
  const errors: FormErrors = {}
  const reason = f.reason.trim()
  if (!reason) errors.reason = 'Say why: the reason is recorded with the quarantine.'
  else if (reason.length > 500) errors.reason = 'Keep the reason under 500 characters.'
  const entries = parseAllow(f.allow, f.workload)
  const bad = entries.filter((e) => e.error)
  if (bad.length) errors.allow = bad.map((e) => e.error).join('; ')
  let expires: string | undefined
  if (f.expires.trim()) {
    expires = expiryToRFC3339(f.expires)
    if (!expires) errors.expires = 'Give the expiry as a date and time.'
    else if (new Date(expires).getTime() <= (f.now ?? new Date()).getTime()) errors.expires = 'The expiry must be in the future.'
  }
  if (Object.keys(errors).length) return { errors }
  const body: QuarantineBody = { workload: f.workload, reason, allow: entries.map((e) => e.text) }
  if (expires) body.expires = expires
  return { body, errors }
}

// ACTIVE: the states in which a workload has a quarantine that holds, or is on
// its way in or out (a new request is refused or returns it: quarantine/request.go).
export const ACTIVE = ['requested', 'in_progress', 'quarantined', 'leaking', 'releasing']

// current is the workload's quarantine that is not over, newest first.
export function current<T extends { state: string; created_at: string }>(qs: T[]): T | undefined {
  return [...qs].filter((q) => ACTIVE.includes(q.state)).sort((a, b) => b.created_at.localeCompare(a.created_at))[0]
}
