import { CONSENT_STATES } from '#models/contact'
import { OUTBOUND_STATUSES } from '#models/message'
import { CAMPAIGN_ACTIONS } from '#services/campaigns/campaign_states'

export interface QueryParameter {
  name: string
  schema: object
  description?: string
}

/** One API operation as the OpenAPI document describes it. Paths are relative to /api/v1. */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'delete'
  path: string
  tag: string
  summary: string
  /** Component name of the JSON request body. */
  body?: string
  /** Component name of the response's `data`; lists wrap it in an array with `meta`. */
  result?: string
  list?: boolean
  /** Status of the success response. Default: 200. */
  status?: 200 | 201 | 202 | 204
  query?: QueryParameter[]
}

const integer = { type: 'integer', minimum: 1 }

function resource(tag: string, path: string, schema: string, name: string): ApiOperation[] {
  return [
    { method: 'get', path, tag, summary: `List ${name}s`, result: schema, list: true },
    {
      method: 'post',
      path,
      tag,
      summary: `Create a ${name}`,
      body: `${schema}Input`,
      result: schema,
      status: 201,
    },
    { method: 'get', path: `${path}/{id}`, tag, summary: `Get a ${name}`, result: schema },
    {
      method: 'put',
      path: `${path}/{id}`,
      tag,
      summary: `Replace a ${name}`,
      body: `${schema}Input`,
      result: schema,
    },
    { method: 'delete', path: `${path}/{id}`, tag, summary: `Delete a ${name}`, status: 204 },
  ]
}

export const API_OPERATIONS: ApiOperation[] = [
  ...resource('Contacts', '/contacts', 'Contact', 'contact').map((operation) =>
    operation.list
      ? {
          ...operation,
          query: [
            {
              name: 'q',
              schema: { type: 'string' },
              description: 'Name, e-mail, tag or phone number.',
            },
            { name: 'consent', schema: { enum: [...CONSENT_STATES] } },
            { name: 'tag', schema: { type: 'string' } },
            { name: 'listId', schema: integer },
          ],
        }
      : operation
  ),
  {
    method: 'post',
    path: '/contacts/{id}/opt-out',
    tag: 'Contacts',
    summary: 'Opt a contact out',
    result: 'Contact',
  },
  {
    method: 'post',
    path: '/contacts/{id}/opt-in',
    tag: 'Contacts',
    summary: 'Opt a contact back in',
    result: 'Contact',
  },

  ...resource('Lists', '/lists', 'List', 'list'),
  {
    method: 'get',
    path: '/lists/{id}/contacts',
    tag: 'Lists',
    summary: "List a list's contacts",
    result: 'Contact',
    list: true,
  },
  {
    method: 'post',
    path: '/lists/{id}/contacts',
    tag: 'Lists',
    summary: 'Add contacts by id or phone',
    body: 'ListMembersInput',
    result: 'ListMembersResult',
  },
  {
    method: 'delete',
    path: '/lists/{id}/contacts',
    tag: 'Lists',
    summary: 'Remove contacts by id',
    body: 'ListMembersInput',
    result: 'ListMembersResult',
  },

  ...resource('Segments', '/segments', 'Segment', 'segment'),
  ...resource('Templates', '/templates', 'Template', 'template'),

  {
    method: 'get',
    path: '/campaigns',
    tag: 'Campaigns',
    summary: 'List campaigns',
    result: 'Campaign',
    list: true,
  },
  {
    method: 'post',
    path: '/campaigns',
    tag: 'Campaigns',
    summary: 'Create a draft campaign',
    body: 'CampaignInput',
    result: 'Campaign',
    status: 201,
  },
  {
    method: 'get',
    path: '/campaigns/{id}',
    tag: 'Campaigns',
    summary: 'Get a campaign',
    result: 'Campaign',
  },
  {
    method: 'get',
    path: '/campaigns/{id}/progress',
    tag: 'Campaigns',
    summary: "Get a campaign's progress",
    result: 'CampaignProgress',
  },
  ...CAMPAIGN_ACTIONS.map((action): ApiOperation => ({
    method: 'post',
    path: `/campaigns/{id}/${action}`,
    tag: 'Campaigns',
    summary: `${action[0].toUpperCase()}${action.slice(1)} a campaign`,
    result: 'Campaign',
  })),

  {
    method: 'get',
    path: '/messages',
    tag: 'Messages',
    summary: 'List messages, newest first',
    result: 'Message',
    list: true,
    query: [
      { name: 'campaignId', schema: integer },
      { name: 'instanceId', schema: integer },
      { name: 'status', schema: { enum: [...OUTBOUND_STATUSES, 'received'] } },
    ],
  },
  {
    method: 'post',
    path: '/messages',
    tag: 'Messages',
    summary: 'Send one text message through an instance',
    body: 'MessageInput',
    result: 'Message',
    status: 202,
  },
  {
    method: 'get',
    path: '/messages/{id}',
    tag: 'Messages',
    summary: 'Get a message and its status',
    result: 'Message',
  },

  {
    method: 'get',
    path: '/instances',
    tag: 'Instances',
    summary: 'List instances',
    result: 'Instance',
    list: true,
  },
  {
    method: 'get',
    path: '/instances/{id}',
    tag: 'Instances',
    summary: "Get an instance's status",
    result: 'Instance',
  },
]
