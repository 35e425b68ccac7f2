import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { DASHBOARD_DAYS, messageDays } from '#services/dashboard/dashboard_figures'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { createCampaign } from '#tests/helpers/campaigns'

let sequence = 0

/** Creates a tenant in `timeZone` with one sandbox instance. */
async function tenantWithInstance(timeZone: string, status = 'open') {
  const { tenant, owner } = await createTenantWithOwner()
  tenant.timezone = timeZone
  await tenant.save()
  const instance = await runInTenant(tenant.id, () =>
    ChannelInstance.create({ name: 'Vendas', channel: 'sandbox', status: status as never })
  )
  return { tenant, owner, instance }
}

/** Stores a message of `direction` and `status` created at `createdAt` (UTC, `yyyy-MM-dd HH:mm:ss`). */
async function storeMessage(
  instance: ChannelInstance,
  direction: 'in' | 'out',
  status: string,
  createdAt: string,
  failureCode: string | null = null
) {
  sequence += 1
  await db.table('messages').insert({
    tenant_id: instance.tenantId,
    instance_id: instance.id,
    direction,
    status,
    provider_message_id: `dashboard-${Date.now()}-${sequence}`,
    address: '+5511987650000',
    body: 'Olá',
    failure_code: failureCode,
    created_at: createdAt,
    updated_at: createdAt,
  })
}

test.group('Dashboard figures', () => {
  test('counts each day in the tenant zone', async ({ assert }) => {
    const { tenant, instance } = await tenantWithInstance('America/Sao_Paulo')
    const other = await tenantWithInstance('America/Sao_Paulo')
    // 02:00 UTC is 23:00 of the day before in São Paulo.
    await storeMessage(instance, 'out', 'read', '2026-03-10 02:00:00')
    await storeMessage(instance, 'out', 'delivered', '2026-03-10 03:30:00')
    await storeMessage(instance, 'out', 'failed', '2026-03-10 10:00:00')
    await storeMessage(instance, 'out', 'queued', '2026-03-10 10:05:00')
    await storeMessage(instance, 'out', 'failed', '2026-03-10 10:06:00', 'E_CAMPAIGN_CANCELLED')
    await storeMessage(instance, 'in', 'received', '2026-03-10 11:00:00')
    await storeMessage(instance, 'out', 'sent', '2026-02-20 12:00:00')
    await storeMessage(other.instance, 'out', 'sent', '2026-03-10 11:00:00')

    const days = await messageDays(tenant.id, tenant.timezone, DateTime.utc(2026, 3, 10, 12))

    assert.lengthOf(days, DASHBOARD_DAYS)
    assert.equal(days[0].date, '2026-02-25')
    const yesterday = days[DASHBOARD_DAYS - 2]
    const today = days[DASHBOARD_DAYS - 1]
    assert.deepEqual(yesterday, {
      date: '2026-03-09',
      queued: 1,
      sent: 1,
      delivered: 1,
      read: 1,
      failed: 0,
      replies: 0,
    })
    assert.deepEqual(today, {
      date: '2026-03-10',
      queued: 4,
      sent: 1,
      delivered: 1,
      read: 0,
      failed: 1,
      replies: 1,
    })
    const earlier = days.slice(0, DASHBOARD_DAYS - 2)
    assert.isTrue(earlier.every((day) => day.queued === 0 && day.replies === 0))
  })

  test('splits days at a quarter-hour offset', async ({ assert }) => {
    const { tenant, instance } = await tenantWithInstance('Asia/Kathmandu')
    // Kathmandu is UTC+05:45: 18:14 UTC is 23:59 there, 18:15 UTC is midnight.
    await storeMessage(instance, 'out', 'sent', '2026-03-09 18:14:00')
    await storeMessage(instance, 'out', 'sent', '2026-03-09 18:15:00')

    const days = await messageDays(tenant.id, tenant.timezone, DateTime.utc(2026, 3, 10, 6))

    assert.equal(days[DASHBOARD_DAYS - 2].date, '2026-03-09')
    assert.equal(days[DASHBOARD_DAYS - 2].sent, 1)
    assert.equal(days[DASHBOARD_DAYS - 1].date, '2026-03-10')
    assert.equal(days[DASHBOARD_DAYS - 1].sent, 1)
  })

  test('page lists campaigns, connections and unread', async ({ client, assert }) => {
    const { tenant, owner, instance } = await tenantWithInstance('America/Sao_Paulo')
    await runInTenant(tenant.id, () =>
      ChannelInstance.create({ name: 'Suporte', channel: 'sandbox', status: 'closed' })
    )
    const running = await createCampaign(tenant.id, { state: 'running' })
    const draft = await createCampaign(tenant.id)
    await db.table('conversations').insert({
      tenant_id: tenant.id,
      instance_id: instance.id,
      address: '+5511987650000',
      unread_count: 2,
      created_at: '2026-03-10 10:00:00',
      updated_at: '2026-03-10 10:00:00',
    })
    await storeMessage(instance, 'out', 'read', DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss'))

    const page = await client.get('/').headers(INERTIA_HEADERS).loginAs(owner)

    page.assertStatus(200)
    const props = page.body().props
    assert.lengthOf(props.days, DASHBOARD_DAYS)
    assert.equal(props.days[DASHBOARD_DAYS - 1].read, 1)
    assert.deepEqual(
      props.campaigns.map((campaign: { id: number }) => campaign.id),
      [running.id]
    )
    assert.notInclude(
      props.campaigns.map((campaign: { id: number }) => campaign.id),
      draft.id
    )
    assert.deepEqual(
      props.connections.map((connection: { name: string; status: string }) => [
        connection.name,
        connection.status,
      ]),
      [
        ['Suporte', 'closed'],
        ['Vendas', 'open'],
      ]
    )
    assert.deepEqual(props.unread, { conversations: 1, messages: 2 })
  })
})
