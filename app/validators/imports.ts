import vine from '@vinejs/vine'
import { DELIMITERS, ENCODINGS } from '#services/imports/csv_format'

/** Largest CSV upload, in bytes: 50 MB, the multipart limit of the body parser. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024

export const uploadValidator = vine.compile(
  vine.object({
    file: vine.file({ size: '50mb', extnames: ['csv', 'txt', 'tsv'] }),
  })
)

export const formatValidator = vine.compile(
  vine.object({
    encoding: vine.enum(ENCODINGS),
    delimiter: vine.enum(DELIMITERS),
  })
)

export const startValidator = vine.compile(
  vine.object({
    mapping: vine.array(vine.string().maxLength(80)).minLength(1),
    duplicates: vine.enum(['skip', 'update'] as const),
    tags: vine.string().trim().maxLength(500).optional(),
    listIds: vine.array(vine.number().positive()).optional(),
  })
)
