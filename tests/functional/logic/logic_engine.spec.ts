import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import type Campaign from '#models/campaign'
import type User from '#models/user'
import CustomField from '#models/custom_field'
import { runInTenant } from '#tenancy/tenant_context'
import { sqlTime } from '#services/channels/sql_time'
import { parseFieldValue, saveFieldValues } from '#services/contacts/custom_field_values'
import { computeProgress, publishProgress, storedProgress } from '#engine/campaign_progress'
import { runJourneyJob } from '#engine/journey_runner'
import { draftOf } from '#services/campaigns/flow_drafts'
import type { FlowGraph } from '#flow/flow_graph'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createCampaign, graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import { pairedSandbox, waitFor } from '#tests/helpers/channels'
import {
  campaignJourneys,
  campaignMessages,
  phoneNumber,
  publishedCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
  waitForCampaignState,
} from '#tests/helpers/engine'

/** Contacts of the condition test: who they are and which message they should get. */
const PEOPLE = [
  { city: 'São Paulo', spent: '1.250,00', tags: [], expected: 'VIP' },
  { city: 'SAO PAULO', spent: '99,90', tags: ['cliente vip'], expected: 'VIP' },
  { city: 'sao paulo', spent: '80', tags: [], expected: 'Padrão' },
  { city: 'Niterói', spent: '5.000', tags: [], expected: 'Padrão' },
  { city: null, spent: null, tags: ['Cliente VIP'], expected: 'Padrão' },
]

/**
 * Start → Condition "city" (São Paulo) → Condition "value" (spent over 100
 * or tagged Cliente VIP) → the VIP message; everyone else gets the
 * standard one.
 */
function conditionFlow() {
  return {
    nodes: [
      graphNode('start', 'start'),
      graphNode('city', 'logic.condition', {
        match: 'all',
        rules: [{ field: 'city', operator: 'is', value: 'sao paulo' }],
      }),
      graphNode('value', 'logic.condition', {
        match: 'any',
        rules: [
          { field: 'custom', customField: 'gasto', operator: 'greater', value: '100' },
          { field: 'tags', operator: 'contains', value: 'CLIENTE VIP' },
        ],
      }),
      sendNode('vip', 'VIP'),
      sendNode('standard', 'Padrão'),
    ],
    edges: [
      graphEdge('start', 'next', 'city'),
      graphEdge('city', 'yes', 'value'),
      graphEdge('city', 'no', 'standard'),
      graphEdge('value', 'yes', 'vip'),
      graphEdge('value', 'no', 'standard'),
    ],
  }
}

/** Start → Split 30/70 → Goal "Bought" on A, Goal "Left" on B. */
function splitGoalFlow() {
  return {
    nodes: [
      graphNode('start', 'start'),
      graphNode('ab', 'logic.split', {
        paths: [
          { id: 'a', name: 'Coupon', percent: 30 },
          { id: 'b', name: 'No coupon', percent: 70 },
        ],
      }),
      graphNode('bought', 'logic.goal', { label: 'Bought' }),
      graphNode('left', 'logic.goal', { label: 'Left' }),
    ],
    edges: [
      graphEdge('start', 'next', 'ab'),
      graphEdge('ab', 'a', 'bought'),
      graphEdge('ab', 'b', 'left'),
    ],
  }
}

async function seedPeople(tenantId: number) {
  const { listId, contactIds } = await seedAudience(
    tenantId,
    PEOPLE.map((_, index) => ({ phone: phoneNumber(21, index) }))
  )
  await runInTenant(tenantId, async () => {
    const field = await CustomField.create({ key: 'gasto', label: 'Gasto', type: 'number' })
    const values = []
    for (const [index, person] of PEOPLE.entries()) {
      await db.from('contacts').where('id', contactIds[index]).update({ city: person.city })
      for (const tag of person.tags) {
        await db
          .table('contact_tags')
          .insert({ tenant_id: tenantId, contact_id: contactIds[index], name: tag })
      }
      if (person.spent !== null) {
        const parsed = parseFieldValue(field, person.spent)
        if (parsed.ok)
          values.push({ contactId: contactIds[index], fieldId: field.id, value: parsed.value })
      }
    }
    await saveFieldValues(values)
  })
  return { listId, contactIds }
}

/** Ends of the campaign's journeys by contact: the node each ended at, and why. */
async function endings(campaign: Campaign) {
  const journeys = await campaignJourneys(campaign)
  return new Map(journeys.map((journey) => [journey.id, `${journey.nodeId}:${journey.endReason}`]))
}

test.group('Logic nodes engine', (group) => {
  useEngineRoles(group)

  test('condition sends each contact its message', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    const { listId, contactIds } = await seedPeople(tenant.id)
    const campaign = await publishedCampaign(tenant.id, owner.id, conditionFlow(), {
      listIds: [listId],
      channelInstanceIds: [instance.id],
    })

    await startCampaign(campaign, owner.id)
    await waitForCampaignState(campaign, 'finished')

    const messages = await campaignMessages(campaign)
    assert.lengthOf(messages, PEOPLE.length)
    const bodyOf = new Map(messages.map((message) => [message.contactId, message.body]))
    for (const [index, person] of PEOPLE.entries()) {
      assert.equal(bodyOf.get(contactIds[index]), person.expected, `contact ${index}`)
    }
  })

  test('split keeps paths and goals end journeys', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    const audience = Array.from({ length: 40 }, (_, index) => ({ phone: phoneNumber(31, index) }))
    const { listId } = await seedAudience(tenant.id, audience)
    const campaign = await publishedCampaign(tenant.id, owner.id, splitGoalFlow(), {
      listIds: [listId],
      channelInstanceIds: [instance.id],
    })

    await startCampaign(campaign, owner.id)
    await waitForCampaignState(campaign, 'finished')

    const before = await endings(campaign)
    const reached = [...before.values()]
    assert.lengthOf(reached, 40)
    assert.isTrue(
      reached.every((end) => end === 'bought:goal' || end === 'left:goal'),
      reached.join(', ')
    )
    const bought = reached.filter((end) => end === 'bought:goal').length
    assert.isAbove(bought, 0, 'no journey took path A')
    assert.isBelow(bought, 40, 'no journey took path B')

    const progress = await runInTenant(tenant.id, () => computeProgress(campaign))
    assert.equal(progress.nodes.bought?.goals, bought)
    assert.equal(progress.nodes.left?.goals, 40 - bought)
    assert.equal(progress.nodes.ab.ports.a, bought)
    await runInTenant(tenant.id, () => publishProgress(tenant.id, campaign.id))
    const stored = await storedProgress(campaign.id)
    assert.equal(stored?.nodes.bought?.goals, bought)
    assert.equal(stored?.nodes.left?.goals, 40 - bought)

    // Run the split step of every journey again, as a retry after a crash
    // before the step's transition was stored would.
    const splitSteps = await db
      .from('journey_steps')
      .where('campaign_id', campaign.id)
      .where('node_id', 'ab')
      .select('journey_id', 'step')
    assert.lengthOf(splitSteps, 40)
    for (const row of splitSteps) {
      await db
        .from('journey_steps')
        .where('journey_id', row.journey_id)
        .where('step', '>=', row.step)
        .delete()
      await db.from('journeys').where('id', row.journey_id).update({
        state: 'active',
        node_id: 'ab',
        step: row.step,
        end_reason: null,
        ended_at: null,
        updated_at: sqlTime(),
      })
      await runJourneyJob({
        tenantId: tenant.id,
        campaignId: campaign.id,
        journeyId: Number(row.journey_id),
        step: Number(row.step),
        nodeId: 'ab',
        phase: 'run',
      })
    }
    const after = await waitFor(async () => {
      const journeys = await campaignJourneys(campaign)
      return journeys.every((journey) => journey.state === 'ended') ? endings(campaign) : null
    }, 'the re-run journeys to end')
    assert.deepEqual([...after.entries()], [...before.entries()])
  })
})

function publish(client: any, user: User, campaignId: number) {
  return client
    .post(`/campaigns/${campaignId}/versions`)
    .accept('json')
    .loginAs(user)
    .withCsrfToken()
}

test.group('Logic nodes publish', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('rejects faulty logic nodes by name', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await runInTenant(tenant.id, () =>
      CustomField.create({ key: 'plano', label: 'Plano', type: 'text' })
    )
    const graph: FlowGraph = {
      nodes: [
        graphNode('start', 'start'),
        graphNode('check', 'logic.condition', {
          match: 'all',
          rules: [
            { field: 'custom', customField: 'pontos', operator: 'is', value: '10' },
            { field: 'custom', customField: 'plano', operator: 'greater', value: '10' },
            { field: 'city', operator: 'is', value: '' },
          ],
        }),
        graphNode('ab', 'logic.split', {
          paths: [
            { id: 'a', name: 'A', percent: 30 },
            { id: 'b', name: 'B', percent: 60 },
          ],
        }),
        graphNode('done', 'logic.goal', { label: 'Bought' }),
        graphNode('other', 'logic.goal', { label: 'Left' }),
      ],
      edges: [
        graphEdge('start', 'next', 'check'),
        graphEdge('check', 'yes', 'ab'),
        graphEdge('ab', 'a', 'done'),
        graphEdge('ab', 'b', 'other'),
      ],
    }
    const campaign = await campaignWithDraft(tenant.id, graph)

    const response = await publish(client, owner, campaign.id)
    response.assertStatus(422)
    assert.equal(response.body().code, 'E_FLOW_INVALID')
    const problems = response.body().problems as {
      code: string
      nodeId: string
      field: string
      message?: string
      values: Record<string, unknown>
    }[]
    assert.deepEqual(
      problems.map((item) => `${item.nodeId}:${item.field}:${item.message}`),
      [
        'check:rules.0.field:logic.issues.unknown_field',
        'check:rules.1.operator:logic.issues.operator_text',
        'check:rules.2.value:logic.issues.missing_value',
        'ab:paths:logic.issues.split_total',
      ]
    )
    assert.equal(problems[0].values.field, 'pontos')
    assert.equal(problems[3].values.total, 90)
  })
})

/** Creates a campaign whose draft is `graph`, not yet published. */
async function campaignWithDraft(tenantId: number, graph: FlowGraph) {
  const campaign = await createCampaign(tenantId)
  await runInTenant(tenantId, async () => {
    const draft = await draftOf(campaign)
    draft.graph = graph
    await draft.save()
  })
  return campaign
}
