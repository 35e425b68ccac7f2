import { extname } from 'node:path'
import vine from '@vinejs/vine'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import { DELIMITERS, ENCODINGS, HEAD_BYTES, missingRowsProblem } from '#services/imports/csv_format'
import { binaryKind, readFileStart, type BinaryKind } from '#services/imports/file_content'
import { TAG_MAX_LENGTH, tagParts } from '#services/contacts/contact_service'

/** Largest CSV upload, in bytes: 50 MB, the multipart limit of the body parser. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024

/** Extensions of the text files an import reads. */
const IMPORT_EXTENSIONS = ['csv', 'txt', 'tsv']

/**
 * Rejects a file that is not CSV text, such as an Excel workbook, naming the
 * extension of the file's name (`xlsx`). The extension the body parser gave
 * the file (`file.extname`) must be a text one too. Reported as `csvFile`
 * with `{ extension }`, and its message asks the member to save the sheet
 * as CSV.
 */
const csvFile = vine.createRule((value, _options, field) => {
  const file = value as MultipartFile
  const named = extname(file.clientName ?? '')
    .slice(1)
    .toLowerCase()
  const detected = (file.extname ?? named).toLowerCase()
  if (IMPORT_EXTENSIONS.includes(named) && IMPORT_EXTENSIONS.includes(detected)) {
    return
  }
  const extension = IMPORT_EXTENSIONS.includes(named) ? detected : named
  field.report('Save the spreadsheet as CSV', 'csvFile', field, { extension: extension || '?' })
})

/** Rule reported for each kind of file that is not CSV text, with `{ fileName }`. */
const BINARY_RULES: Record<BinaryKind, string> = {
  excel: 'csvContentExcel',
  opendocument: 'csvContentOpenDocument',
  zip: 'csvContentZip',
  pdf: 'csvContentPdf',
  binary: 'csvContentBinary',
}

/**
 * Rejects a file named as text whose first bytes are not text, such as a
 * workbook renamed to `.csv` (see `binaryKind`). The message names the
 * file and explains how to save it as CSV.
 */
const csvContent = vine.createRule(
  async (value, _options, field) => {
    const file = value as MultipartFile
    if (!file.tmpPath) {
      return
    }
    const kind = binaryKind(await readFileStart(file.tmpPath))
    if (kind) {
      field.report('Save the file as CSV', BINARY_RULES[kind], field, {
        fileName: file.clientName,
      })
    }
  },
  { isAsync: true }
)

/** Rule reported for each reason a CSV file contains no contact, with `{ fileName }`. */
const MISSING_ROWS_RULES = { empty: 'csvEmpty', no_rows: 'csvNoRows' } as const

/**
 * Rejects a CSV file without a contact to import: an empty file, or one
 * with a header and no row below it (see `missingRowsProblem`). The
 * message names the file and what it must contain.
 */
const csvRows = vine.createRule(
  async (value, _options, field) => {
    const file = value as MultipartFile
    if (!file.tmpPath) {
      return
    }
    const head = await readFileStart(file.tmpPath, HEAD_BYTES)
    const problem = missingRowsProblem(head, file.size <= HEAD_BYTES)
    if (problem) {
      field.report(
        'Choose a CSV file with a header row and at least one contact',
        MISSING_ROWS_RULES[problem],
        field,
        {
          fileName: file.clientName,
        }
      )
    }
  },
  { isAsync: true }
)

export const uploadValidator = vine.compile(
  vine.object({
    file: vine.file({ size: '50mb' }).use(csvFile()).use(csvContent()).use(csvRows()),
  })
)

export const formatValidator = vine.compile(
  vine.object({
    encoding: vine.enum(ENCODINGS),
    delimiter: vine.enum(DELIMITERS),
  })
)

/** Rejects a list of tags with one longer than a tag name stores, instead of cutting it. */
const tagLength = vine.createRule((value, _options, field) => {
  const tag =
    typeof value === 'string' && tagParts(value).find((part) => part.length > TAG_MAX_LENGTH)
  if (tag) {
    field.report('Shorten the tag "{value}" to at most {max} characters', 'tagLength', field, {
      value: tag,
      max: TAG_MAX_LENGTH,
    })
  }
})

export const startValidator = vine.compile(
  vine.object({
    mapping: vine.array(vine.string().maxLength(80)).minLength(1),
    duplicates: vine.enum(['skip', 'update'] as const),
    tags: vine.string().trim().maxLength(500).use(tagLength()).optional(),
    listIds: vine.array(vine.number().positive()).optional(),
  })
)
