// useServices lists the busiest services of some traffic in the time range: the
// choices of a page's service chips.
import { ref, watch, type Ref } from 'vue'
import { fetchGroups } from '../api/insights'
import type { Measure } from '../api/types'
import type { TimeRangeValue } from '../state/timeRange'

export function useServices(scope: () => string, range: TimeRangeValue, by: Ref<Measure>, limit = 12) {
  const services = ref<string[]>([])
  const loading = ref(false)
  let ctl: AbortController | undefined
  async function load() {
    ctl?.abort()
    const c = (ctl = new AbortController())
    loading.value = true
    try {
      const res = await fetchGroups(scope(), ['service'], { ...range }, by.value, limit, c.signal)
      services.value = res.rows.map((r) => String(r.service ?? '')).filter(Boolean)
    } catch (e) {
      if ((e as Error).name !== 'AbortError') services.value = [] // the chips are a shortcut: the widgets show the errors
    } finally {
      if (ctl === c) loading.value = false
    }
  }
  watch(() => [scope(), range.window, range.until, by.value], load, { immediate: true })
  return { services, loading }
}
