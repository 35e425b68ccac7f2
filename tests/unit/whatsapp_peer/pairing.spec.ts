import { test } from '@japa/runner'
import { Curve, proto } from '@whiskeysockets/baileys'
import {
  peerCertificate,
  startWhatsAppPeer,
  trustPeerCertificate,
  type WhatsAppPeer,
} from '#tests/support/whatsapp_peer/index'
import {
  buildCertificateChain,
  verifyCurveSignature,
} from '#tests/support/whatsapp_peer/certificate'
import {
  connectBaileys,
  linkBaileys,
  MemoryAuthStore,
  type BaileysClient,
} from '#tests/support/whatsapp_peer/baileys_client'

const PHONE = '+5511999990001'
/** Pre-keys Baileys 7.0.0-rc14 uploads when the server reports none (`INITIAL_PREKEY_COUNT`). */
const INITIAL_PREKEY_COUNT = 812
/** WhatsApp's own noise root key, as Baileys 7.0.0-rc14 ships it in `WA_CERT_DETAILS`. */
const WHATSAPP_ROOT_KEY = '142375574d0a587166aae71ebe516437c4a28b73e3695c6ce1f7f9545da8ee6b'

test.group('WhatsApp peer pairing', (group) => {
  let peer: WhatsAppPeer
  const clients: BaileysClient[] = []

  group.setup(async () => {
    trustPeerCertificate()
    peer = await startWhatsAppPeer()
    return () => peer.close()
  })
  group.each.teardown(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end()))
  })

  test('emits a QR with the client keys', async ({ assert }) => {
    const store = new MemoryAuthStore()
    const client = connectBaileys(peer, store)
    clients.push(client)

    const qr = await client.waitForQr()
    const [ref, noiseKey, identityKey, advSecret] = qr.split('#')[1].split(',')
    const creds = store.creds

    assert.match(ref, /^2@/)
    assert.equal(noiseKey, Buffer.from(creds.noiseKey.public).toString('base64'))
    assert.equal(identityKey, Buffer.from(creds.signedIdentityKey.public).toString('base64'))
    assert.equal(advSecret, creds.advSecretKey)
  })

  test('signs its certificate chain with the test root', ({ assert }) => {
    const staticKey = Curve.generateKeyPair().public
    const chain = proto.CertChain.decode(buildCertificateChain(staticKey))
    const intermediate = chain.intermediate!
    const leaf = chain.leaf!
    const intermediateDetails = proto.CertChain.NoiseCertificate.Details.decode(
      intermediate.details!
    )
    const leafDetails = proto.CertChain.NoiseCertificate.Details.decode(leaf.details!)
    const whatsappRoot = Buffer.from(WHATSAPP_ROOT_KEY, 'hex')

    assert.isTrue(
      verifyCurveSignature(
        peerCertificate.PUBLIC_KEY,
        intermediate.details!,
        intermediate.signature!
      )
    )
    assert.isFalse(
      verifyCurveSignature(whatsappRoot, intermediate.details!, intermediate.signature!)
    )
    assert.isTrue(verifyCurveSignature(intermediateDetails.key!, leaf.details!, leaf.signature!))
    assert.equal(intermediateDetails.issuerSerial, peerCertificate.SERIAL)
    assert.deepEqual(Buffer.from(leafDetails.key!), Buffer.from(staticKey))
  })

  test('links by QR, restarts on 515 and opens', async ({ assert }) => {
    const store = new MemoryAuthStore()
    const pairing = connectBaileys(peer, store)
    clients.push(pairing)
    const qr = await pairing.waitForQr()
    const restart = pairing.waitForClose()

    const linked = await peer.scanQr(qr, { phone: PHONE })

    assert.equal(await restart, 515)
    assert.equal(store.creds.me?.id, linked.jid)
    assert.equal(store.creds.me?.lid, linked.lid)
    assert.equal(store.creds.platform, 'android')
    assert.exists(store.creds.account?.accountSignatureKey)

    const client = connectBaileys(peer, store)
    clients.push(client)
    await client.waitForOpen()
    await client.waitForInitialSync()
    const companion = peer.account(PHONE).companions.get(1)!

    assert.equal(client.jid, linked.jid)
    assert.equal(store.creds.me?.lid, companion.lid)
    // The phone's history sync notification is a pkmsg that used one uploaded pre-key.
    assert.equal(companion.preKeys.size, INITIAL_PREKEY_COUNT - 1)
    assert.equal(store.count('pre-key'), INITIAL_PREKEY_COUNT - 1)
    assert.equal(store.count('lid-mapping') > 0, true)
    assert.deepEqual(peer.unhandled, [])
    assert.deepEqual(peer.errors, [])
  })

  test('logs in again with saved creds and no QR', async ({ assert }) => {
    const { store, client } = await linkBaileys(peer, '+5511999990002')
    await client.end()

    const again = connectBaileys(peer, store)
    clients.push(again)
    await again.waitForOpen()

    assert.isFalse(again.updates.some((update) => update.qr))
    assert.equal(again.jid, store.creds.me?.id)
    assert.equal(store.creds.accountSyncCounter, 1)
  })

  test('links by pairing code', async ({ assert }) => {
    const store = new MemoryAuthStore()
    const pairing = connectBaileys(peer, store)
    clients.push(pairing)
    await pairing.waitForQr()
    const code = await pairing.socket.requestPairingCode('5511999990003')
    const restart = pairing.waitForClose()

    const linked = await peer.enterPairingCode(code)

    assert.equal(await restart, 515)
    assert.equal(linked.jid, '5511999990003:1@s.whatsapp.net')
    assert.equal(store.creds.me?.id, linked.jid)
    const client = connectBaileys(peer, store)
    clients.push(client)
    await client.waitForOpen()
    assert.equal(client.jid, linked.jid)
  })

  test('rejects a wrong pairing code', async ({ assert }) => {
    const pairing = connectBaileys(peer, new MemoryAuthStore())
    clients.push(pairing)
    await pairing.waitForQr()
    const code = await pairing.socket.requestPairingCode('5511999990004')
    const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`

    await assert.rejects(() => peer.enterPairingCode(wrong), /does not match/)
  })

  test('ends pairing when the QR refs run out', async ({ assert }) => {
    const shortPeer = await startWhatsAppPeer({ qrRefs: 2 })
    try {
      const client = connectBaileys(shortPeer, new MemoryAuthStore(), { qrTimeout: 100 })
      clients.push(client)

      assert.equal(await client.waitForClose(), 408)
      assert.lengthOf(
        client.updates.filter((update) => update.qr),
        2
      )
    } finally {
      await shortPeer.close()
    }
  })

  test('rejects a scan of an unknown QR', async ({ assert }) => {
    await assert.rejects(
      () => peer.scanQr('https://wa.me/settings/linked_devices#2@nope,a,b,c,d', { phone: PHONE }),
      /belongs to no open pairing connection/
    )
  })
})
