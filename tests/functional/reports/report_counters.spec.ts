import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import testUtils from '@adonisjs/core/services/test_utils'
import { emitDomainEvent } from '#events/domain_events'
import {
  applyReceipt,
  createOutboundMessage,
  markFailed,
  storeInbound,
} from '#services/channels/message_service'
import Contact from '#models/contact'
import { contactFigures } from '../../../plugins/reports/services/report_queries.js'
import { runInTenant } from '#tenancy/tenant_context'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import {
  emitStepFailure,
  funnelFromCsv,
  messageTableCounts,
  seedCampaignTraffic,
  type RecipientFate,
} from '#tests/helpers/reports'

const FATES: RecipientFate[] = [
  'queued',
  'sent',
  'delivered',
  'delivered',
  'read',
  'read',
  'replied',
  'replied',
  'failed',
  'opted_out',
]

function parseCsv(text: string) {
  const [header, ...lines] = text
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
  const columns = header.split(',')
  return lines.map((line) =>
    Object.fromEntries(line.split(',').map((value, i) => [columns[i], value]))
  )
}

/** Fetches a CSV export as `user` and returns its rows. */
async function csvRows(client: ApiClient, url: string, user: User) {
  const response = await client.get(url).loginAs(user)
  response.assertStatus(200)
  return parseCsv(response.text())
}

function funnelOf(csv: string) {
  return funnelFromCsv(csv)
}

test.group('Reports counters', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('funnel equals the messages table', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Reports')
    const { campaign } = await seedCampaignTraffic(tenant.id, FATES)
    const expected = await messageTableCounts(campaign.id)

    const response = await client
      .get(`/plugins/reports/campaigns/${campaign.id}/export?report=funnel`)
      .loginAs(owner)
    response.assertStatus(200)
    const funnel = funnelOf(response.text())

    assert.equal(funnel.enrolled, expected.enrolled)
    assert.equal(funnel.queued, expected.queued)
    assert.equal(funnel.sent, expected.sent)
    assert.equal(funnel.delivered, expected.delivered)
    assert.equal(funnel.read, expected.read)
    assert.equal(funnel.replied, expected.replied)
    assert.equal(funnel.failed, expected.failed)
    assert.equal(funnel.opted_out, expected.optedOut)
    assert.deepEqual(
      [funnel.enrolled, funnel.sent, funnel.delivered, funnel.read, funnel.replied, funnel.failed],
      [10, 8, 7, 5, 2, 1]
    )
    assert.equal(funnel.opted_out, 1)
  })

  test('contacts count each person once', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Reports')
    const { campaign, instance, messages } = await seedCampaignTraffic(tenant.id, FATES)
    // The first contact who replied gets a second message of the campaign and replies to it too.
    const replied = messages[FATES.indexOf('replied')]
    await runInTenant(tenant.id, async () => {
      const contact = await Contact.findOrFail(replied.contactId)
      const second = await createOutboundMessage({
        instance,
        address: contact.phone,
        body: 'And now?',
        contactId: contact.id,
        campaignId: campaign.id,
        nodeId: 'remind',
      })
      await applyReceipt(instance.id, {
        providerMessageId: second.providerMessageId,
        status: 'sent',
        at: new Date(),
      })
      await storeInbound(instance, {
        providerMessageId: `IN-again-${second.providerMessageId}`,
        from: contact.phone,
        fromName: null,
        text: 'SIM de novo',
        media: null,
        receivedAt: new Date(),
        inReplyTo: null,
      })
    })

    const response = await client
      .get(`/plugins/reports/campaigns/${campaign.id}/export?report=funnel`)
      .loginAs(owner)
    const funnel = funnelOf(response.text())
    const contacts = await contactFigures(tenant.id, campaign.id)

    assert.equal(funnel.replied, 3)
    assert.deepEqual(contacts, { reached: 8, replied: 2, optedOut: 1 })
  })

  test('cancelled sends count as cancelled', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Reports')
    const { campaign, messages } = await seedCampaignTraffic(tenant.id, ['queued', 'read'])
    const readFunnel = async () => {
      const response = await client
        .get(`/plugins/reports/campaigns/${campaign.id}/export?report=funnel`)
        .loginAs(owner)
      return funnelOf(response.text())
    }

    await runInTenant(tenant.id, () =>
      markFailed(messages[0], {
        code: 'E_CAMPAIGN_CANCELLED',
        reason: 'the campaign was cancelled',
      })
    )
    const funnel = await readFunnel()

    assert.equal(funnel.failed, 0)
    assert.equal(funnel.cancelled, 1)
    assert.equal(funnel.sent, 1)
    assert.equal(funnel.queued, 2)
  })

  test('repeated events count once', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Reports')
    const { campaign, instance, messages } = await seedCampaignTraffic(tenant.id, [
      'read',
      'failed',
    ])
    const [read, failed] = messages

    await runInTenant(tenant.id, async () => {
      for (const status of ['sent', 'delivered', 'read'] as const) {
        await applyReceipt(instance.id, {
          providerMessageId: read.providerMessageId,
          status,
          at: new Date(),
        })
      }
    })
    for (const message of [read, failed]) {
      for (const event of ['message:sent', 'message:delivered', 'message:read'] as const) {
        await emitDomainEvent(event, {
          tenantId: tenant.id,
          messageId: message.id,
          contactId: message.contactId!,
          campaignId: campaign.id,
          instanceId: instance.id,
          providerMessageId: message.providerMessageId,
        })
      }
    }
    await emitDomainEvent('message:failed', {
      tenantId: tenant.id,
      messageId: failed.id,
      contactId: failed.contactId!,
      campaignId: campaign.id,
      instanceId: instance.id,
      providerMessageId: failed.providerMessageId,
      code: 'E_NOT_ON_WHATSAPP',
      reason: 'not on WhatsApp',
    })

    const response = await client
      .get(`/plugins/reports/campaigns/${campaign.id}/export?report=funnel`)
      .loginAs(owner)
    const funnel = funnelOf(response.text())
    assert.equal(funnel.sent, 1)
    assert.equal(funnel.delivered, 1)
    assert.equal(funnel.read, 1)
    assert.equal(funnel.failed, 1)
    assert.equal(funnel.queued, 2)
  })

  test('step failures count once by reason', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Reports')
    const { campaign, instance } = await seedCampaignTraffic(tenant.id, ['read', 'failed'])
    // A step that runs again after a crash emits its failure again.
    await emitStepFailure(campaign, instance.id)
    await emitStepFailure(campaign, instance.id)
    await emitStepFailure(campaign, instance.id, { step: 3, code: 'E_MADE_UP' })
    const url = (report: string) =>
      `/plugins/reports/campaigns/${campaign.id}/export?report=${report}`

    const funnelResponse = await client.get(url('funnel')).loginAs(owner)
    const funnel = funnelOf(funnelResponse.text())
    assert.equal(funnel.failed, 3)
    assert.equal(funnel.sent, 1)
    const failures = await client.get(url('failures')).loginAs(owner)
    failures.assertStatus(200)
    assert.equal(
      failures.text(),
      '\uFEFF' +
        [
          'Failure code,Reason,Failed',
          'E_MADE_UP,Other failure (E_MADE_UP),1',
          'E_NOT_ON_WHATSAPP,The number is not on WhatsApp.,1',
          'E_TEMPLATE_RENDER,"Not sent: the message could not be filled in for the contact, or its ' +
            'template no longer exists.",1',
          '',
        ].join('\r\n')
    )
    const nodes = await csvRows(client, url('nodes'), owner)
    assert.deepEqual(
      nodes.map((row) => [row.Step, row.Sent, row.Failed]),
      [
        ['ask', '1', '0'],
        ['remind', '0', '3'],
      ]
    )
    const instances = await csvRows(client, url('instances'), owner)
    assert.deepEqual(
      instances.map((row) => [row['Connection id'], row.Failed]),
      [[String(instance.id), '3']]
    )
  })

  test('delivered without sent counts both', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Reports')
    const { campaign, instance, messages } = await seedCampaignTraffic(tenant.id, ['queued'])
    await runInTenant(tenant.id, () =>
      applyReceipt(instance.id, {
        providerMessageId: messages[0].providerMessageId,
        status: 'delivered',
        at: new Date(),
      })
    )

    const response = await client
      .get(`/plugins/reports/campaigns/${campaign.id}/export?report=funnel`)
      .loginAs(owner)
    const funnel = funnelOf(response.text())
    assert.equal(funnel.sent, 1)
    assert.equal(funnel.delivered, 1)
  })

  test('per-node counts as JSON', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Reports')
    const { campaign } = await seedCampaignTraffic(tenant.id, ['read', 'failed', 'delivered'])

    const response = await client
      .get(`/plugins/reports/campaigns/${campaign.id}/nodes`)
      .accept('json')
      .loginAs(owner)
    response.assertStatus(200)
    const { campaignId, nodes } = response.body()
    assert.equal(campaignId, campaign.id)
    assert.deepEqual(Object.keys(nodes).sort(), ['ask', 'remind'])
    assert.equal(nodes.ask.sent, 2)
    assert.equal(nodes.ask.delivered, 2)
    assert.equal(nodes.ask.read, 1)
    assert.equal(nodes.remind.failed, 1)
    assert.equal(nodes.remind.sent, 0)
  })

  test('campaign CSV exports', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Reports')
    const { campaign, instance } = await seedCampaignTraffic(tenant.id, ['read', 'failed'])
    const url = (report: string) =>
      `/plugins/reports/campaigns/${campaign.id}/export?report=${report}`

    const funnel = await client.get(url('funnel')).loginAs(owner)
    assert.equal(funnel.header('content-type'), 'text/csv; charset=utf-8')
    assert.match(
      funnel.header('content-disposition')!,
      /attachment; filename="campaign-\d+-funnel-/
    )
    assert.equal(
      funnel.text(),
      '\uFEFF' +
        [
          'Stage,Count',
          'Enrolled,2',
          'Queued,2',
          'Sent,1',
          'Delivered,1',
          'Read,1',
          'Failed,1',
          'Cancelled,0',
          'Replied,0',
          'Opted out,0',
          'Received,0',
          '',
        ].join('\r\n')
    )

    const instances = await csvRows(client, url('instances'), owner)
    assert.deepEqual(instances, [
      {
        'Connection id': String(instance.id),
        'Connection': instance.name,
        'Queued': '2',
        'Sent': '1',
        'Delivered': '1',
        'Read': '1',
        'Failed': '1',
        'Cancelled': '0',
        'Replied': '0',
        'Opted out': '0',
        'Received': '0',
      },
    ])

    const hourly = await csvRows(client, url('hourly'), owner)
    assert.lengthOf(hourly, 1)
    assert.match(hourly[0]['Hour (UTC)']!, /^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$/)
    // The workspace's hour sits beside the UTC one, as the report's chart shows it.
    const utcHour = DateTime.fromISO(hourly[0]['Hour (UTC)']!, { zone: 'utc' })
    const { timezone } = await db.from('tenants').where('id', tenant.id).firstOrFail()
    assert.notEqual(timezone, 'UTC')
    const localHour = utcHour.setZone(timezone).toISO({ suppressMilliseconds: true })
    assert.equal(hourly[0][`Hour (${timezone})`], localHour)
    assert.equal(hourly[0].Sent, '1')

    const daily = await csvRows(client, url('daily'), owner)
    assert.lengthOf(daily, 1)
    assert.match(daily[0].Day!, /^\d{4}-\d\d-\d\d$/)

    const nodes = await csvRows(client, url('nodes'), owner)
    assert.deepEqual(
      nodes.map((row) => [row.Step, row.Sent, row.Failed]),
      [
        ['ask', '1', '0'],
        ['remind', '0', '1'],
      ]
    )

    const unknown = await client.get(url('everything')).accept('json').loginAs(owner)
    unknown.assertStatus(422)
  })

  test('overview sums campaigns of the tenant only', async ({ client, assert }) => {
    const alpha = await createTenantWithOwner('Alpha')
    const beta = await createTenantWithOwner('Beta')
    const first = await seedCampaignTraffic(alpha.tenant.id, ['read', 'failed'])
    const second = await seedCampaignTraffic(alpha.tenant.id, ['delivered'])
    await seedCampaignTraffic(beta.tenant.id, ['read', 'read', 'read'])

    const response = await client
      .get('/plugins/reports/campaigns/export?report=campaigns')
      .loginAs(alpha.owner)
    response.assertStatus(200)
    const rows = parseCsv(response.text())
    assert.deepEqual(
      rows.map((row) => [
        Number(row['Campaign id']),
        row.Enrolled,
        row.Sent,
        row.Delivered,
        row.Failed,
      ]),
      [
        [second.campaign.id, '1', '1', '1', '0'],
        [first.campaign.id, '2', '1', '1', '1'],
      ]
    )

    const instances = await csvRows(
      client,
      '/plugins/reports/campaigns/export?report=instances',
      alpha.owner
    )
    assert.sameMembers(
      instances.map((row) => Number(row['Connection id'])),
      [first.instance.id, second.instance.id]
    )
  })

  test('viewers read reports', async ({ client }) => {
    const { tenant } = await createTenantWithOwner('Reports')
    const { campaign } = await seedCampaignTraffic(tenant.id, ['read'])
    const { user } = await addMember(tenant.id, 'viewer')

    for (const url of [
      '/plugins/reports/campaigns',
      `/plugins/reports/campaigns/${campaign.id}`,
      `/plugins/reports/campaigns/${campaign.id}/nodes`,
      `/plugins/reports/campaigns/${campaign.id}/export?report=funnel`,
      '/plugins/reports/campaigns/export?report=daily',
    ]) {
      const response = await client.get(url).loginAs(user)
      response.assertStatus(200)
    }
  })

  test('core reports link opens the plugin', async ({ client }) => {
    const { owner } = await createTenantWithOwner('Reports')
    const response = await client.get('/reports').loginAs(owner).redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/plugins/reports/campaigns')
  })
})
