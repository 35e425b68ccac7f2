import { onBeforeUnmount, onMounted } from 'vue'

export interface FlowShortcutHandlers {
  undo(): void
  redo(): void
  remove(): void
  copy(): void
  paste(): void
  selectAll(): void
  fit(): void
}

function isTyping(target: EventTarget | null) {
  const element = target as HTMLElement | null
  return Boolean(element?.closest('input, textarea, select, [contenteditable="true"]'))
}

/**
 * Keyboard shortcuts of the editor. They are ignored while the focus is in
 * a form control, so typing in the side panel never deletes a node.
 */
export function useFlowShortcuts(handlers: FlowShortcutHandlers) {
  function onKeydown(event: KeyboardEvent) {
    if (isTyping(event.target)) return
    const mod = event.ctrlKey || event.metaKey
    const key = event.key.toLowerCase()
    const action =
      (mod && key === 'z' && event.shiftKey && 'redo') ||
      (mod && key === 'z' && 'undo') ||
      (mod && key === 'y' && 'redo') ||
      (mod && key === 'c' && 'copy') ||
      (mod && key === 'v' && 'paste') ||
      (mod && key === 'a' && 'selectAll') ||
      (!mod && (key === 'delete' || key === 'backspace') && 'remove') ||
      (!mod && key === 'f' && 'fit') ||
      null
    if (action) {
      event.preventDefault()
      handlers[action]()
    }
  }
  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))
}
