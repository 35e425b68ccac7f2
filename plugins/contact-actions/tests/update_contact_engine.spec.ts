import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import CustomField from '#models/custom_field'
import FlowVersion from '#models/flow_version'
import type Campaign from '#models/campaign'
import { runInTenant } from '#tenancy/tenant_context'
import { enqueueJourneyJob } from '#engine/engine_queues'
import { sqlTime } from '#services/channels/sql_time'
import type { FlowGraph } from '#flow/flow_graph'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import { pairedSandbox, sandboxSendCount, waitFor } from '#tests/helpers/channels'
import {
  campaignJourneys,
  campaignMessages,
  publishedCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
  waitForCampaignState,
} from '#tests/helpers/engine'
import { publishProblems } from './publish_problems.js'

const UPDATE_TYPE = 'contact-actions.update_contact'

function updateNode(config: Record<string, unknown>) {
  return graphNode('update', UPDATE_TYPE, {
    addTags: [],
    removeTags: [],
    fieldKey: null,
    fieldValue: null,
    listId: null,
    ...config,
  })
}

/** start → update contact → send `Done` on `next`, and `Update failed` on `failed`. */
function updateFlow(config: Record<string, unknown>): FlowGraph {
  return {
    nodes: [
      graphNode('start', 'start'),
      updateNode(config),
      sendNode('done', 'Done'),
      sendNode('oops', 'Update failed'),
    ],
    edges: [
      graphEdge('start', 'next', 'update'),
      graphEdge('update', 'next', 'done'),
      graphEdge('update', 'failed', 'oops'),
    ],
  }
}

async function tagsOf(contactId: number) {
  const rows = await db.from('contact_tags').where('contact_id', contactId).orderBy('name')
  return rows.map((row) => row.name as string)
}

async function fieldValueOf(contactId: number, key: string) {
  const row = await db
    .from('contact_field_values')
    .join('custom_fields', 'custom_fields.id', 'contact_field_values.custom_field_id')
    .where('contact_field_values.contact_id', contactId)
    .where('custom_fields.key', key)
    .select('contact_field_values.text_value', 'contact_field_values.number_value')
    .first()
  return row ?? null
}

async function listIdsOf(contactId: number) {
  const rows = await db
    .from('contact_list_members')
    .where('contact_id', contactId)
    .orderBy('contact_list_id')
  return rows.map((row) => Number(row.contact_list_id))
}

async function contactState(contactId: number) {
  return {
    tags: await tagsOf(contactId),
    plan: await fieldValueOf(contactId, 'plan'),
    lists: await listIdsOf(contactId),
  }
}

async function createList(tenantId: number, name: string) {
  const [id] = await db
    .table('contact_lists')
    .insert({ tenant_id: tenantId, name, created_at: sqlTime() })
  return Number(id)
}

/** Runs a published campaign of one contact to its end and returns that contact's list ids. */
async function runToEnd(campaign: Campaign, ownerId: number, contactId: number) {
  await startCampaign(campaign, ownerId)
  await waitForCampaignState(campaign, 'finished')
  return listIdsOf(contactId)
}

function currentVersion(campaign: Campaign) {
  return runInTenant(campaign.tenantId, () => FlowVersion.findOrFail(campaign.currentVersionId))
}

/** Rewrites the update node of a campaign's published plan as version 1 stored it. */
async function downgradePlan(campaign: Campaign, listName: string) {
  await runInTenant(campaign.tenantId, async () => {
    const version = await FlowVersion.findOrFail(campaign.currentVersionId)
    const node = version.plan.nodes.update
    const config: Record<string, unknown> = { ...node.config, listName }
    delete config.listId
    version.plan = {
      ...version.plan,
      nodes: { ...version.plan.nodes, update: { ...node, typeVersion: 1, config } },
    }
    await version.save()
  })
}

test.group('Update contact step', (group) => {
  useEngineRoles(group)

  test('updates tags, field and list once', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    await runInTenant(tenant.id, () =>
      CustomField.create({ key: 'plan', label: 'Plan', type: 'text' })
    )
    const buyers = await createList(tenant.id, 'Buyers')
    const { listId, contactIds } = await seedAudience(tenant.id, [
      { phone: '+5511987651001', name: 'Ana Souza' },
      { phone: '+5511987651002', name: 'Bruno Lima' },
    ])
    for (const contactId of contactIds) {
      await db
        .table('contact_tags')
        .insert({ tenant_id: tenant.id, contact_id: contactId, name: 'lead' })
    }
    const graph = updateFlow({
      addTags: ['vip', 'customer'],
      removeTags: ['lead'],
      fieldKey: 'plan',
      fieldValue: 'Gold for {{first_name}}',
      listId: buyers,
    })
    const campaign = await publishedCampaign(tenant.id, owner.id, graph, {
      listIds: [listId],
      channelInstanceIds: [instance.id],
    })
    // The node stores the list's id, so renaming the list after publishing keeps it working.
    await db.from('contact_lists').where('id', buyers).update({ name: 'Clientes' })

    await startCampaign(campaign, owner.id)
    await waitForCampaignState(campaign, 'finished')

    const ana = await contactState(contactIds[0])
    assert.deepEqual(ana.tags, ['customer', 'vip'])
    assert.equal(ana.plan?.text_value, 'Gold for Ana')
    assert.deepEqual(
      ana.lists,
      [listId, buyers].sort((a, b) => a - b)
    )
    const bruno = await contactState(contactIds[1])
    assert.equal(bruno.plan?.text_value, 'Gold for Bruno')
    const messages = await campaignMessages(campaign)
    assert.deepEqual(
      messages.map((message) => message.body),
      ['Done', 'Done']
    )

    // A worker that died after the update but before the journey moved on runs the step again.
    const [journey] = await campaignJourneys(campaign)
    await db
      .from('journeys')
      .where('id', journey.id)
      .update({ state: 'active', node_id: 'update', step: 1, ended_at: null, end_reason: null })
    await db.from('journey_steps').where('journey_id', journey.id).delete()
    await db
      .table('contact_tags')
      .insert({ tenant_id: tenant.id, contact_id: contactIds[0], name: 'kept' })
    const before = await contactState(contactIds[0])
    const data = { tenantId: tenant.id, campaignId: campaign.id, journeyId: journey.id }
    await enqueueJourneyJob({ ...data, step: 1, nodeId: 'update', phase: 'run' })
    // The repeated step goes on to the send, which finds its message and ends the journey.
    await waitFor(async () => {
      const [again] = await campaignJourneys(campaign)
      return again.nodeId !== 'update' && again.state === 'ended'
    }, 'the journey to end again after the repeated step')

    assert.deepEqual(await contactState(contactIds[0]), before)
    assert.lengthOf(await campaignMessages(campaign), 2, 'the repeated step made a second message')
    assert.equal(await sandboxSendCount(instance.id), 2, 'the repeated step sent again')
  }).timeout(60_000)

  test('version 1 draft publishes and runs', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const buyers = await createList(tenant.id, 'Buyers')
    const { listId, contactIds } = await seedAudience(tenant.id, [
      { phone: '+5511987651021', name: 'Dora' },
    ])
    const legacy = updateFlow({ addTags: ['vip'] })
    const node = legacy.nodes.find((item) => item.id === 'update')!
    node.config = { ...node.config, listName: 'Buyers' }
    delete node.config.listId
    const campaign = await publishedCampaign(tenant.id, owner.id, legacy, {
      listIds: [listId],
      channelInstanceIds: [instance.id],
    })

    const version = await currentVersion(campaign)
    assert.equal(version.plan.nodes.update.config.listId, buyers)
    assert.notProperty(version.plan.nodes.update.config, 'listName')
    assert.include(await runToEnd(campaign, owner.id, contactIds[0]), buyers)
  }).timeout(60_000)

  test('version 1 plan still runs', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const buyers = await createList(tenant.id, 'Buyers')
    const { listId, contactIds } = await seedAudience(tenant.id, [
      { phone: '+5511987651031', name: 'Edu' },
    ])
    const graph = updateFlow({ listId: buyers })
    const campaign = await publishedCampaign(tenant.id, owner.id, graph, {
      listIds: [listId],
      channelInstanceIds: [instance.id],
    })
    await downgradePlan(campaign, 'Buyers')

    assert.include(await runToEnd(campaign, owner.id, contactIds[0]), buyers)
    const [message] = await campaignMessages(campaign)
    assert.equal(message.body, 'Done')
  }).timeout(60_000)

  test('invalid number value follows failed', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    await runInTenant(tenant.id, () =>
      CustomField.create({ key: 'age', label: 'Age', type: 'number' })
    )
    const { listId, contactIds } = await seedAudience(tenant.id, [
      { phone: '+5511987651011', name: 'Carla' },
    ])
    const graph = updateFlow({ addTags: ['vip'], fieldKey: 'age', fieldValue: '{{name}}' })
    const campaign = await publishedCampaign(tenant.id, owner.id, graph, {
      listIds: [listId],
      channelInstanceIds: [instance.id],
    })

    await startCampaign(campaign, owner.id)
    await waitForCampaignState(campaign, 'finished')

    const [message] = await campaignMessages(campaign)
    assert.equal(message.body, 'Update failed')
    assert.deepEqual(await tagsOf(contactIds[0]), [], 'a failed update added a tag')
    assert.isNull(await fieldValueOf(contactIds[0], 'age'))
  }).timeout(60_000)

  test('publish names the node at fault', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await runInTenant(tenant.id, () =>
      CustomField.create({ key: 'plan', label: 'Plan', type: 'text' })
    )
    const buyers = await createList(tenant.id, 'Buyers')
    const cases = [
      { config: { fieldKey: 'plna', fieldValue: 'x' }, field: 'fieldKey', key: 'unknown_field' },
      { config: { listId: null, listName: 'Byers' }, field: 'listId', key: 'unknown_list' },
      { config: { listId: buyers + 1000 }, field: 'listId', key: 'deleted_list' },
      { config: { addTags: ['vip', ' '] }, field: 'addTags', key: 'empty_tag' },
    ]
    for (const { config, field, key } of cases) {
      const problems = await publishProblems(tenant.id, owner.id, updateFlow(config))
      const found = problems.find((item) => item.field === field)
      assert.equal(found?.nodeId, 'update', `${key} was not reported on the node`)
      assert.equal(found?.message, `contact-actions.issues.${key}`)
    }
    const valid = { fieldKey: 'plan', fieldValue: 'x', listId: buyers, addTags: ['vip'] }
    assert.deepEqual(await publishProblems(tenant.id, owner.id, updateFlow(valid)), [])
  })
})
