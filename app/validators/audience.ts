import vine from '@vinejs/vine'
import { CONSENT_STATES } from '#models/contact'
import { CUSTOM_FIELD_TYPES } from '#models/custom_field'
import { contactTimeZone } from '#validators/time_zones'

/** Languages a contact may be marked with: the interface's locales. */
export const CONTACT_LANGUAGES = ['en', 'pt-BR'] as const

export const contactValidator = vine.compile(
  vine.object({
    name: vine.string().trim().maxLength(160).nullable().optional(),
    phone: vine.string().trim().maxLength(40),
    extraPhones: vine.array(vine.string().trim().maxLength(40)).maxLength(10).optional(),
    email: vine.string().trim().email().maxLength(254).nullable().optional(),
    city: vine.string().trim().maxLength(120).nullable().optional(),
    notes: vine.string().maxLength(5000).nullable().optional(),
    timezone: contactTimeZone(),
    language: vine.enum(CONTACT_LANGUAGES).nullable().optional(),
    tags: vine.string().trim().maxLength(1000).nullable().optional(),
    consent: vine.enum(CONSENT_STATES).optional(),
    fields: vine.record(vine.string().maxLength(1000).nullable()).optional(),
  })
)

export const customFieldValidator = vine.compile(
  vine.object({
    key: vine
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z][a-z0-9_]*$/)
      .maxLength(60),
    label: vine.string().trim().minLength(1).maxLength(120),
    type: vine.enum(CUSTOM_FIELD_TYPES),
    options: vine.string().trim().maxLength(2000).nullable().optional(),
  })
)

/**
 * Splits the opt-out keywords typed one per line or separated by commas,
 * keeping each once and only those with a letter or a digit: a reply is
 * matched word by word, so punctuation alone could never match.
 */
export function splitOptOutKeywords(text: string) {
  const keywords = text
    .split(/[,\n]/)
    .map((keyword) => keyword.trim())
    .filter((keyword) => /[\p{L}\p{N}]/u.test(keyword))
  return [...new Set(keywords)]
}

const someKeyword = vine.createRule((value, _options, field) => {
  if (typeof value === 'string' && splitOptOutKeywords(value).length === 0) {
    field.report(
      'Type at least one keyword with letters or digits, such as SAIR',
      'optOutKeywords',
      field
    )
  }
})

export const optOutSettingsValidator = vine.compile(
  vine.object({
    keywords: vine.string().trim().minLength(1).maxLength(2000).use(someKeyword()),
    reply: vine.string().trim().maxLength(1000).nullable().optional(),
  })
)

export const listValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(120),
    description: vine.string().trim().maxLength(500).nullable().optional(),
  })
)

export const listMembersValidator = vine.compile(
  vine.object({
    contactIds: vine.array(vine.number().positive()).maxLength(10000).optional(),
    phones: vine.array(vine.string().trim().maxLength(40)).maxLength(10000).optional(),
  })
)

export const segmentValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(120),
    rules: vine.any(),
  })
)

export const templateValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(120),
    body: vine.string().maxLength(20000).nullable().optional(),
    removeMedia: vine.boolean().optional(),
    media: vine.file({ size: '100mb' }).optional(),
  })
)

export const previewValidator = vine.compile(
  vine.object({
    body: vine.string().maxLength(20000).nullable().optional(),
    contactId: vine.number().positive().nullable().optional(),
    mediaType: vine
      .enum(['image', 'document', 'audio'] as const)
      .nullable()
      .optional(),
    templateId: vine.number().positive().nullable().optional(),
  })
)
