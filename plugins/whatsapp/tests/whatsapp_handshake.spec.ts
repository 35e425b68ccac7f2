import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import { Logger } from '@adonisjs/core/logger'
import { Curve } from '@whiskeysockets/baileys'
import { memoryCredentialStore } from '#sdk/testing'
import type { ChannelStatusEvent } from '#sdk'
import type { CertificateChainKind } from '#tests/support/whatsapp_peer/certificate'
import type { WhatsAppPeer } from '#tests/support/whatsapp_peer/index'
import { whatsappChannel } from '../index.js'
import { verifyCurveSignature } from '../baileys_adapter.js'
import type { WhatsAppDriver } from '../whatsapp_driver.js'
import { eventually, startLoopbackPeer } from './support/loopback.js'

const ACCOUNT = '+5511973330001'
let nextInstanceId = 883_000

/** Creates a driver that records its statuses and log lines, so a test can read why a socket closed. */
function makeDriver() {
  const statuses: ChannelStatusEvent[] = []
  const logLines: Record<string, unknown>[] = []
  const logger = new Logger({
    enabled: true,
    name: 'whatsapp-handshake',
    level: 'debug',
    destination: { write: (line: string) => logLines.push(JSON.parse(line)) },
  })
  nextInstanceId += 1
  const driver = whatsappChannel.createDriver({
    instanceId: nextInstanceId,
    tenantId: 1,
    config: { reconnectBaseMs: 50, reconnectMaxMs: 200 },
    credentials: memoryCredentialStore(),
    logger,
    holdsLease: async () => true,
  }) as WhatsAppDriver
  driver.on('status', (event) => statuses.push(event))
  return { driver, statuses, logLines }
}

type Session = ReturnType<typeof makeDriver>

/** Returns the messages of the `whatsapp socket closed` log lines, in order. */
function closeMessages(session: Session) {
  return session.logLines
    .filter((line) => line.msg === 'whatsapp socket closed')
    .map((line) => String(line.message))
}

/** Connects a fresh driver to the running peer and stops it after its first socket close. */
async function connectUntilClosed() {
  const session = makeDriver()
  await session.driver.connect()
  await eventually(() => closeMessages(session).length > 0, 'a socket close')
  await session.driver.disconnect()
  return session
}

async function withPeer<T>(chain: CertificateChainKind, run: (peer: WhatsAppPeer) => Promise<T>) {
  const peer = await startLoopbackPeer({ certificateChain: chain })
  try {
    return await run(peer)
  } finally {
    await peer.close()
  }
}

/** Checks the first close was a certificate failure, retried with a backoff, and nothing paired. */
function assertRejected(assert: Assert, session: Session, expectedMessage: string) {
  const close = session.logLines.find((line) => line.msg === 'whatsapp socket closed')!
  assert.include(String(close.message), expectedMessage)
  assert.equal(close.statusCode, 400)
  assert.equal(close.action, 'back_off')
  assertNotPaired(assert, session)
}

function assertNotPaired(assert: Assert, session: Session) {
  const seen = session.statuses.map((event) => event.status)
  assert.notInclude(seen, 'qr')
  assert.notInclude(seen, 'open')
  assert.isUndefined(session.driver.socket?.creds.me)
}

test.group('WhatsApp signature check', () => {
  test('Baileys Curve.verify rejects a bad signature', ({ assert }) => {
    const keys = Curve.generateKeyPair()
    const message = Buffer.from('noise certificate details')
    const signature = Buffer.from(Curve.sign(keys.private, message))
    assert.isTrue(Curve.verify(keys.public, message, signature))

    const tampered = Buffer.from(signature)
    tampered[0] ^= 0x01
    assert.isFalse(Curve.verify(keys.public, message, tampered))
    assert.isFalse(Curve.verify(Curve.generateKeyPair().public, message, signature))
    assert.isFalse(Curve.verify(keys.public, Buffer.from('other details'), signature))
  })

  test('malformed key or signature is rejected', ({ assert }) => {
    const keys = Curve.generateKeyPair()
    const message = Buffer.from('details')
    const signature = Buffer.from(Curve.sign(keys.private, message))
    assert.isFalse(verifyCurveSignature(keys.public.subarray(0, 31), message, signature))
    assert.isFalse(verifyCurveSignature(keys.public, message, signature.subarray(0, 63)))
  })
})

test.group('WhatsApp handshake certificate', () => {
  test('chain from an untrusted root is rejected', async ({ assert }) => {
    const session = await withPeer('untrusted-root', () => connectUntilClosed())
    assertRejected(assert, session, 'noise intermediate certificate signature invalid')
  })

  test('chain without a trusted test root is rejected', async ({ assert }) => {
    const session = await withPeer('valid', () => {
      // WhatsApp's own root is trusted when the test root setting is unset.
      delete process.env.WHATSAPP_TEST_ROOT_PUBLIC_KEY
      delete process.env.WHATSAPP_TEST_ROOT_SERIAL
      return connectUntilClosed()
    })
    assertRejected(assert, session, 'noise intermediate certificate signature invalid')
  })

  test('tampered leaf signature is rejected', async ({ assert }) => {
    const session = await withPeer('tampered-leaf', () => connectUntilClosed())
    assertRejected(assert, session, 'noise certificate signature invalid')
  })

  test('chain from the test root pairs', async ({ assert }) => {
    await withPeer('valid', async (peer) => {
      const session = makeDriver()
      await session.driver.connect()
      const qr = await eventually(
        () => session.statuses.find((event) => event.status === 'qr'),
        'a QR code'
      )
      await peer.scanQr((qr.pairing as { qr: string }).qr, { phone: ACCOUNT })
      await eventually(() => session.statuses.find((event) => event.status === 'open'), 'open')
      assert.equal(session.driver.socket?.creds.me?.id.split(':')[0], ACCOUNT.slice(1))
      assert.deepEqual(
        closeMessages(session).filter((message) => message.includes('certificate')),
        []
      )
      await session.driver.disconnect()
    })
  })
})
