// Number formats shared by every page: counts as 1.2K/3.4M, bytes as 1000-based
// units (what the filter language's KB/MB/GB mean), percents, times in UTC.

export function count(n: unknown): string {
  const v = Number(n)
  if (!Number.isFinite(v)) return '–'
  const a = Math.abs(v)
  if (a < 1000) return String(Math.round(v))
  for (const [d, s] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']] as const) {
    if (a >= d) return trim(v / d) + s
  }
  return String(v)
}

export function bytes(n: unknown): string {
  const v = Number(n)
  if (!Number.isFinite(v)) return '–'
  const a = Math.abs(v)
  if (a < 1000) return Math.round(v) + ' B'
  for (const [d, s] of [[1e15, 'PB'], [1e12, 'TB'], [1e9, 'GB'], [1e6, 'MB'], [1e3, 'KB']] as const) {
    if (a >= d) return trim(v / d) + ' ' + s
  }
  return String(v)
}

function trim(x: number): string {
  const a = Math.abs(x)
  return (a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2)).replace(/\.?0+$/, '')
}

export function measure(kind: 'flows' | 'bytes', n: unknown): string {
  return kind === 'bytes' ? bytes(n) : count(n)
}

export function pct(p: unknown): string {
  const v = Number(p)
  if (p === undefined || p === null || !Number.isFinite(v)) return ''
  const a = Math.abs(v)
  const s = a >= 1000 ? count(a) : a >= 10 ? a.toFixed(0) : a.toFixed(1)
  return (v > 0 ? '+' : v < 0 ? '−' : '') + s + '%'
}

// utc shows an RFC 3339 time as "2026-01-15 10:00 UTC".
export function utc(t: unknown): string {
  if (typeof t !== 'string' || !t) return '–'
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return String(t)
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
}

// text shows a key cell; the API leaves unknown keys empty.
export function text(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—'
  return String(v)
}
