import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import CustomField from '#models/custom_field'
import { runInTenant } from '#tenancy/tenant_context'
import { enqueueJourneyJob } from '#engine/engine_queues'
import { sqlTime } from '#services/channels/sql_time'
import type { FlowGraph } from '#flow/flow_graph'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import { pairedSandbox } from '#tests/helpers/channels'
import {
  campaignJourneys,
  publishedCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
  waitForCampaignState,
} from '#tests/helpers/engine'
import {
  createEndpoint,
  startReceiver,
  startWebhookWorker,
  waitFor,
  type Receiver,
} from '#tests/helpers/webhooks'
import WebhookDelivery from '../../webhooks/models/webhook_delivery.js'
import { webhooksConfig } from '../../webhooks/config.js'

const original = { ...webhooksConfig }

/** start → update contact → send `Done`. */
function updateFlow(config: Record<string, unknown>): FlowGraph {
  const update = graphNode('update', 'contact-actions.update_contact', {
    addTags: [],
    removeTags: [],
    fieldKey: null,
    fieldValue: null,
    listId: null,
    ...config,
  })
  return {
    nodes: [graphNode('start', 'start'), update, sendNode('done', 'Done')],
    edges: [graphEdge('start', 'next', 'update'), graphEdge('update', 'next', 'done')],
  }
}

function updatedBodies(receiver: Receiver) {
  return receiver.requests
    .map((request) => JSON.parse(request.body.toString('utf8')))
    .filter((body) => body.event === 'contact:updated')
}

async function storedEvents(tenantId: number) {
  const deliveries = await WebhookDelivery.query().where('tenant_id', tenantId)
  return deliveries.map((delivery) => delivery.event)
}

test.group('Update contact step events', (group) => {
  useEngineRoles(group)
  group.setup(async () => {
    Object.assign(webhooksConfig, { allowPrivateTargets: true, backoffMs: 20 })
    const stopWorker = await startWebhookWorker()
    return async () => {
      await stopWorker()
      Object.assign(webhooksConfig, original)
    }
  })

  test('step sends one update, rerun sends none', async ({ assert, cleanup }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    await runInTenant(tenant.id, () =>
      CustomField.create({ key: 'plan', label: 'Plan', type: 'text' })
    )
    const [buyers] = await db
      .table('contact_lists')
      .insert({ tenant_id: tenant.id, name: 'Buyers', created_at: sqlTime() })
    const { listId, contactIds } = await seedAudience(tenant.id, [
      { phone: '+5511987652001', name: 'Ana Souza' },
      { phone: '+5511987652002', name: 'Bruno Lima' },
    ])
    const [ana, bruno] = contactIds
    await db.table('contact_tags').insert({ tenant_id: tenant.id, contact_id: ana, name: 'lead' })
    // Bruno already has everything the step sets, so the step changes nothing for him.
    await db.table('contact_tags').insert({ tenant_id: tenant.id, contact_id: bruno, name: 'vip' })
    await db.table('contact_list_members').insert({
      tenant_id: tenant.id,
      contact_list_id: buyers,
      contact_id: bruno,
      created_at: sqlTime(),
    })
    const receiver = await startReceiver([200])
    cleanup(() => receiver.close())
    const endpoint = await createEndpoint(tenant.id, receiver.url)
    endpoint.events = ['contact:updated']
    await endpoint.save()
    const campaign = await publishedCampaign(
      tenant.id,
      owner.id,
      updateFlow({ addTags: ['vip'], removeTags: ['lead'], listId: Number(buyers) }),
      { listIds: [listId], channelInstanceIds: [instance.id] }
    )

    await startCampaign(campaign, owner.id)
    await waitForCampaignState(campaign, 'finished')
    await waitFor(() => updatedBodies(receiver).length >= 1, 'the contact:updated delivery')

    const journeys = await campaignJourneys(campaign)
    const anaJourney = journeys.find((journey) => journey.contactId === ana)!
    const [body] = updatedBodies(receiver)
    assert.deepEqual(body.data, {
      tenantId: tenant.id,
      occurredAt: body.occurredAt,
      contactId: ana,
      source: 'flow',
      userId: null,
      campaignId: campaign.id,
      journeyId: anaJourney.id,
      changedFields: ['tags', 'lists'],
      changes: {
        attributes: {},
        fields: {},
        tags: { added: ['vip'], removed: ['lead'] },
        lists: { joined: [Number(buyers)], left: [] },
      },
    })
    assert.deepEqual(await storedEvents(tenant.id), ['contact:updated'], 'bruno got an event')

    // A worker that died after the update but before the journey moved on runs the step again.
    await db
      .from('journeys')
      .where('id', anaJourney.id)
      .update({ state: 'active', node_id: 'update', step: 1, ended_at: null, end_reason: null })
    await db.from('journey_steps').where('journey_id', anaJourney.id).delete()
    const data = { tenantId: tenant.id, campaignId: campaign.id, journeyId: anaJourney.id }
    await enqueueJourneyJob({ ...data, step: 1, nodeId: 'update', phase: 'run' })
    await waitFor(async () => {
      const latest = await campaignJourneys(campaign)
      const again = latest.find((journey) => journey.contactId === ana)
      return again!.nodeId !== 'update' && again!.state === 'ended'
    }, 'the journey to end again after the repeated step')

    assert.deepEqual(await storedEvents(tenant.id), ['contact:updated'], 'the rerun sent an event')
    assert.lengthOf(updatedBodies(receiver), 1)
  }).timeout(60_000)
})
