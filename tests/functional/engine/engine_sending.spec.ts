import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { getQueue } from '#queues/queue_factory'
import { runInTenant } from '#tenancy/tenant_context'
import { applyAction } from '#services/campaigns/campaign_states'
import { enqueueOutbound, outboundQueueName } from '#services/channels/outbound_queue'
import { enqueueJourneyJob } from '#engine/engine_queues'
import { computeProgress } from '#engine/campaign_progress'
import CustomField from '#models/custom_field'
import Template from '#models/template'
import { saveFieldValues } from '#services/contacts/custom_field_values'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { graphEdge, graphNode, sendNode, templateSendFlow } from '#tests/helpers/campaigns'
import { pairedSandbox, sandboxSendCount, waitFor } from '#tests/helpers/channels'
import {
  campaignJourneys,
  campaignMessages,
  phoneNumber,
  publishedCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
  waitForCampaignState,
  waitForSends,
} from '#tests/helpers/engine'

function oneSend(text: string) {
  return {
    nodes: [graphNode('start', 'start'), sendNode('hello', text)],
    edges: [graphEdge('start', 'next', 'hello')],
  }
}

test.group('Engine sending', (group) => {
  useEngineRoles(group)

  test('two campaigns reach one contact once each', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const { listId, contactIds } = await seedAudience(tenant.id, [{ phone: '+5511987650042' }])
    const attributes = { listIds: [listId], channelInstanceIds: [instance.id] }
    const first = await publishedCampaign(tenant.id, owner.id, oneSend('From C1'), attributes)
    const second = await publishedCampaign(tenant.id, owner.id, oneSend('From C2'), attributes)

    await startCampaign(first, owner.id)
    await startCampaign(second, owner.id)
    await waitForCampaignState(first, 'finished')
    await waitForCampaignState(second, 'finished')

    // Receipts are applied apart from the journeys, so the read receipt may land after the finish.
    const firstMessage = await waitFor(async () => {
      const [message] = await campaignMessages(first)
      return message.status === 'read' || message.status === 'failed' ? message : null
    }, 'the message of the first campaign to be read')
    const [secondMessage] = await campaignMessages(second)
    assert.equal(firstMessage.contactId, contactIds[0])
    assert.equal(secondMessage.contactId, contactIds[0])
    assert.equal(
      firstMessage.status,
      'read',
      `${firstMessage.failureCode} ${firstMessage.failureReason}`
    )
    assert.equal(firstMessage.body, 'From C1')
    assert.equal(secondMessage.body, 'From C2')
    assert.equal(await sandboxSendCount(instance.id), 2)

    const [journey] = await campaignJourneys(first)
    const retried = { tenantId: tenant.id, campaignId: first.id, journeyId: journey.id }
    await enqueueJourneyJob({ ...retried, step: 1, nodeId: 'hello', phase: 'run' })
    await enqueueJourneyJob({ ...retried, step: 1, nodeId: 'hello', phase: 'sent' })
    await runInTenant(tenant.id, () => enqueueOutbound(firstMessage))
    await waitFor(async () => {
      const counts = await getQueue('engine-journeys').getJobCounts('waiting', 'active', 'delayed')
      return counts.waiting + counts.active + counts.delayed === 0
    }, 'the retried steps to run')

    assert.lengthOf(await campaignMessages(first), 1, 'the retried step made a second message')
    assert.equal(await sandboxSendCount(instance.id), 2, 'the retried step sent again')
  }).timeout(60_000)

  test('custom field fills the message', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const { listId, contactIds } = await seedAudience(tenant.id, [
      { phone: phoneNumber(81, 1) },
      { phone: phoneNumber(81, 2) },
    ])
    await runInTenant(tenant.id, async () => {
      const field = await CustomField.create({
        key: 'plano',
        label: 'Plano',
        type: 'text',
        options: [],
      })
      await saveFieldValues([
        {
          contactId: contactIds[0],
          fieldId: field.id,
          value: { textValue: 'Ouro', numberValue: null, dateValue: null },
        },
      ])
    })
    const campaign = await publishedCampaign(
      tenant.id,
      owner.id,
      oneSend('Seu plano: {{plano|básico}}'),
      { listIds: [listId], channelInstanceIds: [instance.id] }
    )

    await startCampaign(campaign, owner.id)
    await waitForCampaignState(campaign, 'finished')

    const messages = await campaignMessages(campaign)
    const bodyOf = (contactId: number) =>
      messages.find((message) => message.contactId === contactId)?.body
    assert.equal(bodyOf(contactIds[0]), 'Seu plano: Ouro')
    assert.equal(bodyOf(contactIds[1]), 'Seu plano: básico')
  }).timeout(30_000)

  test('campaign variable fallback fills the message', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const { listId, contactIds } = await seedAudience(tenant.id, [{ phone: phoneNumber(83, 1) }])
    const template = await runInTenant(tenant.id, () =>
      Template.create({
        name: 'Promoção',
        body: 'Cupom {{campaign.cupom|NENHUM}} até {{campaign.data_fim|domingo}}',
      })
    )
    const campaign = await publishedCampaign(tenant.id, owner.id, templateSendFlow(template.id), {
      listIds: [listId],
      channelInstanceIds: [instance.id],
      variables: { cupom: 'SOL10' },
    })

    await startCampaign(campaign, owner.id)
    await waitForCampaignState(campaign, 'finished')

    const [message] = await campaignMessages(campaign)
    assert.equal(message.contactId, contactIds[0])
    assert.equal(message.body, 'Cupom SOL10 até domingo')
  }).timeout(30_000)

  test('template sends read its latest text', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const { listId, contactIds } = await seedAudience(tenant.id, [
      { phone: phoneNumber(82, 1), name: 'Ana' },
      { phone: phoneNumber(82, 2) },
    ])
    const attributes = { listIds: [listId], channelInstanceIds: [instance.id] }
    const [kept, deleted] = await runInTenant(tenant.id, () =>
      Promise.all([
        Template.create({ name: 'Novidades', body: 'Oi {{name|cliente}}' }),
        Template.create({ name: 'Antigo', body: 'Mensagem antiga' }),
      ])
    )
    const edited = await publishedCampaign(
      tenant.id,
      owner.id,
      templateSendFlow(kept.id),
      attributes
    )
    const orphaned = await publishedCampaign(
      tenant.id,
      owner.id,
      templateSendFlow(deleted.id),
      attributes
    )
    await runInTenant(tenant.id, async () => {
      kept.body = 'Oi {{name|cliente}}, temos novidades'
      await kept.save()
      await deleted.delete()
    })

    await startCampaign(edited, owner.id)
    await waitForCampaignState(edited, 'finished')
    await startCampaign(orphaned, owner.id)
    await waitForCampaignState(orphaned, 'finished')

    const messages = await campaignMessages(edited)
    const bodies = new Map(messages.map((message) => [message.contactId, message.body]))
    assert.equal(bodies.get(contactIds[0]), 'Oi Ana, temos novidades')
    assert.equal(bodies.get(contactIds[1]), 'Oi cliente, temos novidades')
    assert.lengthOf(await campaignMessages(orphaned), 0)
    const steps = await db
      .from('journey_steps')
      .where('campaign_id', orphaned.id)
      .where('node_id', 'hello')
    assert.lengthOf(steps, 2)
    assert.isTrue(steps.every((step) => step.port === 'failed'))

    // The failures have no message row, so they are recorded apart and counted as failed.
    const failures = await db.from('step_failures').where('campaign_id', orphaned.id)
    assert.lengthOf(failures, 2)
    for (const failure of failures) {
      assert.equal(failure.code, 'E_TEMPLATE_RENDER')
      assert.equal(failure.node_id, 'hello')
      assert.include(failure.reason, `template ${deleted.id} not found`)
    }
    const progress = await runInTenant(tenant.id, () => computeProgress(orphaned))
    assert.equal(progress.totals.failed, 2)
    assert.equal(progress.totals.sent, 0)
    await waitFor(async () => {
      const run = await db.from('campaign_runs').where('campaign_id', orphaned.id).first()
      return run && Number(run.failed) === 2
    }, 'the stored progress to count the two failures')
  }).timeout(30_000)

  test('two numbers keep their own pace in parallel', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instances = [
      await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 }),
      await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 }),
    ]
    const contacts = Array.from({ length: 6 }, (_, index) => ({
      phone: phoneNumber(11, 600 + index),
    }))
    const { listId } = await seedAudience(tenant.id, contacts)
    const campaign = await publishedCampaign(tenant.id, owner.id, oneSend('Paced'), {
      listIds: [listId],
      channelInstanceIds: instances.map((instance) => instance.id),
      minIntervalSeconds: 10,
      maxIntervalSeconds: 10,
    })

    await startCampaign(campaign, owner.id)
    await waitForCampaignState(campaign, 'finished', 50_000)

    const messages = await campaignMessages(campaign)
    assert.lengthOf(messages, 6)
    const sendTimes = new Map<number, number[]>()
    for (const message of messages) {
      assert.include(['sent', 'delivered', 'read'], message.status)
      const job = await getQueue(outboundQueueName(message.instanceId)).getJob(
        `message-${message.id}`
      )
      const times = sendTimes.get(message.instanceId) ?? []
      times.push(job!.processedOn!)
      sendTimes.set(message.instanceId, times)
    }

    const firsts: number[] = []
    for (const instance of instances) {
      const times = sendTimes.get(instance.id)!.sort((a, b) => a - b)
      assert.lengthOf(times, 3, `instance ${instance.id} did not send three`)
      for (let index = 1; index < times.length; index++) {
        // The pacer reserves slots exactly 10 s apart; BullMQ starts a delayed
        // job a little after its slot, by up to a few hundred milliseconds on a
        // loaded machine, so two starts can sit slightly closer than the slots.
        assert.isAtLeast(
          times[index] - times[index - 1],
          9_500,
          'two sends of one number within 10 s'
        )
      }
      firsts.push(times[0])
    }
    assert.isBelow(Math.abs(firsts[0] - firsts[1]), 10_000, 'the numbers did not send in parallel')
    const ids = instances.map((instance) => instance.id)
    const [{ total }] = await db
      .from('sandbox_sends')
      .whereIn('instance_id', ids)
      .count('* as total')
    assert.equal(Number(total), 6)
  }).timeout(60_000)

  test('daily cap spreads sends over weeks', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const contacts = Array.from({ length: 14 }, (_, index) => ({
      phone: phoneNumber(12, 700 + index),
    }))
    const { listId } = await seedAudience(tenant.id, contacts)
    // One send a day: the last contact's turn comes on the 14th day.
    const campaign = await publishedCampaign(tenant.id, owner.id, oneSend('Capped'), {
      listIds: [listId],
      channelInstanceIds: [instance.id],
      minIntervalSeconds: 1,
      maxIntervalSeconds: 1,
      dailyCapPerNumber: 1,
    })

    await startCampaign(campaign, owner.id)
    const jobs = await waitForSends(campaign, 14, 'a send for every contact')

    const days = new Set(jobs.map((job) => job.data.dueAt!.slice(0, 10)))
    assert.equal(days.size, 14)
    // Today's send may have left already; every other journey waits for its day.
    const journeys = await campaignJourneys(campaign)
    const states = journeys.map((journey) => journey.state)
    assert.isAtLeast(states.filter((state) => state === 'sending').length, 13)
    assert.notInclude(states, 'failed')
    await runInTenant(tenant.id, () => applyAction(campaign.id, 'cancel', owner.id))
  }).timeout(60_000)
})
