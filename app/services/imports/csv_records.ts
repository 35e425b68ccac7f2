import iconv from 'iconv-lite'
import { parse as parseSync } from 'csv-parse/sync'

/**
 * Maximum lines one quoted value may span. A quoted value still open after
 * that many lines is reported as an unclosed quote, because no column takes a
 * value that long, and holding it would let one stray quote buffer a whole
 * file.
 */
export const MAX_RECORD_LINES = 1000

/**
 * Maximum characters of one record, far above any row a spreadsheet writes
 * (Excel stops a cell at 32,767 characters). It bounds the memory an import
 * needs whatever the file contains.
 */
export const MAX_RECORD_CHARS = 1_000_000

/** Characters around an unclosed quote that its message quotes, so the member finds the spot. */
const EXCERPT_BEFORE = 20
const EXCERPT_AFTER = 30

type LineBreak = '\n' | '\r\n' | '\r'

/** Problem that keeps a record from being read, with the values its message names. */
export interface RecordProblem {
  code: 'quote_unclosed' | 'quote_too_long' | 'record_too_long'
  values: Record<string, string | number>
}

/**
 * One record of a CSV file, numbered by the physical line it starts on, as a
 * text editor counts them: the header is usually line 1, and a quoted value
 * that spans several lines moves the next record further down.
 */
export type CsvItem = { line: number; cells: string[] } | { line: number; problem: RecordProblem }

/**
 * Outcome of reading one record from the buffer. `next` is where the
 * following record starts, and `from` is where the line that is too long
 * starts.
 */
type Scan =
  | { kind: 'incomplete' }
  | { kind: 'record'; end: number; next: number }
  | { kind: 'problem'; problem: RecordProblem; next: number }
  | { kind: 'line_too_long'; from: number }

const INCOMPLETE: Scan = { kind: 'incomplete' }

const RECORD_TOO_LONG: RecordProblem = {
  code: 'record_too_long',
  values: { limit: MAX_RECORD_CHARS },
}

/**
 * Splits decoded CSV text, pushed in chunks of any size, into records. Quotes
 * follow RFC 4180 with csv-parse's relaxed rules, so a quote inside an
 * unquoted value is text. Records end at the file's own line break, as
 * csv-parse detects it. csv-parse also reads the cells of every record that
 * has a quote, so values come out as csv-parse gives them.
 *
 * What csv-parse cannot do is go on after an unclosed quote: it reads the
 * rest of the file as one value, or merges the rows up to the next stray
 * quote into one cell. This reader rejects the record whose quote has no
 * closing quote, naming the line where that quote opened, and reads on from
 * the line after it. A quoted value counts as unclosed when the file ends
 * inside it. It also counts as unclosed when it spans lines and a later quote
 * closes it in the middle of a value (`"open` … `"Curitiba, PR"`), because
 * that is how a stray quote pairs with the next real one.
 */
export class CsvRecordReader {
  #text = ''
  #line = 1
  #lineBreak: LineBreak | undefined
  #started = false
  /** Whether the rest of a line longer than `MAX_RECORD_CHARS` is being dropped. */
  #skipping = false

  constructor(private readonly delimiter: string) {}

  /** Adds decoded text and returns the records it completes. */
  push(text: string): CsvItem[] {
    this.#text += this.#started ? text : text.replace(/^\uFEFF/, '')
    this.#started ||= text !== ''
    return this.#drain(false)
  }

  /** Returns the records left once the input has ended. */
  end(): CsvItem[] {
    return this.#drain(true)
  }

  #drain(final: boolean): CsvItem[] {
    const items: CsvItem[] = []
    this.#lineBreak ??= detectLineBreak(this.#text, final)
    const lineBreak = this.#lineBreak
    if (!lineBreak) {
      return items
    }

    const text = this.#text
    let position = 0
    while (position < text.length) {
      if (this.#skipping) {
        position = this.#skip(text, position, lineBreak)
        if (this.#skipping) {
          break
        }
        continue
      }

      const scan = this.#scan(text, position, lineBreak, final)
      if (scan.kind === 'incomplete') {
        break
      }
      if (scan.kind === 'line_too_long') {
        items.push(this.#problem(RECORD_TOO_LONG))
        this.#line += countLineBreaks(text.slice(position, scan.from))
        this.#skipping = true
        position = scan.from
        continue
      }

      if (scan.kind === 'problem') {
        items.push(this.#problem(scan.problem))
      } else if (scan.end - position > MAX_RECORD_CHARS) {
        items.push(this.#problem(RECORD_TOO_LONG))
      } else if (scan.end > position) {
        items.push({ line: this.#line, cells: this.#cells(text.slice(position, scan.end)) })
      }
      this.#line += countLineBreaks(text.slice(position, scan.next))
      position = scan.next
    }
    this.#text = text.slice(position)
    return items
  }

  /**
   * Drops the rest of a line that is too long, up to its line break, and
   * returns where reading goes on. The last character waits for the next
   * push, because it may be the first half of `\r\n`.
   */
  #skip(text: string, position: number, lineBreak: LineBreak) {
    const end = text.indexOf(lineBreak, position)
    const next = end === -1 ? Math.max(position, text.length - 1) : end + lineBreak.length
    this.#line += countLineBreaks(text.slice(position, next))
    this.#skipping = end === -1
    return next
  }

  #problem(problem: RecordProblem): CsvItem {
    return { line: this.#line, problem }
  }

  #cells(record: string): string[] {
    if (!record.includes('"')) {
      return record.split(this.delimiter)
    }
    const records = parseSync(record, {
      delimiter: this.delimiter,
      record_delimiter: this.#lineBreak,
      relax_quotes: true,
      relax_column_count: true,
    }) as string[][]
    return records[0] ?? ['']
  }

  /**
   * Reads one record from `start`. Most lines have no quote and end at the
   * next line break, and the others are walked character by character.
   */
  #scan(text: string, start: number, lineBreak: LineBreak, final: boolean): Scan {
    const lineEnd = text.indexOf(lineBreak, start)
    const end = lineEnd === -1 ? text.length : lineEnd
    if (text.slice(start, end).includes('"')) {
      return this.#scanQuoted(text, start, lineBreak, final)
    }
    if (lineEnd !== -1) {
      return { kind: 'record', end, next: end + lineBreak.length }
    }
    if (final) {
      return { kind: 'record', end, next: end }
    }
    return text.length - start > MAX_RECORD_CHARS
      ? { kind: 'line_too_long', from: start }
      : INCOMPLETE
  }

  #scanQuoted(text: string, start: number, lineBreak: LineBreak, final: boolean): Scan {
    const quote = new QuoteState(start)
    let index = start
    while (index < text.length) {
      const char = text[index]
      const atBreak = char === lineBreak[0] && text.startsWith(lineBreak, index)

      if (quote.open) {
        if (char === '"') {
          const rest = text.length - index - 1
          if (!final && rest < lineBreak.length && lineBreak.startsWith(text.slice(index + 1))) {
            // The text ends after the quote or inside a line break, so the next push decides.
            return INCOMPLETE
          }
          const after = text[index + 1]
          if (after === '"') {
            index += 2
            continue
          }
          const closes =
            after === undefined || after === this.delimiter || text.startsWith(lineBreak, index + 1)
          if (!closes && quote.lines > 0) {
            return this.#unclosed(text, start, quote, 'quote_unclosed')
          }
          quote.close()
        } else if (atBreak) {
          quote.passBreak(index + lineBreak.length)
          if (quote.lines >= MAX_RECORD_LINES || index - start > MAX_RECORD_CHARS) {
            return this.#unclosed(text, start, quote, 'quote_too_long')
          }
          index += lineBreak.length
          continue
        }
      } else if (atBreak) {
        return { kind: 'record', end: index, next: index + lineBreak.length }
      } else if (char === this.delimiter) {
        quote.fieldStart = true
      } else if (char === '"' && quote.fieldStart) {
        quote.openAt(index)
      } else {
        quote.fieldStart = false
      }
      index += 1
    }

    if (final) {
      return quote.open
        ? this.#unclosed(text, start, quote, 'quote_unclosed')
        : { kind: 'record', end: text.length, next: text.length }
    }
    if (index - start <= MAX_RECORD_CHARS) {
      return INCOMPLETE
    }
    return quote.open && quote.lines > 0
      ? this.#unclosed(text, start, quote, 'quote_too_long')
      : { kind: 'line_too_long', from: quote.lineStart }
  }

  /**
   * Rejects the record up to the line where its unclosed quote opened, so
   * reading resumes on the line after it, or ends with the file when the
   * quote is on its last line.
   */
  #unclosed(text: string, start: number, quote: QuoteState, code: RecordProblem['code']): Scan {
    const line = this.#line + countLineBreaks(text.slice(start, quote.openedAt))
    const values: RecordProblem['values'] = { line, value: excerpt(text, quote.openedAt) }
    if (code === 'quote_too_long') {
      Object.assign(values, { lines: MAX_RECORD_LINES, characters: MAX_RECORD_CHARS })
    }
    return {
      kind: 'problem',
      problem: { code, values },
      next: quote.openedLineEnd ?? text.length,
    }
  }
}

/**
 * Quote state of the record being walked. `lines` counts the file's line
 * breaks passed inside the open quoted value.
 */
class QuoteState {
  open = false
  /** Whether the next character starts a value, where a quote opens a quoted value. */
  fieldStart = true
  lines = 0
  openedAt = 0
  /** Index just past the line break that ends the line where the quote opened. */
  openedLineEnd: number | undefined
  /** Index where the line being walked starts. */
  lineStart: number

  constructor(start: number) {
    this.lineStart = start
  }

  openAt(index: number) {
    this.open = true
    this.fieldStart = false
    this.lines = 0
    this.openedAt = index
    this.openedLineEnd = undefined
  }

  /**
   * Closes the value. A closing quote followed by text on the same line is
   * kept as text, as csv-parse's `relax_quotes` does.
   */
  close() {
    this.open = false
  }

  passBreak(next: number) {
    this.openedLineEnd ??= next
    this.lineStart = next
    this.lines += 1
  }
}

/** Counts line breaks as a text editor does: `\r\n`, `\n` and `\r` alike. */
function countLineBreaks(text: string) {
  let count = 0
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index)
    if (char === 10 || (char === 13 && text.charCodeAt(index + 1) !== 10)) {
      count += 1
    }
  }
  return count
}

/**
 * Returns the text around an unclosed quote on its line: up to 20 characters
 * before it and 30 from it, with an ellipsis where the line goes on.
 */
function excerpt(text: string, quoteIndex: number) {
  const lineStart =
    Math.max(text.lastIndexOf('\n', quoteIndex), text.lastIndexOf('\r', quoteIndex)) + 1
  const before = Array.from(
    text.slice(Math.max(lineStart, quoteIndex - EXCERPT_BEFORE * 2), quoteIndex)
  )
  const after = Array.from(
    text.slice(quoteIndex, quoteIndex + EXCERPT_AFTER * 2).split(/[\r\n]/)[0]
  )
  const head =
    before.length > EXCERPT_BEFORE ? `…${before.slice(-EXCERPT_BEFORE).join('')}` : before.join('')
  const tail =
    after.length > EXCERPT_AFTER ? `${after.slice(0, EXCERPT_AFTER).join('')}…` : after.join('')
  return head + tail
}

/**
 * Returns the file's line break, the first one it uses, as csv-parse does,
 * or undefined while the text read so far cannot tell.
 */
function detectLineBreak(text: string, final: boolean): LineBreak | undefined {
  const index = text.search(/[\r\n]/)
  if (index === -1) {
    return final || text.length > MAX_RECORD_CHARS ? '\n' : undefined
  }
  if (text[index] === '\n') {
    return '\n'
  }
  if (index === text.length - 1 && !final) {
    return undefined
  }
  return text[index + 1] === '\n' ? '\r\n' : '\r'
}

/**
 * Reads the records of a whole CSV text, or of its first part when
 * `complete` is false, in which case a record the text cuts is left out.
 */
export function readCsvText(text: string, delimiter: string, complete: boolean): CsvItem[] {
  const reader = new CsvRecordReader(delimiter)
  const items = reader.push(text)
  return complete ? [...items, ...reader.end()] : items
}

/**
 * Streams the records of a CSV file: raw bytes in, decoded with `encoding`
 * (an iconv-lite name) without a byte order mark, records out. Memory stays
 * flat whatever the file's size, because a record contains at most
 * `MAX_RECORD_CHARS` characters.
 */
export async function* readCsvRecords(
  source: AsyncIterable<Buffer>,
  encoding: string,
  delimiter: string
): AsyncGenerator<CsvItem> {
  const decoder = iconv.getDecoder(encoding)
  const reader = new CsvRecordReader(delimiter)
  for await (const chunk of source) {
    yield* reader.push(decoder.write(chunk))
  }
  yield* reader.push(decoder.end() ?? '')
  yield* reader.end()
}
