import type { ApiClient } from '@japa/api-client'
import { DateTime } from 'luxon'
import ApiToken, { type ApiTokenScope } from '#models/api_token'
import ChannelInstance from '#models/channel_instance'
import Contact from '#models/contact'
import ContactList from '#models/contact_list'
import Message from '#models/message'
import Segment from '#models/segment'
import Template from '#models/template'
import { createApiToken } from '#services/api/api_tokens'
import { runInTenant } from '#tenancy/tenant_context'
import { createPublishedCampaign } from '#tests/helpers/campaigns'

let sequence = 0

/** Creates an API token in the tenant and returns its row and plain value. */
export function createTokenFor(
  tenantId: number,
  scope: ApiTokenScope,
  options: { rateLimitPerMinute?: number; createdBy?: number } = {}
) {
  return runInTenant(tenantId, () =>
    createApiToken({
      name: `Token ${++sequence}`,
      scope,
      rateLimitPerMinute: options.rateLimitPerMinute ?? null,
      createdBy: options.createdBy ?? null,
    })
  )
}

export function loadToken(tenantId: number, id: number) {
  return runInTenant(tenantId, () => ApiToken.findOrFail(id))
}

/** Sends an API request with a bearer token and a JSON body. */
export function apiRequest(
  client: ApiClient,
  method: string,
  url: string,
  token: string,
  body: Record<string, unknown> = {}
) {
  const request = client
    .request(url, method as any)
    .accept('json')
    .header('Authorization', `Bearer ${token}`)
  return method === 'GET' ? request : request.json(body)
}

/** Resolves a request and returns only its status, for checks of many requests. */
export async function statusOf(request: PromiseLike<{ status(): number }>) {
  const response = await request
  return response.status()
}

export async function createSandboxInstance(tenantId: number) {
  return runInTenant(tenantId, () =>
    ChannelInstance.create({
      name: `Api ${Date.now()}${++sequence}`,
      channel: 'sandbox',
      status: 'closed',
      statusAt: DateTime.utc(),
    })
  )
}

export async function createContactIn(tenantId: number, phone?: string) {
  sequence += 1
  return runInTenant(tenantId, () =>
    Contact.create({
      name: `Contact ${sequence}`,
      phone: phone ?? `+55119${String(70000000 + sequence * 7919).slice(-8)}`,
      timezone: 'America/Sao_Paulo',
      consent: 'unknown',
    })
  )
}

/**
 * For each /api/v1 route with a resource id, a function that creates one
 * such resource in the given tenant and returns its id. Keys are the route
 * pattern up to and including its first parameter.
 */
export const API_RESOURCE_FACTORIES: Record<string, (tenantId: number) => Promise<number>> = {
  '/api/v1/contacts/:id': async (tenantId) => {
    const contact = await createContactIn(tenantId)
    return contact.id
  },
  '/api/v1/lists/:id': async (tenantId) => {
    const list = await runInTenant(tenantId, () =>
      ContactList.create({ name: `List ${Date.now()}${++sequence}` })
    )
    return list.id
  },
  '/api/v1/segments/:id': async (tenantId) => {
    const segment = await runInTenant(tenantId, () =>
      Segment.create({
        name: `Segment ${Date.now()}${++sequence}`,
        rules: { match: 'all', rules: [] },
      })
    )
    return segment.id
  },
  '/api/v1/templates/:id': async (tenantId) => {
    const template = await runInTenant(tenantId, () =>
      Template.create({ name: `Template ${Date.now()}${++sequence}`, body: 'Hello {{name}}' })
    )
    return template.id
  },
  '/api/v1/campaigns/:id': async (tenantId) => {
    const campaign = await createPublishedCampaign(tenantId)
    return campaign.id
  },
  '/api/v1/messages/:id': async (tenantId) => {
    const instance = await createSandboxInstance(tenantId)
    const message = await runInTenant(tenantId, () =>
      Message.create({
        direction: 'out',
        instanceId: instance.id,
        providerMessageId: `api-test-${Date.now()}${++sequence}`,
        address: '+5511987650000',
        body: 'Hello',
        status: 'queued',
        queuedAt: DateTime.utc(),
      })
    )
    return message.id
  },
  '/api/v1/instances/:id': async (tenantId) => {
    const instance = await createSandboxInstance(tenantId)
    return instance.id
  },
}
