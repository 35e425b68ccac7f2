/**
 * Column options that store a value as JSON text, so the same model works on
 * MariaDB and SQLite. `fallback` is what a NULL column reads as.
 */
export function jsonColumn<T>(fallback: T) {
  return {
    prepare: (value: T | null | undefined) =>
      value === null || value === undefined ? null : JSON.stringify(value),
    consume: (value: unknown): T => {
      if (value === null || value === undefined || value === '') {
        return structuredClone(fallback)
      }
      return (typeof value === 'string' ? JSON.parse(value) : value) as T
    },
  }
}
