/** Group and decimal separators of a locale, such as `.` and `,` in pt-BR. */
function separators(locale: string) {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6)
  return {
    group: parts.find((part) => part.type === 'group')?.value ?? ',',
    decimal: parts.find((part) => part.type === 'decimal')?.value ?? '.',
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Reads a number typed in the page's locale and returns it in plain form
 * (`1000.5`), or null when the text is no number there. In pt-BR
 * "1.000,00" and "1000,5" are read, and in English "1,000.00" and "1000.5".
 */
export function parseLocaleNumber(text: string, locale: string) {
  const { group, decimal } = separators(locale)
  const compact = text.replace(/\s/g, '')
  const fraction = `(?:${escapeRegExp(decimal)}\\d+)?`
  const grouped = new RegExp(`^-?\\d{1,3}(?:${escapeRegExp(group)}\\d{3})+${fraction}$`)
  const ungrouped = new RegExp(`^-?\\d+${fraction}$`)
  if (!grouped.test(compact) && !ungrouped.test(compact)) {
    return null
  }
  return compact.split(group).join('').replace(decimal, '.')
}

/** Shows a number in plain form (`1234.56`) as the locale writes it, or returns other text as is. */
export function formatLocaleNumber(value: string | number | undefined, locale: string) {
  const text = String(value ?? '')
  if (!/^-?\d+(?:\.\d+)?$/.test(text)) {
    return text
  }
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 20 }).format(Number(text))
}
