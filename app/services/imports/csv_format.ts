import iconv from 'iconv-lite'
import chardet from 'chardet'
import { readCsvText, type CsvItem } from '#services/imports/csv_records'
import { utf16ByteOrder } from '#services/imports/file_content'

export const DELIMITERS = [',', ';', '\t'] as const
export type Delimiter = (typeof DELIMITERS)[number]

/** Encodings the import offers; iconv-lite names. */
export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1'] as const

/** Bytes read from the start of a file to detect its format and show a preview. */
export const HEAD_BYTES = 64 * 1024

/**
 * Detects the text encoding from the first bytes of a file. A byte order
 * mark wins. NUL bytes on one side of each byte pair are UTF-16 without a
 * mark, and text that decodes as UTF-8 is UTF-8. Anything else is what
 * chardet guesses, with Windows-1252 for the Latin-1 family, because that
 * is what spreadsheets in Western locales save.
 */
export function detectEncoding(head: Buffer) {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    return 'utf-8'
  }
  if (head[0] === 0xff && head[1] === 0xfe) {
    return 'utf-16le'
  }
  if (head[0] === 0xfe && head[1] === 0xff) {
    return 'utf-16be'
  }
  const utf16 = head.includes(0) ? utf16ByteOrder(head) : null
  if (utf16) {
    return `utf-16${utf16}`
  }
  if (isUtf8(head)) {
    return 'utf-8'
  }
  const guess = chardet.detect(head)?.toLowerCase()
  if (!guess || guess.startsWith('iso-8859') || guess.startsWith('windows-125')) {
    return 'windows-1252'
  }
  return iconv.encodingExists(guess) ? guess : 'windows-1252'
}

/**
 * Tells whether the bytes are valid UTF-8, forgiving a character cut at the
 * end of a partial read.
 */
function isUtf8(head: Buffer) {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  for (let cut = 0; cut <= 3 && cut < head.length; cut++) {
    try {
      decoder.decode(head.subarray(0, head.length - cut))
      return true
    } catch {
      if (head.length < HEAD_BYTES) {
        return false
      }
    }
  }
  return false
}

/**
 * Decodes the first bytes of a file, without a byte order mark, and drops a
 * last line that the read may have cut.
 */
export function decodeHead(head: Buffer, encoding: string, complete: boolean) {
  const text = iconv.decode(head, encoding)
  if (complete) {
    return text
  }
  const lastBreak = text.lastIndexOf('\n')
  return lastBreak > 0 ? text.slice(0, lastBreak + 1) : text
}

/**
 * Picks the separator that splits the sample into the most rows of one
 * consistent width above one column. Quoted separators do not count, so
 * `"aceita; promoções"` in a comma file does not make it a `;` file.
 * `complete` is true when the sample is the whole file.
 */
export function detectDelimiter(sample: string, complete = false): Delimiter {
  let best: { delimiter: Delimiter; score: number } = { delimiter: ',', score: -1 }
  for (const delimiter of DELIMITERS) {
    const rows = readSample(sample, delimiter, 50, complete).flatMap((item) =>
      'cells' in item ? [item.cells] : []
    )
    const width = rows[0]?.length ?? 0
    if (width < 2) {
      continue
    }
    const consistent = rows.filter((row) => row.length === width).length
    const score = consistent * 1000 + width
    if (score > best.score) {
      best = { delimiter, score }
    }
  }
  return best.delimiter
}

/**
 * Reads the first `limit` records of the start of a file, by line. Unless
 * `complete`, the text may end inside a record, which is left out.
 */
export function readSample(
  text: string,
  delimiter: Delimiter,
  limit: number,
  complete = false
): CsvItem[] {
  return readCsvText(text, delimiter, complete).slice(0, limit)
}

/**
 * Returns why a CSV file contains no contact, from its first bytes `head`.
 * It is `empty` when the file has only a byte order mark and blank lines,
 * and `no_rows` when only blank lines or rows of empty cells follow the
 * header. Returns null when a row follows, and when `head` is not the
 * whole file (`complete` false), because more rows may follow.
 */
export function missingRowsProblem(head: Buffer, complete: boolean) {
  const encoding = detectEncoding(head)
  const text = decodeHead(head, encoding, complete)
  if (text.trim() === '') {
    return complete ? ('empty' as const) : null
  }
  const delimiter = detectDelimiter(text, complete)
  const [, ...rows] = readSample(text, delimiter, Number.POSITIVE_INFINITY, complete)
  const hasRow = rows.some(
    (item) => !('cells' in item) || item.cells.some((cell) => cell.trim() !== '')
  )
  return hasRow || !complete ? null : ('no_rows' as const)
}
