// useModal gives a modal dialog its keyboard behaviour: on mount focus goes to
// `first` (and comes back to what opened the dialog when it closes), Tab and
// Shift-Tab wrap inside `box`, and Escape calls `close`.
import { nextTick, onBeforeUnmount, onMounted, type Ref } from 'vue'

const FOCUSABLE =
  'a[href], button:not([disabled]), textarea:not([disabled]), input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])'

export function useModal(box: Ref<HTMLElement | null | undefined>, first: Ref<HTMLElement | null | undefined>, close: () => void) {
  let opener: HTMLElement | null = null
  onMounted(async () => {
    opener = document.activeElement as HTMLElement | null
    await nextTick()
    first.value?.focus()
  })
  onBeforeUnmount(() => {
    if (opener && document.contains(opener)) opener.focus()
  })
  // onKeydown goes on the dialog element.
  function onKeydown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      close()
      return
    }
    if (e.key !== 'Tab' || !box.value) return
    const all = [...box.value.querySelectorAll<HTMLElement>(FOCUSABLE)]
    if (!all.length) return
    const head = all[0]
    const tail = all[all.length - 1]
    const at = document.activeElement
    if (e.shiftKey && (at === head || !box.value.contains(at))) {
      e.preventDefault()
      tail.focus()
    } else if (!e.shiftKey && (at === tail || !box.value.contains(at))) {
      e.preventDefault()
      head.focus()
    }
  }
  return { onKeydown }
}
