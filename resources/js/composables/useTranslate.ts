import { computed } from 'vue'
import { usePage } from '@inertiajs/vue3'
import IntlMessageFormat from 'intl-messageformat'
import type { SharedProps } from '~/types'

const compiled = new Map<string, IntlMessageFormat>()

/** Returns the browser's own IANA time zone. */
function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}

/** Returns the short name of `zone` at `at` in `locale`, such as "GMT-3" or "BRT". */
function zoneLabel(at: Date, zone: string, locale: string) {
  const parts = new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    timeZoneName: 'short',
  }).formatToParts(at)
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? zone
}

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

  /** The workspace's time zone, in which pages show times; the browser's own outside a workspace. */
  const timeZone = computed(() => page.props.tenant?.timezone || browserTimeZone())

  /**
   * Formats an instant in the workspace's time zone with `options`. When
   * the browser's own zone is another one, the zone's short name follows
   * the time ("14:21 GMT-3"), so it is not read as the local time.
   */
  function formatInstant(value: string | Date, options: Intl.DateTimeFormatOptions) {
    const at = value instanceof Date ? value : new Date(value)
    const text = new Intl.DateTimeFormat(locale.value, {
      ...options,
      timeZone: timeZone.value,
    }).format(at)
    const showsTime = options.timeStyle !== undefined || options.hour !== undefined
    if (!showsTime || timeZone.value === browserTimeZone()) {
      return text
    }
    return `${text} ${zoneLabel(at, timeZone.value, locale.value)}`
  }

  /** Formats a date and time as the locale writes it, in the workspace's time zone. */
  function formatDate(value: string | null | undefined) {
    if (!value) {
      return ''
    }
    return formatInstant(value, { dateStyle: 'medium', timeStyle: 'short' })
  }

  /** Tells whether an instant falls on today's date in the workspace's time zone. */
  function isToday(value: string | Date) {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: timeZone.value })
    return day.format(value instanceof Date ? value : new Date(value)) === day.format(new Date())
  }

  return { t, locale, timeZone, formatDate, formatInstant, isToday }
}
