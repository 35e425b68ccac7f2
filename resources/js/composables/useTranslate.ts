import { computed } from 'vue'
import { usePage } from '@inertiajs/vue3'
import IntlMessageFormat from 'intl-messageformat'
import type { SharedProps } from '~/types'

const compiled = new Map<string, IntlMessageFormat>()

/**
 * Translates ICU message keys with the server's translations for the page's
 * locale. A missing key shows the key itself, so a gap is visible.
 */
export function useTranslate() {
  const page = usePage<SharedProps>()
  const locale = computed(() => page.props.locale)

  function t(key: string, values?: Record<string, unknown>) {
    const message = page.props.translations?.[key]
    if (message === undefined) {
      return key
    }
    const cacheKey = `${locale.value}\u0000${key}`
    let format = compiled.get(cacheKey)
    if (!format) {
      format = new IntlMessageFormat(message, locale.value)
      compiled.set(cacheKey, format)
    }
    return String(format.format(values as Record<string, string>))
  }

  function formatDate(value: string | null | undefined) {
    if (!value) {
      return ''
    }
    return new Intl.DateTimeFormat(locale.value, {
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(new Date(value))
  }

  return { t, locale, formatDate }
}
