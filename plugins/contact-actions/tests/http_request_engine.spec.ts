import { test } from '@japa/runner'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import db from '@adonisjs/lucid/services/db'
import type { FlowGraph } from '#flow/flow_graph'
import CustomField from '#models/custom_field'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import { pairedSandbox } from '#tests/helpers/channels'
import {
  campaignJourneys,
  campaignMessages,
  publishedCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
  waitForCampaignState,
} from '#tests/helpers/engine'
import { contactActionsConfig } from '../config.js'
import { publishProblems } from './publish_problems.js'

interface ReceivedCall {
  method: string
  headers: IncomingHttpHeaders
  body: string
}

/** Starts a receiver on 127.0.0.1 that responds to every call with `status` after `delayMs`. */
async function startReceiver(status: number, delayMs = 0) {
  const calls: ReceivedCall[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      calls.push({
        method: request.method!,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      })
      setTimeout(() => response.writeHead(status).end('{}'), delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const close = () => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return { url: `http://127.0.0.1:${port}/hook`, calls, close }
}

function httpNode(config: Record<string, unknown>) {
  return graphNode('call', 'contact-actions.http_request', {
    url: null,
    method: 'POST',
    timeoutSeconds: 10,
    extras: [],
    ...config,
  })
}

/** start → HTTP request → send `Called` on `success`, `Call failed` on `failed`. */
function httpFlow(config: Record<string, unknown>): FlowGraph {
  return {
    nodes: [
      graphNode('start', 'start'),
      httpNode(config),
      sendNode('ok', 'Called'),
      sendNode('ko', 'Call failed'),
    ],
    edges: [
      graphEdge('start', 'next', 'call'),
      graphEdge('call', 'success', 'ok'),
      graphEdge('call', 'failed', 'ko'),
    ],
  }
}

/**
 * Runs a one-contact campaign of `httpFlow(config)` and returns the text
 * of the message it sent. `prepare` runs before the start, with the
 * contact's tenant and id.
 */
async function runCall(
  config: Record<string, unknown>,
  prepare?: (tenantId: number, contactId: number) => Promise<void>
) {
  const { tenant, owner } = await createTenantWithOwner()
  const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
  const phone = `+55119876520${String(Math.floor(Math.random() * 100)).padStart(2, '0')}`
  const { listId, contactIds } = await seedAudience(tenant.id, [{ phone, name: 'Ana Souza' }])
  await prepare?.(tenant.id, contactIds[0])
  const campaign = await publishedCampaign(tenant.id, owner.id, httpFlow(config), {
    listIds: [listId],
    channelInstanceIds: [instance.id],
    variables: { promo: 'BF24' },
  })
  await startCampaign(campaign, owner.id)
  await waitForCampaignState(campaign, 'finished', 45_000)
  const [message] = await campaignMessages(campaign)
  const [journey] = await campaignJourneys(campaign)
  return { campaign, journey, body: message.body, contactId: contactIds[0], phone }
}

test.group('HTTP request step', (group) => {
  useEngineRoles(group)
  group.each.teardown(() => {
    contactActionsConfig.allowPrivateTargets = false
  })

  test('2xx follows success with body and key', async ({ assert, cleanup }) => {
    contactActionsConfig.allowPrivateTargets = true
    const receiver = await startReceiver(200)
    cleanup(receiver.close)
    const extras = [
      { id: 'item_1', name: 'greeting', value: 'Hi {{first_name}}, {{campaign.promo}}' },
    ]

    const { campaign, journey, body, contactId, phone } = await runCall(
      { url: receiver.url, extras },
      async (tenantId, id) => {
        const field = await runInTenant(tenantId, () =>
          CustomField.create({ key: 'plan', label: 'Plan', type: 'text' })
        )
        await db.table('contact_field_values').insert({
          tenant_id: tenantId,
          contact_id: id,
          custom_field_id: field.id,
          text_value: 'Gold',
        })
        await db.table('contact_tags').insert({ tenant_id: tenantId, contact_id: id, name: 'vip' })
      }
    )

    assert.equal(body, 'Called')
    assert.lengthOf(receiver.calls, 1)
    const [call] = receiver.calls
    assert.equal(call.method, 'POST')
    assert.equal(call.headers['idempotency-key'], `${journey.id}:call:1`)
    assert.equal(call.headers['content-type'], 'application/json; charset=utf-8')
    const sent = JSON.parse(call.body)
    assert.equal(sent.contact.id, contactId)
    assert.equal(sent.contact.phone, phone)
    assert.equal(sent.contact.name, 'Ana Souza')
    assert.equal(sent.contact.plan, 'Gold')
    assert.deepEqual(sent.contact.tags, ['vip'])
    assert.equal(sent.campaignId, campaign.id)
    assert.equal(sent.journeyId, journey.id)
    assert.deepEqual(sent.extra, { greeting: 'Hi Ana, BF24' })
  }).timeout(60_000)

  test('500 follows failed', async ({ assert, cleanup }) => {
    contactActionsConfig.allowPrivateTargets = true
    const receiver = await startReceiver(500)
    cleanup(receiver.close)

    const { body } = await runCall({ url: receiver.url, method: 'GET' })

    assert.equal(body, 'Call failed')
    assert.lengthOf(receiver.calls, 1)
    assert.equal(receiver.calls[0].method, 'GET')
    assert.equal(receiver.calls[0].body, '')
  }).timeout(60_000)

  test('timeout follows failed', async ({ assert, cleanup }) => {
    contactActionsConfig.allowPrivateTargets = true
    const receiver = await startReceiver(200, 3000)
    cleanup(receiver.close)

    const { body } = await runCall({ url: receiver.url, timeoutSeconds: 1 })

    assert.equal(body, 'Call failed')
  }).timeout(60_000)

  test('blocked address follows failed', async ({ assert, cleanup }) => {
    const receiver = await startReceiver(200)
    cleanup(receiver.close)
    const logged: Record<string, unknown>[] = []
    const { default: logger } = await import('@adonisjs/core/services/logger')
    const original = logger.child.bind(logger)
    logger.child = ((bindings: Record<string, unknown>) => {
      const child = original(bindings)
      const info = child.info.bind(child)
      child.info = ((object: Record<string, unknown>, message: string) => {
        if (message === 'http request step called') logged.push(object)
        return info(object, message)
      }) as typeof child.info
      return child
    }) as typeof logger.child
    cleanup(() => {
      logger.child = original
    })

    const { body } = await runCall({ url: receiver.url })

    assert.equal(body, 'Call failed')
    assert.lengthOf(receiver.calls, 0, 'the blocked address was called')
    assert.lengthOf(logged, 1)
    assert.equal(logged[0].rejected, 'blocked_address')
    assert.match(String(logged[0].error), /127\.0\.0\.1 is a loopback/)
  }).timeout(60_000)

  test('publish names the node at fault', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const publish = (graph: FlowGraph) => publishProblems(tenant.id, owner.id, graph)
    const cases = [
      { config: { url: null }, field: 'url', key: 'url_missing' },
      { config: { url: 'ftp://example.com/x' }, field: 'url', key: 'url_invalid' },
      {
        config: { url: 'https://example.com', timeoutSeconds: 31 },
        field: 'timeoutSeconds',
        key: 'timeout_range',
      },
      {
        config: { url: 'https://example.com', timeoutSeconds: 0 },
        field: 'timeoutSeconds',
        key: 'timeout_range',
      },
    ]
    for (const { config, field, key } of cases) {
      const problems = await publish(httpFlow(config))
      const found = problems.find((item) => item.field === field)
      assert.equal(found?.nodeId, 'call', `${key} was not reported on the node`)
      assert.equal(found?.message, `contact-actions.issues.${key}`)
    }
    assert.deepEqual(await publish(httpFlow({ url: 'https://example.com/hook' })), [])
  })
})
