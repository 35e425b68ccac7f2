import { open } from 'node:fs/promises'

/**
 * Kind of an upload whose content is not text: an Excel workbook (`.xlsx`
 * or the older `.xls`), an OpenDocument spreadsheet (`.ods`), another ZIP
 * archive, a PDF, or any other binary file.
 */
export type BinaryKind = 'excel' | 'opendocument' | 'zip' | 'pdf' | 'binary'

/** Bytes read from the start of a file to tell text from binary: 8 KiB, as Git does. */
export const SNIFF_BYTES = 8 * 1024

/**
 * Signatures of a ZIP archive: a local file header, the end of an empty
 * archive, and the marker of a spanned archive. `.xlsx` and `.ods` files
 * are ZIP archives.
 */
const ZIP_SIGNATURES = ['504b0304', '504b0506', '504b0708']

/**
 * Signature of an OLE2 compound file, the container of Excel 97–2003
 * workbooks (`.xls`). Word and PowerPoint 97–2003 files share it, but a
 * contacts upload that starts with it is far more likely a workbook.
 */
const OLE2_SIGNATURE = 'd0cf11e0a1b11ae1'

const PDF_SIGNATURE = Buffer.from('%PDF-')

/**
 * Entry names that mark an Office Open XML workbook: its parts live under
 * `xl/`. A Word or PowerPoint file keeps them under `word/` or `ppt/`.
 */
const EXCEL_PART = Buffer.from('xl/')
const CONTENT_TYPES_PART = Buffer.from('[Content_Types].xml')
const OTHER_OFFICE_PARTS = [Buffer.from('word/'), Buffer.from('ppt/')]

/** The stored `mimetype` entry that starts every OpenDocument spreadsheet. */
const OPENDOCUMENT_SPREADSHEET = Buffer.from('application/vnd.oasis.opendocument.spreadsheet')

function startsWithHex(head: Buffer, hex: string) {
  const signature = Buffer.from(hex, 'hex')
  return head.length >= signature.length && head.subarray(0, signature.length).equals(signature)
}

/**
 * Names the kind of a ZIP archive from the entry names in its first bytes.
 * Each entry's local header stores its name uncompressed, and a workbook
 * saved by Excel lists `[Content_Types].xml` first, then its `xl/` parts.
 */
function zipKind(head: Buffer): BinaryKind {
  if (head.includes(OPENDOCUMENT_SPREADSHEET)) {
    return 'opendocument'
  }
  if (head.includes(EXCEL_PART)) {
    return 'excel'
  }
  const otherOffice = OTHER_OFFICE_PARTS.some((part) => head.includes(part))
  if (head.includes(CONTENT_TYPES_PART) && !otherOffice) {
    // An Office Open XML file whose parts come after the bytes read.
    return 'excel'
  }
  return 'zip'
}

/**
 * Returns the byte order of UTF-16 text without a byte order mark, from
 * where its NUL bytes sit: `le` when they sit at odd offsets only, as
 * `n\0a\0m\0e\0` does, `be` when only even ones do. Returns null for
 * bytes with no NUL or with NULs on both sides, which no UTF-16 text of
 * Latin letters has.
 */
export function utf16ByteOrder(head: Buffer): 'le' | 'be' | null {
  let even = 0
  let odd = 0
  for (const [index, byte] of head.entries()) {
    if (byte !== 0) {
      continue
    }
    if (index % 2 === 0) {
      even++
    } else {
      odd++
    }
  }
  if (odd > 0 && even === 0) {
    return 'le'
  }
  if (even > 0 && odd === 0) {
    return 'be'
  }
  return null
}

/**
 * Detects a file that is not text from its first bytes (read `SNIFF_BYTES`
 * of them), by the signature of a ZIP archive, an OLE2 compound file or a
 * PDF. Any other file with a NUL byte is binary, because the encodings the
 * import reads have none, except UTF-16. Returns null for text.
 */
export function binaryKind(head: Buffer): BinaryKind | null {
  if (ZIP_SIGNATURES.some((signature) => startsWithHex(head, signature))) {
    return zipKind(head)
  }
  if (startsWithHex(head, OLE2_SIGNATURE)) {
    return 'excel'
  }
  if (head.subarray(0, PDF_SIGNATURE.length).equals(PDF_SIGNATURE)) {
    return 'pdf'
  }
  const utf16Mark = startsWithHex(head, 'fffe') || startsWithHex(head, 'feff')
  if (utf16Mark || !head.includes(0) || utf16ByteOrder(head) !== null) {
    return null
  }
  return 'binary'
}

/** Reads up to `length` bytes from the start of a file on the local disk. */
export async function readFileStart(path: string, length = SNIFF_BYTES) {
  const file = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(length)
    const { bytesRead } = await file.read(buffer, 0, length, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await file.close()
  }
}
