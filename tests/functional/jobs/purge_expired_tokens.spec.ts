import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import logger from '@adonisjs/core/services/logger'
import type { Job } from 'bullmq'
import PasswordResetToken from '#models/password_reset_token'
import Invitation from '#models/invitation'
import purgeExpiredTokens from '#jobs/purge_expired_tokens_job'
import { WorkerRole } from '#processes/worker_role'
import { getQueue } from '#queues/queue_factory'
import { runAsSystem, runInTenant } from '#tenancy/tenant_context'
import { generateToken } from '#services/secure_token'
import { createTenantWithOwner } from '#tests/helpers/accounts'

test.group('Maintenance purge', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('deletes expired tokens and keeps live ones', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const past = DateTime.utc().minus({ hours: 1 })
    const future = DateTime.utc().plus({ hours: 1 })
    const expired = await PasswordResetToken.create({
      userId: owner.id,
      tokenHash: generateToken().hash,
      expiresAt: past,
    })
    const live = await PasswordResetToken.create({
      userId: owner.id,
      tokenHash: generateToken().hash,
      expiresAt: future,
    })
    await runInTenant(tenant.id, async () => {
      await Invitation.create({
        email: 'old@example.com',
        role: 'agent',
        tokenHash: generateToken().hash,
        expiresAt: past,
      })
      await Invitation.create({
        email: 'new@example.com',
        role: 'agent',
        tokenHash: generateToken().hash,
        expiresAt: future,
      })
    })

    const result = await purgeExpiredTokens.handle({} as Job)

    assert.deepEqual(result, { tokens: 1, invitations: 1 })
    assert.isNull(await PasswordResetToken.find(expired.id))
    assert.isNotNull(await PasswordResetToken.find(live.id))
    const invitations = await runAsSystem(() => Invitation.query().where('tenant_id', tenant.id))
    assert.deepEqual(
      invitations.map((invitation) => invitation.email),
      ['new@example.com']
    )
  })

  test('worker role schedules it hourly', async ({ assert, cleanup }) => {
    const role = new WorkerRole(logger, 5000)
    await role.start()
    cleanup(() => role.stop())

    const schedulers = await getQueue('maintenance').getJobSchedulers()
    const purge = schedulers.find((scheduler) => scheduler.key === 'purge-expired-tokens')
    assert.exists(purge)
    assert.equal(Number(purge!.every), 60 * 60 * 1000)
  })
})
