import { computed, nextTick } from 'vue'

/**
 * Places the server's field errors of a form beside the controls they
 * concern. `slotOf` maps an error key, such as `variables.2.name` or
 * `listIds.0`, to the slot of the form that shows it. Every control of a
 * slot binds `ariaOf(slot)`, and the slot's message element gets the id
 * `errorId(slot)`, so a screen reader reads the message with the control.
 * A control may show the errors of several slots, as each variable name
 * shows those of the whole list.
 */
export function useFieldErrors(
  errors: () => Record<string, string | undefined>,
  slotOf: (key: string) => string
) {
  /** Messages by slot, in the order the server sent them. */
  const bySlot = computed(() => {
    const slots = new Map<string, string[]>()
    for (const [key, message] of Object.entries(errors())) {
      if (!message) {
        continue
      }
      const slot = slotOf(key)
      slots.set(slot, [...(slots.get(slot) ?? []), message])
    }
    return slots
  })

  function errorOf(slot: string) {
    return bySlot.value.get(slot)?.join(' ')
  }

  function errorId(slot: string) {
    return `error-${slot.replace(/[^\w-]/g, '-')}`
  }

  /** Returns the ARIA attributes of a control that shows the errors of `slots`. */
  function ariaOf(...slots: string[]) {
    const invalid = slots.filter((slot) => bySlot.value.has(slot))
    return invalid.length > 0
      ? { 'aria-invalid': 'true' as const, 'aria-describedby': invalid.map(errorId).join(' ') }
      : {}
  }

  /** Scrolls `control` to the middle of the window and focuses it. */
  function reveal(control: HTMLElement) {
    control.scrollIntoView({ block: 'center' })
    control.focus({ preventScroll: true })
  }

  /** Focuses the first control of `slot` inside `root`. */
  function focusSlot(root: HTMLElement | null | undefined, slot: string) {
    const control = root?.querySelector<HTMLElement>(`[aria-describedby~="${errorId(slot)}"]`)
    if (control) {
      reveal(control)
    }
  }

  /**
   * Focuses the first invalid control inside `root` after the page shows
   * the errors, or `fallback` when no control is marked.
   */
  async function focusFirstInvalid(
    root: HTMLElement | null | undefined,
    fallback?: HTMLElement | null
  ) {
    await nextTick()
    // Inertia restores scroll positions in the next animation frame, so
    // focusing in a later frame keeps the field in view.
    requestAnimationFrame(() => {
      const control = root?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? fallback
      if (control) {
        reveal(control)
      }
    })
  }

  return { bySlot, errorOf, errorId, ariaOf, focusSlot, focusFirstInvalid }
}
