/**
 * A cell that starts with one of these makes a spreadsheet run it as a
 * formula (`=`, `+`, `-`, `@`, and their full-width forms) or hides its
 * start (tab, carriage return).
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/

/** Fields that must be quoted: RFC 4180's comma, quote and line breaks, and `;` for spreadsheets that split on it. */
const NEEDS_QUOTES = /[",;\r\n]/

/** Prefixes a text that a spreadsheet would run as a formula with `'`, which makes it plain text. */
export function defuseFormula(text: string) {
  return FORMULA_START.test(text) ? `'${text}` : text
}

/**
 * Turns a value into one CSV field: defused like `defuseFormula`, then
 * quoted when it contains a separator, a quote or a line break. Numbers are
 * written as they are, so a negative figure stays a number.
 */
export function csvField(value: string | number | null | undefined) {
  if (value === null || value === undefined) {
    return ''
  }
  if (typeof value === 'number') {
    return String(value)
  }
  const text = defuseFormula(value)
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * `csv-stringify` options that write cells the way `csvField` does:
 * formulas defused, and `;` quoted along with what the library quotes
 * itself.
 */
export const SAFE_STRINGIFY_OPTIONS = { escape_formulas: true, quoted_match: /;/ } as const
