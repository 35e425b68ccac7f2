/**
 * Sorts items by their label in the interface language's order, ignoring
 * accents and case (`Intl.Collator` with sensitivity `base`), so "Ícaro"
 * sorts among the names with I and not after "Zé". Labels equal at that
 * level, such as "Erica" and "Érica", keep the language's full order.
 * Items without a label come last, in the order they were given.
 */
export function sortByLabel<T>(
  items: readonly T[],
  locale: string,
  labelOf: (item: T) => string | null | undefined
) {
  const base = new Intl.Collator(locale, { sensitivity: 'base', numeric: true })
  const full = new Intl.Collator(locale, { numeric: true })
  return [...items].sort((first, second) => {
    const a = labelOf(first)?.trim() || null
    const b = labelOf(second)?.trim() || null
    if (a === null || b === null) {
      return Number(a === null) - Number(b === null)
    }
    return base.compare(a, b) || full.compare(a, b)
  })
}

/**
 * Sorts named choices (lists, segments, connections, templates, contacts) by
 * name in the order of `sortByLabel`, for the pickers that offer them.
 */
export function sortByName<T extends { name: string | null }>(items: readonly T[], locale: string) {
  return sortByLabel(items, locale, (item) => item.name)
}

/** Sorts plain names, such as tags, in the order of `sortByLabel`. */
export function sortNames(names: readonly string[], locale: string) {
  return sortByLabel(names, locale, (name) => name)
}
