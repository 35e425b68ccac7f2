/**
 * Formats an estimated duration in seconds for people: the two largest
 * units that matter (days and hours, hours and minutes, or minutes), in
 * the locale's short unit names, such as "2 hr 5 min" in English.
 */
export function formatDuration(seconds: number, locale: string) {
  const minutes = Math.max(1, Math.round(seconds / 60))
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const rest = minutes % 60
  const parts: [number, 'day' | 'hour' | 'minute'][] =
    days > 0
      ? [
          [days, 'day'],
          [hours, 'hour'],
        ]
      : hours > 0
        ? [
            [hours, 'hour'],
            [rest, 'minute'],
          ]
        : [[rest, 'minute']]
  const units = parts
    .filter(([value], index) => index === 0 || value > 0)
    .map(([value, unit]) =>
      new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value)
    )
  return new Intl.ListFormat(locale, { style: 'narrow', type: 'unit' }).format(units)
}

/** Formats a rate per minute with at most one decimal, in the locale's digits. */
export function formatRate(perMinute: number, locale: string) {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(perMinute)
}
