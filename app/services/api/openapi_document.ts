import { API_PREFIX } from '#services/api/api_errors'
import { API_OPERATIONS, type ApiOperation } from '#services/api/openapi_operations'
import { SCHEMAS } from '#services/api/openapi_schemas'
import { MAX_PER_PAGE, DEFAULT_PER_PAGE } from '#validators/api'

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const errorContent = { 'application/json': { schema: ref('ErrorResponse') } }

const ERROR_RESPONSES = {
  unauthorized: {
    description: 'Missing, unknown, revoked or expired token (E_UNAUTHORIZED).',
    content: errorContent,
  },
  forbidden: {
    description: 'The token has the read scope (E_TOKEN_SCOPE).',
    content: errorContent,
  },
  notFound: {
    description: "No such resource in the token's tenant (E_NOT_FOUND).",
    content: errorContent,
  },
  invalid: {
    description: 'Invalid input; each error names its field (E_VALIDATION_ERROR and others).',
    content: errorContent,
  },
  conflict: {
    description:
      "The resource's state does not allow the request (E_CAMPAIGN_STATE, E_CONTACT_OPTED_OUT, E_INSTANCE_NOT_CONNECTED).",
    content: errorContent,
  },
  throttled: {
    description: 'Rate limit reached (E_TOO_MANY_REQUESTS).',
    headers: {
      'Retry-After': {
        description: 'Seconds until the next request is allowed.',
        schema: { type: 'integer' },
      },
    },
    content: errorContent,
  },
}

const PAGE_PARAMETERS = [
  { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
  {
    name: 'perPage',
    in: 'query',
    schema: { type: 'integer', minimum: 1, maximum: MAX_PER_PAGE, default: DEFAULT_PER_PAGE },
  },
]

function operationId(operation: ApiOperation) {
  const words = `${operation.method} ${operation.path}`
    .replace(/\{id\}/g, 'by id')
    .split(/[^A-Za-z]+/)
    .filter(Boolean)
  return words
    .map((word, index) => (index === 0 ? word : word[0].toUpperCase() + word.slice(1)))
    .join('')
}

function successResponse(operation: ApiOperation) {
  const status = operation.status ?? 200
  if (status === 204 || !operation.result) {
    return { [status]: { description: 'Done; no content.' } }
  }
  const data = operation.list
    ? { type: 'array', items: ref(operation.result) }
    : ref(operation.result)
  const properties: Record<string, object> = { data }
  if (operation.list) {
    properties.meta = ref('PageMeta')
  }
  const schema = { type: 'object', required: Object.keys(properties), properties }
  return { [status]: { description: 'Success.', content: { 'application/json': { schema } } } }
}

function describe(operation: ApiOperation) {
  const hasId = operation.path.includes('{id}')
  const parameters = [
    ...(hasId
      ? [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }]
      : []),
    ...(operation.list ? PAGE_PARAMETERS : []),
    ...(operation.query ?? []).map((parameter) => ({ ...parameter, in: 'query' })),
  ]
  const responses: Record<string, object> = {
    ...successResponse(operation),
    401: ERROR_RESPONSES.unauthorized,
    429: ERROR_RESPONSES.throttled,
  }
  if (operation.method !== 'get') responses[403] = ERROR_RESPONSES.forbidden
  if (hasId) responses[404] = ERROR_RESPONSES.notFound
  if (operation.body || operation.list || operation.query) responses[422] = ERROR_RESPONSES.invalid
  if (operation.method === 'post') responses[409] = ERROR_RESPONSES.conflict

  return {
    'tags': [operation.tag],
    'summary': operation.summary,
    'operationId': operationId(operation),
    'x-scope': operation.method === 'get' ? 'read' : 'write',
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref(operation.body) } },
          },
        }
      : {}),
    responses,
  }
}

/** Builds the OpenAPI 3.1 document of /api/v1 from `API_OPERATIONS`. */
export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, object>> = {}
  for (const operation of API_OPERATIONS) {
    const path = `${API_PREFIX}${operation.path}`
    paths[path] = { ...paths[path], [operation.method]: describe(operation) }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Disparador REST API',
      version: '1.0.0',
      description:
        'Contacts, lists, segments, templates, campaigns, messages and instances of the tenant that owns the token. ' +
        'GET routes need a read or write token; every other method needs a write token.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerToken: [] }],
    tags: [...new Set(API_OPERATIONS.map((operation) => operation.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API token from Settings > API tokens, sent as `Authorization: Bearer dsp_...`.',
        },
      },
      schemas: SCHEMAS,
    },
  }
}
