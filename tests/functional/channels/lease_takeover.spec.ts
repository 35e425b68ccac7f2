import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Tenant from '#models/tenant'
import Message from '#models/message'
import { runInTenant } from '#tenancy/tenant_context'
import { getQueue } from '#queues/queue_factory'
import { createRedisConnection } from '#queues/redis_connection'
import { leaseHolder } from '#services/channels/instance_lease'
import { createInstance, performAction, requestConnect } from '#services/channels/instance_service'
import { outboundQueueName } from '#services/channels/outbound_queue'
import { startAce, type RunningProcess } from '#tests/helpers/processes'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { queueMessage, waitFor, waitForStatus } from '#tests/helpers/channels'

const LEASE_ENV = { CHANNEL_LEASE_TTL_MS: '2000' }

async function startChannelsProcess(cleanup: (callback: () => void) => void) {
  const channels = startAce(['channels'], LEASE_ENV)
  cleanup(() => channels.child.kill('SIGKILL'))
  await channels.waitForOutput(/channels role started/)
  return channels
}

function ownedBy(process: RunningProcess) {
  return `:${process.child.pid}:`
}

test.group('Channel lease takeover', () => {
  test('a killed owner loses its instance', async ({ assert, cleanup }) => {
    const { tenant } = await createTenantWithOwner()
    const redis = createRedisConnection('test-leases')
    cleanup(async () => {
      await runInTenant(tenant.id, () => Message.query().delete())
      await Tenant.query().where('id', tenant.id).delete()
      await redis.quit()
    })
    const instance = await runInTenant(tenant.id, () =>
      createInstance({
        name: 'Takeover',
        channel: 'sandbox',
        config: { sentDelayMs: 150, deliveredDelayMs: 0, readDelayMs: 0 },
      })
    )
    cleanup(() => getQueue(outboundQueueName(instance.id)).obliterate({ force: true }))

    const first = await startChannelsProcess(cleanup)
    await runInTenant(tenant.id, () => requestConnect(instance))
    const pairing = await waitForStatus(tenant.id, instance.id, 'qr')
    await runInTenant(tenant.id, () =>
      performAction(instance, 'scan', { qr: (pairing.pairing as { qr: string }).qr })
    )
    await waitForStatus(tenant.id, instance.id, 'open')
    assert.include(await leaseHolder(redis, instance.id), ownedBy(first))

    const before = []
    for (let index = 0; index < 8; index++) {
      before.push(await queueMessage(instance, `+55119876500${10 + index}`))
    }
    await waitFor(async () => {
      const [{ total }] = await db
        .from('sandbox_sends')
        .where('instance_id', instance.id)
        .count('* as total')
      return Number(total) > 0
    }, 'the first owner to start sending')
    first.child.kill('SIGKILL')
    await first.waitForExit()

    const after = []
    for (let index = 0; index < 4; index++) {
      after.push(await queueMessage(instance, `+55119876501${10 + index}`))
    }
    const second = await startChannelsProcess(cleanup)
    await waitFor(async () => {
      const holder = await leaseHolder(redis, instance.id)
      return holder?.includes(ownedBy(second))
    }, 'the second process to take the lease')

    const messages = [...before, ...after]
    await waitFor(
      async () => {
        const rows = await runInTenant(tenant.id, () =>
          Message.query()
            .whereIn(
              'id',
              messages.map((message) => message.id)
            )
            .where('status', 'read')
        )
        return rows.length === messages.length
      },
      'every message to be read',
      60_000
    )
    const counts = await db
      .from('sandbox_sends')
      .where('instance_id', instance.id)
      .groupBy('provider_message_id')
      .select('provider_message_id')
      .count('* as total')
    assert.lengthOf(counts, messages.length)
    assert.isTrue(counts.every((row) => Number(row.total) === 1))
  }).timeout(120_000)
})
