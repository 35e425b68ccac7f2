import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { CAMPAIGN_CANCELLED_CODE } from '#sdk'
import { runInTenant } from '#tenancy/tenant_context'
import { applyAction } from '#services/campaigns/campaign_states'
import { computeProgress } from '#engine/campaign_progress'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { columnTotal, csvRecords } from '#tests/helpers/reports'
import { pairedSandbox, sandboxSendCount, waitFor } from '#tests/helpers/channels'
import {
  campaignMessages,
  oneSendFlow,
  phoneNumber,
  publishedCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
  waitForCampaignState,
  waitForSends,
} from '#tests/helpers/engine'
import { createEndpoint, startReceiver, type Receiver } from '#tests/helpers/webhooks'
import WebhookDelivery from '../../../plugins/webhooks/models/webhook_delivery.js'
import { webhooksConfig } from '../../../plugins/webhooks/config.js'

const AUDIENCE = 5

/** Reads the props of an Inertia page as `user` opens it. */
async function pageProps(client: ApiClient, url: string, user: User) {
  const response = await client.get(url).loginAs(user).headers(INERTIA_HEADERS)
  response.assertStatus(200)
  return response.body().props
}

/**
 * Starts a campaign of AUDIENCE contacts paced 8 s apart, so the sends after
 * the first wait in the number's queue, and cancels it after the first send.
 * Returns once every send left or was stopped and the stored progress counts
 * the stopped ones.
 */
async function cancelMidway(tenantId: number, ownerId: number) {
  const instance = await pairedSandbox(tenantId, { deliveredDelayMs: 0, readDelayMs: 0 })
  const { listId } = await seedAudience(
    tenantId,
    Array.from({ length: AUDIENCE }, (_, index) => ({ phone: phoneNumber(85, index) }))
  )
  const campaign = await publishedCampaign(tenantId, ownerId, oneSendFlow('Olá'), {
    listIds: [listId],
    channelInstanceIds: [instance.id],
    minIntervalSeconds: 8,
    maxIntervalSeconds: 8,
  })

  await startCampaign(campaign, ownerId)
  await waitForSends(campaign, AUDIENCE, 'every send to be queued')
  await waitFor(async () => (await sandboxSendCount(instance.id)) >= 1, 'the first send')
  await runInTenant(tenantId, () => applyAction(campaign.id, 'cancel', ownerId))
  await waitForCampaignState(campaign, 'cancelled')
  await waitFor(async () => {
    const messages = await campaignMessages(campaign)
    return messages.every((message) => message.status !== 'queued')
  }, 'the waiting sends to be stopped')
  const messages = await campaignMessages(campaign)
  const stopped = messages.filter(
    (message) => message.failureCode === CAMPAIGN_CANCELLED_CODE
  ).length
  await waitFor(async () => {
    const run = await db.from('campaign_runs').where('campaign_id', campaign.id).first()
    return run && Number(run.cancelled) === stopped
  }, 'the stored progress to count the stopped sends')
  return { campaign, instance, stopped }
}

/** Counts the deliveries of the tenant's webhook endpoints by event name. */
async function deliveriesByEvent(tenantId: number) {
  const deliveries = await WebhookDelivery.query().where('tenant_id', tenantId)
  const counts: Record<string, number> = {}
  for (const delivery of deliveries) {
    counts[delivery.event] = (counts[delivery.event] ?? 0) + 1
  }
  return counts
}

test.group('Reports cancelled sends', (group) => {
  useEngineRoles(group)
  const original = { ...webhooksConfig }
  let receiver: Receiver
  group.each.setup(async () => {
    Object.assign(webhooksConfig, { allowPrivateTargets: true })
    receiver = await startReceiver()
    return async () => {
      Object.assign(webhooksConfig, original)
      await receiver.close()
    }
  })

  test('campaign page, report and CSV agree', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Reports')
    const endpoint = await createEndpoint(tenant.id, receiver.url)
    endpoint.events = ['message:sent', 'message:failed', 'message:cancelled']
    await endpoint.save()

    const { campaign, instance, stopped } = await cancelMidway(tenant.id, owner.id)
    const sent = await sandboxSendCount(instance.id)
    assert.isAbove(stopped, 0, 'no send waited when the campaign was cancelled')
    assert.equal(sent + stopped, AUDIENCE)

    // The campaign's figures: its progress totals, the campaign list and the messages page.
    const progress = await runInTenant(tenant.id, () => computeProgress(campaign))
    assert.equal(progress.totals.cancelled, stopped)
    assert.equal(progress.totals.failed, 0)
    assert.equal(progress.totals.sent, sent)
    const list = await pageProps(client, '/campaigns', owner)
    const row = list.campaigns.find((entry: { id: number }) => entry.id === campaign.id)
    assert.equal(row.totals.cancelled, stopped)
    assert.equal(row.totals.failed, 0)
    const messagesPage = await pageProps(client, `/campaigns/${campaign.id}/messages`, owner)
    assert.equal(messagesPage.counts.cancelled, stopped)
    assert.equal(messagesPage.counts.failed, 0)
    assert.equal(messagesPage.counts.sent, sent)
    const cancelledOnly = await pageProps(
      client,
      `/campaigns/${campaign.id}/messages?status=cancelled`,
      owner
    )
    assert.equal(cancelledOnly.pagination.total, stopped)
    const failedOnly = await pageProps(
      client,
      `/campaigns/${campaign.id}/messages?status=failed`,
      owner
    )
    assert.equal(failedOnly.pagination.total, 0)

    // The report page.
    const report = await pageProps(client, `/plugins/reports/campaigns/${campaign.id}`, owner)
    assert.equal(report.funnel.cancelled, stopped)
    assert.equal(report.funnel.failed, 0)
    assert.equal(report.funnel.sent, sent)
    assert.equal(report.funnel.queued, AUDIENCE)
    assert.deepEqual(report.failures, [])
    const hello = report.steps.find((step: { id: string }) => step.id === 'hello')
    assert.equal(hello.cancelled, stopped)
    assert.equal(hello.failed, 0)
    assert.equal(columnTotal(report.instances, 'cancelled'), stopped)
    assert.equal(columnTotal(report.daily, 'cancelled'), stopped)
    assert.equal(columnTotal(report.hourly, 'cancelled'), stopped)
    assert.equal(columnTotal(report.daily, 'failed'), 0)
    const overview = await pageProps(client, '/plugins/reports/campaigns', owner)
    assert.equal(overview.total.cancelled, stopped)

    // The report's CSV exports and the messages export.
    const base = `/plugins/reports/campaigns/${campaign.id}/export?report=`
    const funnel = await csvRecords(client, `${base}funnel`, owner)
    const countOf = (stage: string) =>
      Number(funnel.find((record) => record.Stage === stage)?.Count)
    assert.equal(countOf('Cancelled'), stopped)
    assert.equal(countOf('Failed'), 0)
    assert.deepEqual(await csvRecords(client, `${base}failures`, owner), [])
    const nodes = await csvRecords(client, `${base}nodes`, owner)
    assert.equal(nodes[0].Cancelled, String(stopped))
    assert.equal(nodes[0].Failed, '0')
    assert.equal(
      columnTotal(await csvRecords(client, `${base}instances`, owner), 'Cancelled'),
      stopped
    )
    assert.equal(columnTotal(await csvRecords(client, `${base}daily`, owner), 'Cancelled'), stopped)
    assert.equal(
      columnTotal(await csvRecords(client, `${base}hourly`, owner), 'Cancelled'),
      stopped
    )
    const messages = await csvRecords(client, `/campaigns/${campaign.id}/messages.csv`, owner)
    assert.lengthOf(
      messages.filter((record) => record.Status === 'Cancelled'),
      stopped
    )
    assert.lengthOf(
      messages.filter((record) => record.Status === 'Failed'),
      0
    )

    // The webhooks: one message:cancelled per stopped send, no message:failed.
    const deliveries = await deliveriesByEvent(tenant.id)
    assert.equal(deliveries['message:cancelled'], stopped)
    assert.isUndefined(deliveries['message:failed'])
    assert.equal(deliveries['message:sent'], sent)
  }).timeout(90_000)
})
