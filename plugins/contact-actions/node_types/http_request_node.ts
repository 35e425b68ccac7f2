import {
  HttpTargetRejectedError,
  defineNodeType,
  goTo,
  parseTargetUrl,
  resolveTarget,
  sendHttpRequest,
  vine,
  type NodeExecutionContext,
  type NodeIssue,
} from '#sdk'
import { contactActionsConfig } from '../config.js'

/** Shortest and longest time a receiver has to respond, in seconds. */
export const MIN_TIMEOUT_SECONDS = 1
export const MAX_TIMEOUT_SECONDS = 30

/** Header that names one visit of one step, so a receiver can drop a repeated call. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key'

const configSchema = vine.object({
  url: vine.string().trim().maxLength(2048).nullable(),
  method: vine.enum(['POST', 'GET'] as const),
  timeoutSeconds: vine.number().nullable(),
  extras: vine
    .array(
      vine.object({
        id: vine.string().maxLength(50).optional(),
        name: vine.string().trim().maxLength(100).nullable(),
        value: vine.string().maxLength(1000).nullable(),
      })
    )
    .maxLength(20),
})

type HttpRequestConfig = {
  url: string | null
  method: 'POST' | 'GET'
  timeoutSeconds: number | null
  extras: { id?: string; name: string | null; value: string | null }[]
}

function urlIssues(url: string | null): NodeIssue[] {
  if (!url) {
    return [
      {
        field: 'url',
        message: 'contact-actions.issues.url_missing',
        text: 'Write the address to call, starting with https:// or http://',
      },
    ]
  }
  try {
    // Addresses are checked when the step runs, after DNS resolution.
    parseTargetUrl(url, true)
    return []
  } catch (error) {
    if (!(error instanceof HttpTargetRejectedError)) throw error
    return [
      {
        field: 'url',
        message: 'contact-actions.issues.url_invalid',
        values: { url },
        text: '{url} is not an http or https address: write one such as https://example.com/hook',
      },
    ]
  }
}

function timeoutIssues(timeoutSeconds: number | null): NodeIssue[] {
  if (
    timeoutSeconds === null ||
    (timeoutSeconds >= MIN_TIMEOUT_SECONDS && timeoutSeconds <= MAX_TIMEOUT_SECONDS)
  ) {
    return []
  }
  return [
    {
      field: 'timeoutSeconds',
      message: 'contact-actions.issues.timeout_range',
      values: { value: timeoutSeconds },
      text: 'Timeout {value} s is out of range: use 1 to 30 seconds',
    },
  ]
}

function extraIssues(extras: HttpRequestConfig['extras']): NodeIssue[] {
  return extras.flatMap((extra, index) =>
    extra.name
      ? []
      : [
          {
            field: `extras.${index}.name`,
            message: 'contact-actions.issues.extra_name_missing',
            values: { number: index + 1 },
            text: 'Value {number} has no name: write one or remove the value',
          },
        ]
  )
}

/**
 * Builds the JSON body: the contact's attributes, the campaign and journey
 * ids, and the designer's extra values rendered for the contact.
 */
async function bodyOf(context: NodeExecutionContext<HttpRequestConfig>) {
  const extra: Record<string, string> = {}
  for (const item of context.config.extras) {
    if (item.name) {
      const rendered = await context.renderText(item.value ?? '')
      extra[item.name] = rendered.text
    }
  }
  return JSON.stringify({
    contact: { id: context.contact.id, ...context.contact.fields },
    campaignId: context.journey.campaignId,
    journeyId: context.journey.id,
    nodeId: context.node.id,
    step: context.journey.step,
    extra,
  })
}

/** Sends the step's request and returns the port and what to log. */
async function call(context: NodeExecutionContext<HttpRequestConfig>) {
  const { config, journey, node } = context
  let target
  try {
    target = await resolveTarget(config.url ?? '', contactActionsConfig.allowPrivateTargets)
  } catch (error) {
    if (!(error instanceof HttpTargetRejectedError)) throw error
    return { port: 'failed', status: null, rejected: error.reason, error: error.message }
  }
  const outcome = await sendHttpRequest(target, {
    method: config.method,
    body: config.method === 'POST' ? await bodyOf(context) : null,
    headers: {
      'User-Agent': 'Disparador-Flows/1.0',
      [IDEMPOTENCY_HEADER]: `${journey.id}:${node.id}:${journey.step}`,
    },
    timeoutMs: (config.timeoutSeconds ?? 10) * 1000,
    snippetBytes: 0,
  })
  const status = outcome.statusCode
  const success = status !== null && status >= 200 && status < 300
  return {
    port: success ? 'success' : 'failed',
    status,
    error: outcome.error,
    host: target.url.host,
  }
}

/**
 * HTTP request: calls a URL with GET, or with POST and a JSON body of the
 * contact's attributes, the campaign and journey ids and extra values.
 * Follows `success` on a 2xx response and `failed` on any other status, a
 * timeout, a connection error or a blocked address. The call carries an
 * `Idempotency-Key` of the journey, node and step, because a crash after
 * the call and before the step ends makes the engine run the step again.
 */
export const httpRequestNode = defineNodeType({
  type: 'contact-actions.http_request',
  version: 1,
  label: 'contact-actions.http_request.label',
  description: 'contact-actions.http_request.description',
  icon: 'http',
  category: 'integration',
  configSchema,
  defaults: { url: null, method: 'POST' as const, timeoutSeconds: 10, extras: [] },
  fields: [
    {
      kind: 'text',
      name: 'url',
      label: 'contact-actions.http_request.fields.url',
      placeholder: 'contact-actions.http_request.fields.url_placeholder',
      required: true,
      maxLength: 2048,
    },
    {
      kind: 'select',
      name: 'method',
      label: 'contact-actions.http_request.fields.method',
      options: [
        { value: 'POST', label: 'contact-actions.http_request.fields.method_post' },
        { value: 'GET', label: 'contact-actions.http_request.fields.method_get' },
      ],
    },
    {
      kind: 'number',
      name: 'timeoutSeconds',
      label: 'contact-actions.http_request.fields.timeout',
      help: 'contact-actions.http_request.fields.timeout_help',
      min: MIN_TIMEOUT_SECONDS,
      max: MAX_TIMEOUT_SECONDS,
      unit: 'contact-actions.http_request.fields.seconds',
      default: 10,
    },
    {
      kind: 'list',
      name: 'extras',
      label: 'contact-actions.http_request.fields.extras',
      addLabel: 'contact-actions.http_request.fields.extras_add',
      itemLabel: 'contact-actions.http_request.fields.extra',
      maxItems: 20,
      visibleWhen: { field: 'method', in: ['POST'] },
      itemFields: [
        { kind: 'text', name: 'name', label: 'contact-actions.http_request.fields.extra_name' },
        {
          kind: 'text',
          name: 'value',
          label: 'contact-actions.http_request.fields.extra_value',
          help: 'contact-actions.http_request.fields.extra_value_help',
        },
      ],
    },
  ],
  ports: [
    { id: 'success', label: 'contact-actions.ports.success', required: true },
    { id: 'failed', label: 'contact-actions.ports.failed' },
  ],
  validate(config) {
    return [
      ...urlIssues(config.url),
      ...timeoutIssues(config.timeoutSeconds),
      ...extraIssues(config.extras),
    ]
  },
  async execute(context) {
    const { port, ...logged } = await call(context)
    context.logger.info(
      { campaignId: context.journey.campaignId, step: context.journey.step, ...logged },
      'http request step called'
    )
    return goTo(port)
  },
})
