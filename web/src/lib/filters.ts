// Building filters (DESIGN §6) from what a user clicked: values are quoted
// whenever they are not a plain word, so that any value round-trips.

export function quote(v: unknown): string {
  const s = String(v ?? '')
  if (/^[A-Za-z0-9_.:/-]+$/.test(s) && !/^(and|or|not|in)$/i.test(s)) return s
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"'
}

export function eq(field: string, v: unknown): string {
  return `${field} = ${quote(v)}`
}

// serviceFilter is the filter of a set of service chips: '' for all services.
export function serviceFilter(services: string[]): string {
  if (services.length === 0) return ''
  if (services.length === 1) return eq('service', services[0])
  return `service in (${services.map(quote).join(', ')})`
}

// and joins non-empty filters; a filter with a top-level "or" is parenthesized.
export function and(...parts: (string | undefined | null)[]): string {
  const ps = parts.map((p) => (p ?? '').trim()).filter(Boolean)
  if (ps.length === 1) return ps[0]
  return ps.map((p) => (/\bor\b/i.test(p) ? `(${p})` : p)).join(' and ')
}
