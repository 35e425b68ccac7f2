/**
 * A cell that starts with one of these makes a spreadsheet run it as a
 * formula (`=`, `+`, `-`, `@`, and their full-width forms) or hides its
 * start (tab, carriage return).
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/

/**
 * A phone number in E.164 form: `+` and digits only. A spreadsheet reads it
 * as a number, and with no operator or function in it there is nothing to
 * run, so it is written as it is.
 */
const PHONE_NUMBER = /^\+\d{1,20}$/

/** Fields that must be quoted: quotes, line breaks and both separators, whichever the file uses. */
const NEEDS_QUOTES = /[",;\r\n]/

/**
 * Byte order mark at the start of every CSV export. Without it Excel reads
 * the file in the system's legacy code page, and accented letters break.
 */
export const UTF8_BOM = '\uFEFF'

/** Field separator of a CSV export. */
export type CsvSeparator = ',' | ';'

/**
 * Languages whose spreadsheets split CSV fields on `;`, because their
 * decimal separator is the comma. Excel and LibreOffice set in Portuguese
 * put a whole comma-separated line in one column.
 */
const SEMICOLON_LANGUAGES = ['pt']

/**
 * Returns the separator a spreadsheet set to the language expects: `;` for
 * Portuguese (`pt-BR`), `,` for English and any other language.
 */
export function csvSeparatorFor(locale: string): CsvSeparator {
  const language = locale.toLowerCase().split(/[-_]/)[0]
  return SEMICOLON_LANGUAGES.includes(language) ? ';' : ','
}

/** Language and separator of the member who downloads a CSV export. */
export interface CsvReader {
  separator: CsvSeparator
  t: (key: string, values?: Record<string, string | number>) => string
}

/**
 * Returns the reader of a request's member: the separator their
 * spreadsheet expects and their translations. Pass `ctx.i18n`.
 */
export function csvReaderFor(i18n: {
  locale: string
  t: (key: string, values?: Record<string, any>) => string
}): CsvReader {
  return {
    separator: csvSeparatorFor(i18n.locale),
    t: (key, values) => i18n.t(key, values),
  }
}

/**
 * Prefixes a text that a spreadsheet would run as a formula with `'`, which
 * makes it plain text. A phone number such as `+5511912340001` is left as
 * it is.
 */
export function defuseFormula(text: string) {
  if (PHONE_NUMBER.test(text)) {
    return text
  }
  return FORMULA_START.test(text) ? `'${text}` : text
}

/**
 * Removes the `'` that `defuseFormula` puts before a formula, so a file that
 * an export wrote imports back with the values as they were stored.
 */
export function restoreDefused(text: string) {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text
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

/** Joins values into one CSV line, with the separator and a CRLF line end. */
export function csvLine(values: (string | number | null | undefined)[], separator: CsvSeparator) {
  return `${values.map(csvField).join(separator)}\r\n`
}

/**
 * `csv-stringify` options that write a file the way `csvLine` does: a byte
 * order mark first, the separator of the reader's language, formulas
 * defused (phone numbers left as they are), both separators quoted, and
 * CRLF line ends.
 */
export function csvStringifyOptions(separator: CsvSeparator) {
  return {
    bom: true,
    delimiter: separator,
    record_delimiter: 'windows',
    quoted_match: /[;,]/,
    cast: { string: (value: string) => defuseFormula(value) },
  } as const
}
