import vine from '@vinejs/vine'
import { DELIMITERS, ENCODINGS } from '#services/imports/csv_format'
import { TAG_MAX_LENGTH, tagParts } from '#services/contacts/contact_service'

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
