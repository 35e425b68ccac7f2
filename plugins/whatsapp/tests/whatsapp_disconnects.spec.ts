import { test } from '@japa/runner'
import logger from '@adonisjs/core/services/logger'
import { memoryCredentialStore } from '#sdk/testing'
import type { AccountHealthEvent, ChannelStatusEvent } from '#sdk'
import type { DisconnectCode, WhatsAppPeer } from '#tests/support/whatsapp_peer/index'
import { whatsappChannel } from '../index.js'
import type { WhatsAppDriver } from '../whatsapp_driver.js'
import { eventually, startLoopbackPeer } from './support/loopback.js'

const ACCOUNT = '+5511972220001'
const INSTANCE_ID = 880_001

/** A driver on the peer with its events recorded, and a lease answer the test controls. */
function makeDriver() {
  const statuses: ChannelStatusEvent[] = []
  const health: AccountHealthEvent[] = []
  const credentials = memoryCredentialStore()
  const lease = { held: true }
  const driver = whatsappChannel.createDriver({
    instanceId: INSTANCE_ID,
    tenantId: 1,
    config: { reconnectBaseMs: 50, reconnectMaxMs: 400, replacedDelayMs: 300 },
    credentials,
    logger: logger.child({ test: 'whatsapp-disconnects' }),
    holdsLease: async () => lease.held,
  }) as WhatsAppDriver
  driver.on('status', (event) => statuses.push(event))
  driver.on('health', (event) => health.push(event))
  return { driver, statuses, health, credentials, lease }
}

type Session = ReturnType<typeof makeDriver>

function statusesSince(session: Session, since: number) {
  return session.statuses.slice(since).map((event) => event.status)
}

async function waitForStatus(session: Session, status: string, since: number) {
  return eventually(
    () => session.statuses.slice(since).find((event) => event.status === status),
    `status "${status}" (seen: ${statusesSince(session, since).join(' > ')})`
  )
}

/** Sends the server stanza of `code` to the linked device. Returns the index of the next status. */
async function disconnectWith(peer: WhatsAppPeer, session: Session, code: DisconnectCode) {
  const since = session.statuses.length
  await peer.disconnect(session.driver.socket!.creds.me!.id, code)
  return since
}

async function connectAgain(session: Session) {
  const since = session.statuses.length
  await session.driver.connect()
  await waitForStatus(session, 'open', since)
}

test.group('WhatsApp disconnect reasons', (group) => {
  let peer: WhatsAppPeer
  let session: Session

  group.setup(async () => {
    peer = await startLoopbackPeer()
    session = makeDriver()
    await session.driver.connect()
    const qr = await waitForStatus(session, 'qr', 0)
    await peer.scanQr((qr.pairing as { qr: string }).qr, { phone: ACCOUNT })
    await waitForStatus(session, 'open', 0)
    return async () => {
      await session.driver.disconnect()
      await peer.close()
    }
  })

  test('restart required reconnects at once', async ({ assert }) => {
    const since = await disconnectWith(peer, session, 515)
    await waitForStatus(session, 'open', since)
    const seen = statusesSince(session, since)
    assert.notInclude(seen, 'reconnecting')
    assert.include(seen, 'connecting')
    const connecting = session.statuses.slice(since).find((event) => event.status === 'connecting')
    assert.include(connecting?.reason, '515')
  })

  // Each drop comes within a minute of `open`, so the session counts as
  // flapping and every attempt waits twice as long as the one before.
  for (const [index, code] of ([428, 408, 500, 503] as const).entries()) {
    test(`code ${code} reconnects after a longer backoff`, async ({ assert }) => {
      const since = await disconnectWith(peer, session, code)
      const reconnecting = await waitForStatus(session, 'reconnecting', since)
      const attempt = index + 1
      const ceiling = 50 * 2 ** index
      assert.equal(reconnecting.attempt, attempt)
      assert.isAtLeast(reconnecting.retryInMs!, ceiling / 2)
      assert.isAtMost(reconnecting.retryInMs!, ceiling)
      await waitForStatus(session, 'open', since)
    })
  }

  test('replaced session checks the lease, then backs off', async ({ assert }) => {
    const since = await disconnectWith(peer, session, 440)
    const reconnecting = await waitForStatus(session, 'reconnecting', since)
    assert.include(reconnecting.reason, 'replaced')
    assert.isAtLeast(reconnecting.retryInMs!, 300)
    await waitForStatus(session, 'open', since)
  })

  test('replaced session without the lease stops', async ({ assert }) => {
    session.lease.held = false
    const since = await disconnectWith(peer, session, 440)
    const closed = await waitForStatus(session, 'closed', since)
    session.lease.held = true
    assert.include(closed.reason, 'another process owns the instance')
    assert.notInclude(statusesSince(session, since), 'reconnecting')
    await connectAgain(session)
  })

  for (const code of [403, 405, 411] as const) {
    test(`code ${code} stops and alerts`, async ({ assert }) => {
      const healthBefore = session.health.length
      const since = await disconnectWith(peer, session, code)
      const restricted = await waitForStatus(session, 'restricted', since)
      assert.include(restricted.reason, String(code))
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.deepEqual(statusesSince(session, since), ['restricted'])
      const alerts = session.health.slice(healthBefore)
      assert.lengthOf(alerts, code === 403 ? 1 : 0)
      if (code === 403) {
        assert.equal(alerts[0].state, 'restricted')
        assert.equal(alerts[0].code, 'E_WHATSAPP_FORBIDDEN')
      }
      await connectAgain(session)
    })
  }

  test('logged out wipes creds and stops', async ({ assert }) => {
    const counts = await session.driver.auth.counts()
    assert.equal(counts.creds, 1)
    assert.isNotNull(session.credentials.value)

    const since = await disconnectWith(peer, session, 401)
    const loggedOut = await waitForStatus(session, 'logged_out', since)
    assert.include(loggedOut.reason, '401')
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.deepEqual(statusesSince(session, since), ['logged_out'])
    assert.deepEqual(await session.driver.auth.counts(), {})
    assert.isNull(session.credentials.value)

    const again = session.statuses.length
    await session.driver.connect()
    await waitForStatus(session, 'qr', again)
  })
})
