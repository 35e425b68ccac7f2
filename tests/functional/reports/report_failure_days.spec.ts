import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import Contact from '#models/contact'
import { runInTenant } from '#tenancy/tenant_context'
import { applyReceipt, createOutboundMessage } from '#services/channels/message_service'
import { emitDomainEvent } from '#events/domain_events'
import { sqlTime } from '#services/channels/sql_time'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { createPublishedCampaign } from '#tests/helpers/campaigns'
import { csvRecords, sandboxInstance } from '#tests/helpers/reports'
import { rebuildFailureDays } from '../../../plugins/reports/services/failure_days.js'

/** Journey ids of made-up step failures, apart from the engine's. */
let nextJourneyId = 3_000_000_000 + Math.floor(Math.random() * 1_000_000) * 100
let nextPhone = 700_000_000 + Math.floor(Math.random() * 50_000_000)

async function pageProps(client: ApiClient, url: string, user: User) {
  const response = await client.get(url).loginAs(user).headers(INERTIA_HEADERS)
  response.assertStatus(200)
  return response.body().props
}

/**
 * Creates a tenant in São Paulo's time zone (UTC-3) with a published
 * campaign and a sandbox connection, and ways to fail a campaign message
 * and a send step at given instants through the paths the reports count.
 */
async function failingCampaign(name: string) {
  const { tenant, owner } = await createTenantWithOwner(name)
  tenant.timezone = 'America/Sao_Paulo'
  await tenant.save()
  const campaign = await createPublishedCampaign(tenant.id)
  const instance = await sandboxInstance(tenant.id)

  /** Queues a campaign message, then applies a `failed` receipt with `code` at `at`. */
  const failMessage = (at: string, code: string) =>
    runInTenant(tenant.id, async () => {
      nextPhone += 1
      const phone = `+5511${nextPhone}`
      // Messages without a contact emit no events, so the reports would not count them.
      const contact = await Contact.create({
        phone,
        name: 'Recipient',
        timezone: 'America/Sao_Paulo',
      })
      const message = await createOutboundMessage({
        instance,
        address: phone,
        body: 'Hi',
        contactId: contact.id,
        campaignId: campaign.id,
        nodeId: 'ask',
      })
      await applyReceipt(instance.id, {
        providerMessageId: message.providerMessageId,
        status: 'failed',
        at: new Date(at),
        code,
        reason: 'test failure',
      })
      return message
    })

  /** Emits `step:failed` for a send step at `at`, as the engine does. An earlier `journeyId` repeats that step. */
  const failStep = async (at: string, code: string, journeyId = ++nextJourneyId) => {
    await emitDomainEvent('step:failed', {
      tenantId: tenant.id,
      occurredAt: at,
      campaignId: campaign.id,
      contactId: 0,
      journeyId,
      step: 2,
      nodeId: 'remind',
      instanceId: instance.id,
      code,
      reason: 'no value for name',
    })
    return journeyId
  }

  /** Reads the campaign's `reports_failures` rows as `code day failed` lines, sorted. */
  const storedRows = async () => {
    const rows = await db
      .from('reports_failures')
      .where('tenant_id', tenant.id)
      .where('campaign_id', campaign.id)
      .select('code', 'day', 'failed')
    return rows.map((row) => `${row.code} ${row.day || '-'} ${row.failed}`).sort()
  }

  return { tenant, owner, campaign, instance, failMessage, failStep, storedRows }
}

test.group('Report failures by day', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('counts by day in the tenant zone', async ({ assert }) => {
    const { failMessage, failStep, storedRows } = await failingCampaign('Failure days')
    // 02:30 UTC on the 10th is 23:30 on the 9th in São Paulo.
    const message = await failMessage('2025-03-10T02:30:00Z', 'E_NOT_ON_WHATSAPP')
    await failMessage('2025-03-10T15:00:00Z', 'E_NOT_ON_WHATSAPP')
    const journeyId = await failStep('2025-03-10T15:30:00Z', 'E_TEMPLATE_RENDER')

    // Repeated events of the same message and step add nothing.
    await runInTenant(message.tenantId, () =>
      applyReceipt(message.instanceId, {
        providerMessageId: message.providerMessageId,
        status: 'failed',
        at: new Date('2025-03-10T02:30:00Z'),
        code: 'E_NOT_ON_WHATSAPP',
      })
    )
    await failStep('2025-03-10T15:30:00Z', 'E_TEMPLATE_RENDER', journeyId)

    assert.deepEqual(await storedRows(), [
      'E_NOT_ON_WHATSAPP 2025-03-09 1',
      'E_NOT_ON_WHATSAPP 2025-03-10 1',
      'E_TEMPLATE_RENDER 2025-03-10 1',
    ])
  })

  test('page reasons follow the range', async ({ client, assert }) => {
    const { owner, campaign, failMessage, failStep } = await failingCampaign('Failure range')
    await failMessage('2025-03-10T02:30:00Z', 'E_NOT_ON_WHATSAPP')
    await failStep('2025-03-10T15:30:00Z', 'E_TEMPLATE_RENDER')
    const url = `/plugins/reports/campaigns/${campaign.id}`

    const ninth = await pageProps(client, `${url}?from=2025-03-09&to=2025-03-09`, owner)
    assert.equal(ninth.funnel.failed, 1)
    assert.deepEqual(ninth.failures, [{ code: 'E_NOT_ON_WHATSAPP', explained: true, failed: 1 }])

    const tenth = await pageProps(client, `${url}?from=2025-03-10&to=2025-03-10`, owner)
    assert.equal(tenth.funnel.failed, 1)
    assert.deepEqual(tenth.failures, [{ code: 'E_TEMPLATE_RENDER', explained: true, failed: 1 }])

    const before = await pageProps(client, `${url}?from=2025-03-01&to=2025-03-08`, owner)
    assert.deepEqual(before.failures, [])

    const whole = await pageProps(client, url, owner)
    assert.equal(whole.funnel.failed, 2)
    assert.deepEqual(whole.failures, [
      { code: 'E_NOT_ON_WHATSAPP', explained: true, failed: 1 },
      { code: 'E_TEMPLATE_RENDER', explained: true, failed: 1 },
    ])
  })

  test('failures CSV follows the range', async ({ client, assert }) => {
    const { owner, campaign, failMessage, failStep } = await failingCampaign('Failure CSV')
    await failMessage('2025-03-10T02:30:00Z', 'E_NOT_ON_WHATSAPP')
    await failStep('2025-03-10T15:30:00Z', 'E_MADE_UP')
    const url = (query: string) =>
      `/plugins/reports/campaigns/${campaign.id}/export?report=failures${query}`

    const tenth = await csvRecords(client, url('&from=2025-03-10&to=2025-03-10'), owner)
    assert.deepEqual(tenth, [
      { 'Failure code': 'E_MADE_UP', 'Reason': 'Other failure (E_MADE_UP)', 'Failed': '1' },
    ])
    const ninth = await csvRecords(client, url('&from=2025-03-09&to=2025-03-09'), owner)
    assert.deepEqual(ninth, [
      {
        'Failure code': 'E_NOT_ON_WHATSAPP',
        'Reason': 'The number is not on WhatsApp.',
        'Failed': '1',
      },
    ])
    const whole = await csvRecords(client, url(''), owner)
    assert.deepEqual(
      whole.map((row) => [row['Failure code'], row.Failed]),
      [
        ['E_MADE_UP', '1'],
        ['E_NOT_ON_WHATSAPP', '1'],
      ]
    )
  })

  test('rebuild dates counts from source rows', async ({ assert }) => {
    const { tenant, campaign, failMessage, storedRows } = await failingCampaign('Failure rebuild')
    await failMessage('2025-03-10T02:30:00Z', 'E_NOT_ON_WHATSAPP')
    await failMessage('2025-03-10T15:00:00Z', 'E_NOT_ON_WHATSAPP')
    const uncoded = await failMessage('2025-03-12T12:00:00Z', 'E_SEND_FAILED')
    await db.from('messages').where('id', uncoded.id).update({ failure_code: null })

    // A send step the reports counted, and one they never saw.
    for (const [journeyId, counted] of [
      [++nextJourneyId, true],
      [++nextJourneyId, false],
    ] as const) {
      await db.table('step_failures').insert({
        tenant_id: tenant.id,
        campaign_id: campaign.id,
        journey_id: journeyId,
        step: 2,
        node_id: 'remind',
        code: 'E_TEMPLATE_RENDER',
        reason: 'no value for name',
        created_at: sqlTime(new Date('2025-03-11T14:00:00Z')),
      })
      if (counted) {
        await db
          .table('reports_step_marks')
          .insert({ journey_id: journeyId, step: 2, tenant_id: tenant.id })
      }
    }

    // The counts as the table kept them without days: the two messages not on
    // WhatsApp, and two timeouts whose messages are gone. The uncoded message
    // and the step were counted before the table kept codes.
    await db.from('reports_failures').where('tenant_id', tenant.id).delete()
    await db.table('reports_failures').multiInsert([
      { tenant_id: tenant.id, campaign_id: campaign.id, code: 'E_NOT_ON_WHATSAPP', failed: 2 },
      { tenant_id: tenant.id, campaign_id: campaign.id, code: 'E_SEND_TIMEOUT', failed: 2 },
    ])

    const expected = [
      'E_NOT_ON_WHATSAPP 2025-03-09 1',
      'E_NOT_ON_WHATSAPP 2025-03-10 1',
      'E_SEND_FAILED 2025-03-12 1',
      'E_SEND_TIMEOUT - 2',
      'E_TEMPLATE_RENDER 2025-03-11 1',
    ]
    await rebuildFailureDays(db.connection())
    assert.deepEqual(await storedRows(), expected)
    await rebuildFailureDays(db.connection())
    assert.deepEqual(await storedRows(), expected, 'a second rebuild changes nothing')
  })
})

test.group('Report failures by day, concurrent', () => {
  test('concurrent failures add up once each', async ({ assert }) => {
    const { tenant, failMessage, failStep, storedRows } = await failingCampaign('Failure race')
    const journeyIds = Array.from({ length: 6 }, () => ++nextJourneyId)

    // Each step fails twice at once, as a step that runs again after a crash does.
    await Promise.all([
      ...journeyIds.flatMap((journeyId) => [
        failStep('2025-03-10T15:30:00Z', 'E_TEMPLATE_RENDER', journeyId),
        failStep('2025-03-10T15:30:00Z', 'E_TEMPLATE_RENDER', journeyId),
      ]),
      ...Array.from({ length: 6 }, () => failMessage('2025-03-10T15:00:00Z', 'E_TEMPLATE_RENDER')),
    ])

    assert.deepEqual(await storedRows(), ['E_TEMPLATE_RENDER 2025-03-10 12'])
    const buckets = await db
      .from('reports_buckets')
      .where('tenant_id', tenant.id)
      .where('period', 'day')
      .sum('failed as failed')
      .first()
    assert.equal(Number(buckets.failed), 12)
  }).timeout(60_000)
})
