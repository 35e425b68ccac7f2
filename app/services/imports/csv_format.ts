import { Transform, type Readable } from 'node:stream'
import iconv from 'iconv-lite'
import chardet from 'chardet'
import { parse } from 'csv-parse'
import { parse as parseSync } from 'csv-parse/sync'

export const DELIMITERS = [',', ';', '\t'] as const
export type Delimiter = (typeof DELIMITERS)[number]

/** Encodings the import offers; iconv-lite names. */
export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1'] as const

/** Bytes read from the start of a file to detect its format and show a preview. */
export const HEAD_BYTES = 64 * 1024

/**
 * Detects the text encoding from the first bytes of a file: a byte order mark
 * wins; text that decodes as UTF-8 is UTF-8; anything else is what chardet
 * guesses, with Windows-1252 for the Latin-1 family, because that is what
 * spreadsheets in Western locales save.
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
 */
export function detectDelimiter(sample: string): Delimiter {
  let best: { delimiter: Delimiter; score: number } = { delimiter: ',', score: -1 }
  for (const delimiter of DELIMITERS) {
    const rows = parseSample(sample, delimiter, 50)
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
 * Parses the first `limit` records of decoded text. A sample cut inside a
 * quoted field fails to parse, so its last lines are dropped and it is tried
 * again, a few times.
 */
export function parseSample(text: string, delimiter: Delimiter, limit: number): string[][] {
  let current = text
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return parseSync(current, {
        delimiter,
        bom: true,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
        to: limit,
      }) as string[][]
    } catch {
      const cut = current.lastIndexOf('\n', current.length - 2)
      if (cut <= 0) {
        return []
      }
      current = current.slice(0, cut + 1)
    }
  }
  return []
}

/**
 * Counts the bytes that pass through, for a progress bar by file position.
 */
export function byteCounter(onBytes: (total: number) => void) {
  let total = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length
      onBytes(total)
      callback(null, chunk)
    },
  })
}

/**
 * Streams the records of a CSV file: raw bytes in, arrays of cells out. The
 * decoder drops a byte order mark. Memory stays flat whatever the size.
 */
export function csvRecordStream(source: Readable, encoding: string, delimiter: Delimiter) {
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  })
  source.on('error', (error) => parser.destroy(error))
  const decoder = iconv.decodeStream(encoding)
  decoder.on('error', (error: Error) => parser.destroy(error))
  return source.pipe(decoder).pipe(parser)
}
