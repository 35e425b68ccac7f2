import vine from '@vinejs/vine'
import { CONSENT_STATES } from '#models/contact'
import { API_TOKEN_SCOPES } from '#models/api_token'
import { OUTBOUND_STATUSES } from '#models/message'
import { MAX_INTERVAL_SECONDS, VARIABLE_NAME } from '#validators/campaigns'
import { CLOCK } from '#flow/node_types/schema_parts'
import { MAX_PAGE } from '#services/database/page_numbers'
import { contactTimeZone } from '#validators/time_zones'

/** Largest `perPage` of a paginated API list. */
export const MAX_PER_PAGE = 100
export const DEFAULT_PER_PAGE = 25

const ids = () => vine.array(vine.number().withoutDecimals().positive()).maxLength(200).distinct()
const page = {
  page: vine.number().withoutDecimals().min(1).max(MAX_PAGE).optional(),
  perPage: vine.number().withoutDecimals().min(1).max(MAX_PER_PAGE).optional(),
}

export const paginationValidator = vine.compile(vine.object(page))

export const contactFiltersValidator = vine.compile(
  vine.object({
    ...page,
    q: vine.string().trim().maxLength(200).optional(),
    consent: vine.enum(CONSENT_STATES).optional(),
    tag: vine.string().trim().maxLength(60).optional(),
    listId: vine.number().withoutDecimals().positive().optional(),
  })
)

/** A contact as API clients send it; tags are an array, unlike the web form's text. */
export const apiContactValidator = vine.compile(
  vine.object({
    name: vine.string().trim().maxLength(160).nullable().optional(),
    phone: vine.string().trim().minLength(1).maxLength(40),
    extraPhones: vine.array(vine.string().trim().maxLength(40)).maxLength(10).optional(),
    email: vine.string().trim().email().maxLength(254).nullable().optional(),
    city: vine.string().trim().maxLength(120).nullable().optional(),
    notes: vine.string().maxLength(5000).nullable().optional(),
    timezone: contactTimeZone(),
    language: vine.string().trim().maxLength(10).nullable().optional(),
    tags: vine.array(vine.string().trim().maxLength(60)).maxLength(100).optional(),
    consent: vine.enum(CONSENT_STATES).optional(),
    fields: vine.record(vine.string().maxLength(1000).nullable()).optional(),
  })
)

export const apiTemplateValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(120),
    body: vine.string().minLength(1).maxLength(20000),
  })
)

export const apiSegmentValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(120),
    rules: vine.object({}).allowUnknownProperties(),
  })
)

/** Rejects a variables record with more than 50 entries or a name the web form would reject. */
const variableNames = vine.createRule((value, _options, field) => {
  const names = Object.keys((value as Record<string, unknown>) ?? {})
  const invalid = names.find((name) => !VARIABLE_NAME.test(name))
  if (names.length > 50) {
    field.report('Send at most 50 variables in {{ field }}', 'variables.maxLength', field)
  } else if (invalid !== undefined) {
    field.report(
      `Variable name "${invalid}" is invalid: start it with a letter or _, then use letters, digits and _, up to 60 characters`,
      'variables.name',
      field
    )
  }
})

/**
 * A new campaign. Everything but the name is optional and takes the same
 * defaults as the web form; the flow is drawn in the editor.
 */
export const apiCampaignValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(160),
    listIds: ids().optional(),
    segmentIds: ids().optional(),
    channelInstanceIds: ids().optional(),
    /** Campaign variables by name; names follow the web form's rule, so either can edit the campaign. */
    variables: vine.record(vine.string().maxLength(1000)).use(variableNames()).optional(),
    /** ISO 8601 time with an offset, such as `2030-01-31T12:00:00Z`; unset starts at once. */
    startsAt: vine.string().trim().maxLength(40).nullable().optional(),
    minIntervalSeconds: vine.number().withoutDecimals().min(1).max(MAX_INTERVAL_SECONDS).optional(),
    maxIntervalSeconds: vine.number().withoutDecimals().min(1).max(MAX_INTERVAL_SECONDS).optional(),
    dailyCapPerNumber: vine.number().withoutDecimals().min(1).max(100_000).nullable().optional(),
    pauseAfterSends: vine.number().withoutDecimals().min(1).max(100_000).nullable().optional(),
    pauseMinutes: vine.number().withoutDecimals().min(1).max(1440).nullable().optional(),
    quietHours: vine
      .object({
        days: vine
          .array(vine.number().in([1, 2, 3, 4, 5, 6, 7]))
          .minLength(1)
          .distinct(),
        start: vine.string().regex(CLOCK),
        end: vine.string().regex(CLOCK),
      })
      .nullable()
      .optional(),
  })
)

export const apiMessageValidator = vine.compile(
  vine.object({
    instanceId: vine.number().withoutDecimals().positive(),
    to: vine.string().trim().minLength(1).maxLength(40),
    text: vine.string().trim().minLength(1).maxLength(4096),
  })
)

export const messageFiltersValidator = vine.compile(
  vine.object({
    ...page,
    campaignId: vine.number().withoutDecimals().positive().optional(),
    instanceId: vine.number().withoutDecimals().positive().optional(),
    status: vine.enum([...OUTBOUND_STATUSES, 'received'] as const).optional(),
  })
)

export const apiTokenValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(120),
    scope: vine.enum(API_TOKEN_SCOPES),
    rateLimitPerMinute: vine.number().withoutDecimals().min(1).max(100_000).nullable().optional(),
  })
)
