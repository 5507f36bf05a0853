import { describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import { useLoad } from './useLoad'

// withLoad mounts a component around useLoad, to have its lifecycle.
function withLoad(loader: (s: AbortSignal) => Promise<void>, onError?: () => void) {
  let api!: ReturnType<typeof useLoad>
  const w = mount(defineComponent({ setup() { api = useLoad(loader, onError); return () => h('div') } }))
  return { w, api }
}

describe('useLoad', () => {
  it('aborts the call before and reports only the latest', async () => {
    const signals: AbortSignal[] = []
    const resolves: (() => void)[] = []
    const { api } = withLoad((s) => {
      signals.push(s)
      return new Promise<void>((ok, fail) => {
        resolves.push(ok)
        s.addEventListener('abort', () => fail(Object.assign(new Error('aborted'), { name: 'AbortError' })))
      })
    })
    const first = api.load()
    const second = api.load()
    expect(signals[0].aborted).toBe(true)
    expect(signals[1].aborted).toBe(false)
    await first
    expect(api.loading.value).toBe(true) // the first's end does not end the second
    resolves[1]()
    await second
    expect(api.loading.value).toBe(false)
    expect(api.error.value).toBe(null)
  })

  it('keeps the error and calls onError; a quiet load does not show loading', async () => {
    let cleared = 0
    let during: boolean | undefined
    const { api } = withLoad(async () => {
      during = api.loading.value
      throw new Error('boom')
    }, () => cleared++)
    await api.load()
    expect(during).toBe(true)
    expect((api.error.value as Error).message).toBe('boom')
    expect(cleared).toBe(1)
    await api.load(true)
    expect(during).toBe(false)
    expect(api.loading.value).toBe(false)
  })

  it('aborts the call under way on unmount', async () => {
    let signal: AbortSignal | undefined
    const { w, api } = withLoad((s) => { signal = s; return new Promise(() => {}) })
    api.load()
    w.unmount()
    await nextTick()
    expect(signal?.aborted).toBe(true)
  })
})
