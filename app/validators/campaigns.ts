import vine from '@vinejs/vine'
import { CLOCK } from '#flow/node_types/schema_parts'

/** The rule of a campaign variable's name, shared by the web form and the API. */
export const VARIABLE_NAME = /^[A-Za-z_]\w{0,59}$/

const ids = () => vine.array(vine.number().withoutDecimals().positive()).maxLength(200).distinct()

/** Longest pacing interval between two sends of one number: a day, in seconds. */
export const MAX_INTERVAL_SECONDS = 86_400

/** Campaign settings: everything of a campaign but its flow and state. */
export const campaignSettingsValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(160),
    listIds: ids(),
    segmentIds: ids(),
    channelInstanceIds: ids(),
    variables: vine
      .array(
        vine.object({
          name: vine.string().trim().regex(VARIABLE_NAME),
          value: vine.string().maxLength(1000),
        })
      )
      .maxLength(50)
      .distinct('name'),
    startMode: vine.enum(['now', 'at'] as const),
    /** Local date and time in the tenant's time zone, `yyyy-MM-ddTHH:mm`. */
    startsAtLocal: vine
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/)
      .nullable(),
    minIntervalSeconds: vine.number().withoutDecimals().min(1).max(MAX_INTERVAL_SECONDS),
    maxIntervalSeconds: vine.number().withoutDecimals().min(1).max(MAX_INTERVAL_SECONDS),
    dailyCapPerNumber: vine.number().withoutDecimals().min(1).max(100_000).nullable(),
    pauseAfterSends: vine.number().withoutDecimals().min(1).max(100_000).nullable(),
    pauseMinutes: vine.number().withoutDecimals().min(1).max(1440).nullable(),
    quietHours: vine.object({
      mode: vine.enum(['tenant', 'custom'] as const),
      window: vine
        .object({
          days: vine
            .array(vine.number().in([1, 2, 3, 4, 5, 6, 7]))
            .minLength(1)
            .distinct(),
          start: vine.string().regex(CLOCK),
          end: vine.string().regex(CLOCK),
        })
        .nullable(),
    }),
  })
)

/**
 * Names a node id may not take, because plain objects already have them
 * (`__proto__`, `constructor`, `toString` and the rest): an execution plan
 * keyed by node id would read the inherited value for a missing node.
 */
export const RESERVED_NODE_IDS = Object.getOwnPropertyNames(Object.prototype)

/** Shape of a saved draft graph. Configuration objects are checked by node type, not here. */
export const flowDraftValidator = vine.compile(
  vine.object({
    revision: vine.number().withoutDecimals().min(0),
    graph: vine.object({
      nodes: vine
        .array(
          vine.object({
            id: vine
              .string()
              .regex(/^[A-Za-z0-9_-]{1,64}$/)
              .notIn(RESERVED_NODE_IDS),
            type: vine.string().regex(/^[a-z][a-z0-9_.-]{0,80}$/),
            position: vine.object({ x: vine.number(), y: vine.number() }),
            config: vine.object({}).allowUnknownProperties(),
            maxVisits: vine.number().nullable().optional(),
          })
        )
        .maxLength(1000),
      edges: vine
        .array(
          vine.object({
            id: vine.string().minLength(1).maxLength(200),
            source: vine.string().maxLength(64),
            sourcePort: vine.string().maxLength(60),
            target: vine.string().maxLength(64),
          })
        )
        .maxLength(4000),
    }),
  })
)

export const audienceCountValidator = vine.compile(
  vine.object({ listIds: ids(), segmentIds: ids() })
)

export const messagePreviewValidator = vine.compile(
  vine.object({
    contactId: vine.number().withoutDecimals().positive().nullable(),
    message: vine.object({
      templateId: vine.number().withoutDecimals().positive().nullable(),
      text: vine.string().maxLength(4096).nullable(),
    }),
  })
)
