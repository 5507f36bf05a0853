// useLoad runs a page's or widget's loader, aborting the call before it, and
// says how the latest went (loading, error). The loader passes the signal on
// to the API client; an aborted call is no error. onError runs when it fails,
// to clear what was shown. load(true) keeps what is shown while it runs (a
// refresh). The call under way is aborted when the component goes away.
import { onBeforeUnmount, ref } from 'vue'

export function useLoad(loader: (signal: AbortSignal) => Promise<void>, onError?: () => void) {
  const loading = ref(true)
  const error = ref<unknown>(null)
  let ctl: AbortController | undefined
  async function load(quiet = false) {
    ctl?.abort()
    const c = (ctl = new AbortController())
    if (!quiet) loading.value = true
    error.value = null
    try {
      await loader(c.signal)
    } catch (e) {
      if ((e as Error).name === 'AbortError') return
      error.value = e
      onError?.()
    } finally {
      if (ctl === c) loading.value = false
    }
  }
  onBeforeUnmount(() => ctl?.abort())
  return { loading, error, load }
}
