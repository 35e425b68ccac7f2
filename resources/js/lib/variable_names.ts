import { ref, watch } from 'vue'

/** Maximum length of a custom field's variable name, as the server checks it. */
export const MAX_KEY_LENGTH = 60

/**
 * Suggests a custom field's variable name from a label or a column name,
 * as the rules for names ask: "Número do pedido" gives `numero_do_pedido`.
 * A label that starts with a digit gets a leading `f_`, since a name
 * starts with a letter.
 */
export function keyFromLabel(label: string) {
  const words = label
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
  const key = words === '' || /^[a-z]/.test(words) ? words : `f_${words}`
  return key.slice(0, MAX_KEY_LENGTH).replace(/_+$/, '')
}

/** Types a custom field can have, in the order the forms offer them. */
export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'choice'] as const

/**
 * Keeps a custom field form's variable name suggested from its label until
 * the member types a name of their own. Call `typeKey` on the name's input
 * events and `reset` after the form is cleared.
 */
export function useSuggestedKey(form: { label: string; key: string }) {
  const keyTyped = ref(false)
  watch(
    () => form.label,
    (label) => {
      if (!keyTyped.value) form.key = keyFromLabel(label)
    }
  )
  return {
    typeKey(event: Event) {
      keyTyped.value = (event.target as HTMLInputElement).value !== ''
    },
    reset() {
      keyTyped.value = false
    },
  }
}
