// The time range every page asks the API for: Now = [until − window, until),
// Prev = the window before. An empty until means "now" (the server's clock).
// Shared by the header's TimeRange control and every page; kept in
// sessionStorage so that a reload keeps it.

import { reactive, watch } from 'vue'

export interface TimeRangeValue {
  window: string // a duration the API takes for every endpoint: 1h, 24h, 168h
  until: string // RFC 3339, or '' for now
}

export const WINDOWS = [
  { value: '1h', label: '1 hour' },
  { value: '24h', label: '24 hours' },
  { value: '168h', label: '7 days' },
]

const KEY = 'weir.range'

function load(): TimeRangeValue {
  try {
    const v = JSON.parse(sessionStorage.getItem(KEY) ?? '')
    if (WINDOWS.some((w) => w.value === v.window) && typeof v.until === 'string') return v
  } catch {
    /* the default */
  }
  return { window: '24h', until: '' }
}

export const timeRange = reactive<TimeRangeValue>(load())

watch(timeRange, (v) => sessionStorage.setItem(KEY, JSON.stringify(v)))

export function windowMs(window: string): number {
  const m = /^(\d+)([hmd])$/.exec(window)
  if (!m) return 24 * 3600e3
  return Number(m[1]) * { m: 60e3, h: 3600e3, d: 86400e3 }[m[2] as 'm' | 'h' | 'd']
}
