/**
 * Highest page number a paginated list accepts. A deeper page would ask the
 * database for an offset beyond what it takes, and no one pages that far.
 */
export const MAX_PAGE = 100_000

/**
 * Reads a page number from a query string value: a whole number from 1 up,
 * capped at `MAX_PAGE`. Anything else, a repeated parameter included, reads
 * as page 1.
 */
export function pageParam(value: unknown) {
  const page = typeof value === 'string' ? Number(value) : Number.NaN
  if (!Number.isInteger(page) || page < 1) {
    return 1
  }
  return Math.min(page, MAX_PAGE)
}
