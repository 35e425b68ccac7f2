import { test } from '@japa/runner'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import env from '#start/env'
import { closeQueues } from '#queues/queue_factory'
import { closeRedisConnections } from '#queues/redis_connection'
import { closeControl } from '#services/channels/channel_control'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { pairedSandbox, sandboxSendCount, waitFor } from '#tests/helpers/channels'
import { startAce, type RunningProcess } from '#tests/helpers/processes'
import {
  assertSentOnceEach,
  oneSendAudienceCampaign,
  startCampaign,
  waitForCampaignState,
} from '#tests/helpers/engine'

const AUDIENCE = 600
/** Port of the Redis server this test starts and restarts, apart from the shared one. */
const REDIS_PORT = 6396

/**
 * A Redis server of this test alone, with every write appended and synced
 * to disk before it is acknowledged, so a restart loses nothing that was
 * acknowledged.
 */
class PrivateRedis {
  #process: ChildProcess | null = null
  readonly folder = join(tmpdir(), `disparador-redis-restart-${process.pid}`)
  readonly url = `redis://127.0.0.1:${REDIS_PORT}/0`

  async start() {
    await mkdir(this.folder, { recursive: true })
    const args = ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '']
    args.push('--appendonly', 'yes', '--appendfsync', 'always')
    args.push('--dir', this.folder, '--daemonize', 'no')
    this.#process = spawn('redis-server', args, { stdio: 'ignore' })
    await waitFor(() => this.#answers(), `redis-server on port ${REDIS_PORT}`, 10_000)
  }

  /** Kills the server by its pid, as a crash would, and waits for it to exit. */
  async kill() {
    const child = this.#process
    if (!child || child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
    this.#process = null
  }

  async #answers() {
    const probe = new Redis({ port: REDIS_PORT, host: '127.0.0.1', lazyConnect: true })
    probe.on('error', () => undefined)
    try {
      await probe.connect()
      return (await probe.ping()) === 'PONG'
    } catch {
      return false
    } finally {
      probe.disconnect()
    }
  }

  async remove() {
    await this.kill()
    await rm(this.folder, { recursive: true, force: true })
  }
}

/**
 * Closes this process's Redis users, so the next use connects to the
 * current REDIS_URL. Each module that keeps a connection is closed through
 * its own close function first, so it opens a new one on its next use.
 */
async function reconnectRedis() {
  await closeControl()
  await closeQueues()
  await closeRedisConnections()
}

test.group('Engine Redis restart', (group) => {
  const redis = new PrivateRedis()
  const sharedUrl = env.get('REDIS_URL')
  group.setup(async () => {
    await redis.start()
    env.set('REDIS_URL', redis.url)
    await reconnectRedis()
    return async () => {
      if (sharedUrl) env.set('REDIS_URL', sharedUrl)
      await reconnectRedis()
      await redis.remove()
    }
  })

  test('Redis restart mid-campaign loses and repeats nothing', async ({ assert, cleanup }) => {
    const running: RunningProcess[] = []
    cleanup(() => running.forEach((child) => child.child.kill('SIGKILL')))
    const roles = { REDIS_URL: redis.url, CHANNEL_LEASE_TTL_MS: '3000' }
    for (const role of ['worker', 'channels']) {
      const child = startAce([role], roles)
      running.push(child)
      await child.waitForOutput(new RegExp(`${role} role started`), 60_000)
    }

    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const campaign = await oneSendAudienceCampaign({
      tenantId: tenant.id,
      userId: owner.id,
      instanceId: instance.id,
      audience: AUDIENCE,
      area: 27,
      text: 'Olá {{name|você}}',
    })

    await startCampaign(campaign, owner.id)
    await waitFor(
      async () => (await sandboxSendCount(instance.id)) >= 100,
      'the first sends',
      60_000
    )
    await redis.kill()
    const sentAtCrash = await sandboxSendCount(instance.id)
    assert.isBelow(sentAtCrash, AUDIENCE, 'the campaign ended before the restart')
    await new Promise((resolve) => setTimeout(resolve, 2000))
    await redis.start()

    await waitForCampaignState(campaign, 'finished', 150_000)
    await assertSentOnceEach(assert, campaign, instance.id, AUDIENCE)
  }).timeout(240_000)
})
