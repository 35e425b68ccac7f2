import { CONSENT_STATES } from '#models/contact'
import { OUTBOUND_STATUSES } from '#models/message'
import { CAMPAIGN_ACTIONS } from '#services/campaigns/campaign_states'
import { MAX_PER_PAGE } from '#validators/api'

/** JSON Schemas (2020-12, as OpenAPI 3.1 uses) of the API's bodies, by component name. */

const id = { type: 'integer', minimum: 1 }
const time = { type: ['string', 'null'], format: 'date-time' }
const nullableString = (maxLength: number) => ({ type: ['string', 'null'], maxLength })
const ids = { type: 'array', items: id, maxItems: 200, uniqueItems: true }
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

const segmentGroup = {
  type: 'object',
  required: ['match', 'rules'],
  properties: {
    match: { enum: ['all', 'any'] },
    rules: {
      type: 'array',
      maxItems: 100,
      description:
        'Rules (`{ type, op, value }` with type tag, field, city, consent, created, last_contacted, replied or list) or nested groups. A `replied` rule (op `yes` or `no`) takes a campaign id as its value, or no value for any campaign; a reply answers the latest campaign message sent to the contact on that number before it. `last_contacted` reads the messages the channel accepted. The days of `created` and `last_contacted` (`YYYY-MM-DD`) begin at midnight in the workspace time zone.',
      items: { type: 'object' },
    },
  },
}

export const SCHEMAS: Record<string, object> = {
  Error: {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'string', examples: ['E_VALIDATION_ERROR'] },
      message: { type: 'string' },
      field: { type: 'string', description: 'Input field the error is about, for 422 errors.' },
    },
  },
  ErrorResponse: {
    type: 'object',
    required: ['errors'],
    properties: { errors: { type: 'array', items: ref('Error'), minItems: 1 } },
  },
  PageMeta: {
    type: 'object',
    required: ['total', 'perPage', 'currentPage', 'lastPage'],
    properties: {
      total: { type: 'integer' },
      perPage: { type: 'integer', maximum: MAX_PER_PAGE },
      currentPage: { type: 'integer' },
      lastPage: { type: 'integer' },
    },
  },
  Contact: {
    type: 'object',
    properties: {
      id,
      name: nullableString(160),
      phone: { type: 'string', description: 'E.164', examples: ['+5511987654321'] },
      extraPhones: { type: 'array', items: { type: 'string' } },
      email: nullableString(254),
      city: nullableString(120),
      notes: nullableString(5000),
      timezone: { type: 'string', description: 'IANA time zone' },
      language: nullableString(10),
      consent: { enum: [...CONSENT_STATES] },
      consentSource: nullableString(20),
      consentAt: time,
      phoneWarning: nullableString(20),
      tags: { type: 'array', items: { type: 'string' } },
      fields: { type: 'object', additionalProperties: { type: ['string', 'null'] } },
      createdAt: time,
    },
  },
  ContactInput: {
    type: 'object',
    required: ['phone'],
    properties: {
      phone: {
        type: 'string',
        maxLength: 40,
        description:
          "Any format; read with the tenant's default country when it has no country code.",
      },
      name: nullableString(160),
      extraPhones: { type: 'array', items: { type: 'string' }, maxItems: 10 },
      email: { type: ['string', 'null'], format: 'email' },
      city: nullableString(120),
      notes: nullableString(5000),
      timezone: nullableString(64),
      language: nullableString(10),
      tags: { type: 'array', items: { type: 'string', maxLength: 60 }, maxItems: 100 },
      consent: { enum: [...CONSENT_STATES] },
      fields: {
        type: 'object',
        description: 'Custom field values by field key.',
        additionalProperties: { type: ['string', 'null'] },
      },
    },
  },
  List: {
    type: 'object',
    properties: {
      id,
      name: { type: 'string' },
      description: nullableString(500),
      members: { type: 'integer' },
      audience: { type: 'integer', description: 'Members who may be sent messages.' },
      createdAt: time,
    },
  },
  ListInput: {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string', maxLength: 120 }, description: nullableString(500) },
  },
  ListMembersInput: {
    type: 'object',
    properties: {
      contactIds: { type: 'array', items: id, maxItems: 10000 },
      phones: { type: 'array', items: { type: 'string' }, maxItems: 10000 },
    },
  },
  ListMembersResult: {
    type: 'object',
    properties: {
      added: { type: 'integer' },
      removed: { type: 'integer' },
      invalid: { type: 'array', items: { type: 'string' } },
      notFound: { type: 'array', items: { type: 'string' } },
    },
  },
  SegmentGroup: segmentGroup,
  Segment: {
    type: 'object',
    properties: {
      id,
      name: { type: 'string' },
      rules: ref('SegmentGroup'),
      audience: { type: 'integer' },
      createdAt: time,
    },
  },
  SegmentInput: {
    type: 'object',
    required: ['name', 'rules'],
    properties: { name: { type: 'string', maxLength: 120 }, rules: ref('SegmentGroup') },
  },
  Template: {
    type: 'object',
    properties: {
      id,
      name: { type: 'string' },
      body: { type: 'string', description: 'Text with `{{variables}}` and `{{name|fallback}}`.' },
      mediaType: { enum: ['image', 'document', 'audio', null] },
      createdAt: time,
      updatedAt: time,
    },
  },
  TemplateInput: {
    type: 'object',
    required: ['name', 'body'],
    properties: {
      name: { type: 'string', maxLength: 120 },
      body: { type: 'string', maxLength: 20000 },
    },
  },
  Campaign: {
    type: 'object',
    properties: {
      id,
      name: { type: 'string' },
      state: { enum: ['draft', 'scheduled', 'running', 'paused', 'finished', 'cancelled'] },
      actions: { type: 'array', items: { enum: [...CAMPAIGN_ACTIONS] } },
      published: { type: 'boolean', description: 'Whether the flow has a published version.' },
      listIds: ids,
      segmentIds: ids,
      channelInstanceIds: ids,
      variables: { type: 'object', additionalProperties: { type: 'string' } },
      startsAt: time,
      startedAt: time,
      pausedAt: time,
      finishedAt: time,
      cancelledAt: time,
      createdAt: time,
    },
  },
  CampaignInput: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', maxLength: 160 },
      listIds: ids,
      segmentIds: ids,
      channelInstanceIds: ids,
      variables: { type: 'object', additionalProperties: { type: 'string', maxLength: 1000 } },
      startsAt: { ...time, description: 'Start time; unset or null starts when started.' },
      minIntervalSeconds: { type: 'integer', minimum: 1, default: 30 },
      maxIntervalSeconds: { type: 'integer', minimum: 1, default: 90 },
      dailyCapPerNumber: { type: ['integer', 'null'], minimum: 1 },
      pauseAfterSends: { type: ['integer', 'null'], minimum: 1 },
      pauseMinutes: { type: ['integer', 'null'], minimum: 1, maximum: 1440 },
      quietHours: {
        type: ['object', 'null'],
        description: "Campaign quiet hours; null uses the tenant's policy.",
        properties: {
          days: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 } },
          start: { type: 'string', pattern: '^\\d{2}:\\d{2}$' },
          end: { type: 'string', pattern: '^\\d{2}:\\d{2}$' },
        },
      },
    },
  },
  CampaignProgress: {
    type: 'object',
    properties: {
      campaignId: id,
      state: { type: 'string' },
      totals: {
        type: 'object',
        properties: {
          enrolled: { type: 'integer' },
          active: { type: 'integer' },
          completed: { type: 'integer' },
          sent: { type: 'integer' },
          failed: { type: 'integer' },
          cancelled: {
            type: 'integer',
            description:
              "Messages the campaign's cancel stopped before their send; not counted in failed.",
          },
        },
      },
      nodes: {
        type: 'object',
        description: 'Journeys waiting at each node and leaving it by each port, by node id.',
        additionalProperties: { type: 'object' },
      },
      rates: {
        type: 'object',
        description: 'Rates and the estimated time left, as last published; absent before that.',
        properties: {
          at: { type: 'string', format: 'date-time' },
          sentPerMinute: { type: 'number', description: 'Messages accepted in the last minute.' },
          pacePerMinute: {
            type: ['number', 'null'],
            description:
              "Sends a minute the campaign's pace allows on all its numbers; null when pacing is off.",
          },
          etaSeconds: {
            type: ['integer', 'null'],
            description:
              'Estimated seconds left: one send per journey not ended; null while no rate is known.',
          },
          nodesPerMinute: {
            type: 'object',
            description: 'Journeys that left each node in the last minute, by node id.',
            additionalProperties: { type: 'number' },
          },
        },
      },
      held: {
        type: 'object',
        description:
          "Journeys that reached a send step in the contact's quiet hours and wait for them to end.",
        properties: {
          journeys: { type: 'integer' },
          until: {
            type: ['string', 'null'],
            format: 'date-time',
            description: 'The earliest instant one of them goes on; null when none waits.',
          },
        },
      },
    },
  },
  Message: {
    type: 'object',
    properties: {
      id,
      direction: { enum: ['in', 'out'] },
      instanceId: id,
      contactId: { type: ['integer', 'null'] },
      campaignId: { type: ['integer', 'null'] },
      providerMessageId: { type: 'string' },
      address: { type: 'string' },
      body: { type: ['string', 'null'] },
      status: { enum: [...OUTBOUND_STATUSES, 'received'] },
      queuedAt: time,
      sentAt: time,
      deliveredAt: time,
      readAt: time,
      failedAt: time,
      receivedAt: time,
      failureCode: { type: ['string', 'null'] },
      failureReason: { type: ['string', 'null'] },
    },
  },
  MessageInput: {
    type: 'object',
    required: ['instanceId', 'to', 'text'],
    properties: {
      instanceId: id,
      to: { type: 'string', maxLength: 40, examples: ['+5511987654321'] },
      text: { type: 'string', maxLength: 4096 },
    },
  },
  Instance: {
    type: 'object',
    properties: {
      id,
      name: { type: 'string' },
      channel: { type: 'string', examples: ['whatsapp', 'sandbox'] },
      status: {
        enum: ['connecting', 'qr', 'open', 'reconnecting', 'logged_out', 'restricted', 'closed'],
      },
      statusAt: time,
      statusReason: { type: ['string', 'null'] },
      accountAddress: { type: ['string', 'null'] },
      accountName: { type: ['string', 'null'] },
      pausedForHealth: { type: 'boolean' },
      lastError: { type: ['string', 'null'] },
    },
  },
}
