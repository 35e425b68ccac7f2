import type { Socket } from 'node:net'
import { test } from '@japa/runner'
import {
  DISCONNECT_CODES,
  startWhatsAppPeer,
  trustPeerCertificate,
  type WhatsAppPeer,
} from '#tests/support/whatsapp_peer/index'
import {
  connectBaileys,
  linkBaileys,
  type BaileysClient,
} from '#tests/support/whatsapp_peer/baileys_client'

test.group('WhatsApp peer disconnects', (group) => {
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

  test('ends the socket with code {$self}')
    .with([...DISCONNECT_CODES])
    .run(async ({ assert }, code) => {
      const { client } = await linkBaileys(peer, `+55119999${code}01`)
      clients.push(client)

      await peer.disconnect(client.jid!, code)

      assert.equal(await client.waitForClose(), code)
    })

  test('rejects a removed device on login', async ({ assert }) => {
    const { store, client } = await linkBaileys(peer, '+5511999970001')
    clients.push(client)
    await peer.disconnect(client.jid!, 401)
    await client.waitForClose()

    const again = connectBaileys(peer, store)
    clients.push(again)

    assert.equal(await again.waitForClose(), 401)
    assert.equal(peer.account('+5511999970001').companions.size, 0)
  })

  test('replaces the older socket of a device', async ({ assert }) => {
    const { store, client } = await linkBaileys(peer, '+5511999970002')
    clients.push(client)

    const second = connectBaileys(peer, store)
    clients.push(second)
    await second.waitForOpen()

    assert.equal(await client.waitForClose(), 440)
    assert.isFalse(second.updates.some((update) => update.connection === 'close'))
  })

  test('reconnects after a restart request', async ({ assert }) => {
    const { store, client } = await linkBaileys(peer, '+5511999970003')
    clients.push(client)
    await peer.disconnect(client.jid!, 515)
    await client.waitForClose()

    const again = connectBaileys(peer, store)
    clients.push(again)
    await again.waitForOpen()

    assert.equal(again.jid, client.jid)
  })

  test('unlinks the companion on logout', async ({ assert }) => {
    const { client } = await linkBaileys(peer, '+5511999970004')
    clients.push(client)

    await client.socket.logout()

    assert.equal(await client.waitForClose(), 401)
    assert.equal(peer.account('+5511999970004').companions.size, 0)
  })

  test('survives a client that vanishes', async ({ assert }) => {
    const { store, client } = await linkBaileys(peer, '+5511999970005')
    clients.push(client)
    const transport = (client.socket.ws as unknown as { socket: { _socket: Socket } }).socket
    transport._socket.destroy()
    await client.waitForClose()

    const again = connectBaileys(peer, store)
    clients.push(again)
    await again.waitForOpen()

    assert.equal(again.jid, client.jid)
    assert.deepEqual(peer.errors.map(String), [])
  })

  test('rejects every login of a banned account', async ({ assert }) => {
    const { store, client } = await linkBaileys(peer, '+5511999970006')
    clients.push(client)

    await peer.ban('+5511999970006')
    assert.equal(await client.waitForClose(), 403)

    const again = connectBaileys(peer, store)
    clients.push(again)
    assert.equal(await again.waitForClose(), 403)

    peer.unban('+5511999970006')
    const unbanned = connectBaileys(peer, store)
    clients.push(unbanned)
    await unbanned.waitForOpen()
    assert.equal(unbanned.jid, client.jid)
  })

  test('rejects an unknown disconnect target', async ({ assert }) => {
    await assert.rejects(
      () => peer.disconnect('5511000000000:1@s.whatsapp.net', 500),
      /no companion is connected as 5511000000000:1@s.whatsapp.net/
    )
  })
})
