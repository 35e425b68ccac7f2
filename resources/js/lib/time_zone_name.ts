/**
 * Names an IANA time zone the way people read it, in `locale`: the zone's
 * generic long name and its city, such as "Horário Padrão de Brasília (Sao Paulo)"
 * for `America/Sao_Paulo` in pt-BR. Intl has no translated city names, so
 * the city is the zone's last part with spaces. A zone Intl does not know
 * is returned as it is.
 */
export function timeZoneName(zone: string, locale: string) {
  let name: string | undefined
  try {
    name = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'longGeneric' })
      .formatToParts(new Date())
      .find((part) => part.type === 'timeZoneName')?.value
  } catch {
    return zone
  }
  const city = zone.includes('/') ? zone.split('/').pop()!.replaceAll('_', ' ') : null
  if (!name || name === city) {
    return city ?? zone
  }
  return city && !name.includes(city) ? `${name} (${city})` : name
}

/**
 * Lists the time zones the browser supports as `{ code, name }` in
 * `locale`, sorted by name and then code, so zones with the same time sit
 * together and each city follows its neighbours.
 */
export function timeZoneOptions(locale: string) {
  const collator = new Intl.Collator(locale)
  return Intl.supportedValuesOf('timeZone')
    .map((code) => ({ code, name: timeZoneName(code, locale) }))
    .sort((a, b) => collator.compare(a.name, b.name) || collator.compare(a.code, b.code))
}
