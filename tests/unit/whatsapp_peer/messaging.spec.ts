import { test } from '@japa/runner'
import { jidNormalizedUser, proto } from '@whiskeysockets/baileys'
import {
  startWhatsAppPeer,
  trustPeerCertificate,
  type SimulatedContact,
  type WhatsAppPeer,
} from '#tests/support/whatsapp_peer/index'
import {
  connectBaileys,
  linkBaileys,
  type BaileysClient,
  type MemoryAuthStore,
} from '#tests/support/whatsapp_peer/baileys_client'

const Status = proto.WebMessageInfo.Status
const ACCOUNT_PHONE = '+5511999990001'
/** Registered before Brazil's ninth digit, so its JID has eight local digits. */
const OLD_NUMBER_JID = '551188887777@s.whatsapp.net'
const CONTACT_LID = '123456789012345@lid'

test.group('WhatsApp peer messaging', (group) => {
  let peer: WhatsAppPeer
  let contact: SimulatedContact
  let store: MemoryAuthStore
  let client: BaileysClient

  group.each.setup(async () => {
    trustPeerCertificate()
    peer = await startWhatsAppPeer()
    contact = peer.addContact({ phone: '+551188887777', lid: CONTACT_LID, name: 'Ana' })
    ;({ store, client } = await linkBaileys(peer, ACCOUNT_PHONE))
    return async () => {
      await client.end()
      await peer.close()
    }
  })

  test('resolves both ninth-digit forms', async ({ assert }) => {
    const withNinth = await client.socket.onWhatsApp('+5511988887777')
    const withoutNinth = await client.socket.onWhatsApp('+551188887777')
    const unknown = await client.socket.onWhatsApp('+5511977776666')

    assert.deepEqual(withNinth, [{ jid: OLD_NUMBER_JID, exists: true }])
    assert.deepEqual(withoutNinth, [{ jid: OLD_NUMBER_JID, exists: true }])
    assert.deepEqual(unknown, [])
  })

  test('delivers a text the contact decrypts', async ({ assert }) => {
    const sent = await client.socket.sendMessage(OLD_NUMBER_JID, {
      text: 'Olá Ana, seu pedido 42 saiu',
    })
    const [first] = await contact.waitForMessages(1)
    const second = await client.socket.sendMessage(OLD_NUMBER_JID, { text: 'segunda' })
    await contact.waitForMessages(2)

    assert.deepEqual(contact.received, ['Olá Ana, seu pedido 42 saiu', 'segunda'])
    assert.equal(first.id, sent?.key.id)
    assert.equal(first.type, 'pkmsg')
    assert.equal(first.from, client.jid)
    assert.equal(first.to, OLD_NUMBER_JID)
    assert.equal(contact.messages[1].id, second?.key.id)
    assert.equal(store.count('lid-mapping') >= 2, true)
    assert.deepEqual(peer.errors, [])
    assert.deepEqual(peer.unhandled, [])
  })

  test('sends to a lid address', async ({ assert }) => {
    const sent = await client.socket.sendMessage(CONTACT_LID, { text: 'pelo lid' })
    const [received] = await contact.waitForMessages(1)

    assert.equal(received.id, sent?.key.id)
    assert.equal(received.to, CONTACT_LID)
    assert.equal(received.text, 'pelo lid')
  })

  test('records typing before a send', async ({ assert }) => {
    await client.socket.sendPresenceUpdate('composing', OLD_NUMBER_JID)
    await client.socket.sendPresenceUpdate('paused', OLD_NUMBER_JID)
    await client.socket.sendMessage(OLD_NUMBER_JID, { text: 'depois de digitar' })
    await contact.waitForMessages(1)

    assert.deepEqual(contact.chatStates, ['composing', 'paused'])
  })

  test('moves status on delivered and read', async ({ assert }) => {
    const sent = await client.socket.sendMessage(OLD_NUMBER_JID, { text: 'status' })
    const id = sent!.key.id!
    await contact.waitForMessages(1)
    await client.waitForUpsert((upsert) => upsert.messages.some((message) => message.key.id === id))

    await contact.sendReceipt(id, 'delivered')
    const delivered = await client.waitForStatus(id, Status.DELIVERY_ACK)
    await contact.sendReceipt(id, 'read')
    const read = await client.waitForStatus(id, Status.READ)

    assert.equal(delivered.status, Status.DELIVERY_ACK)
    assert.equal(read.status, Status.READ)
    const update = client.messageUpdates.find(
      (candidate) => candidate.update.status === Status.READ
    )
    assert.equal(update?.key.remoteJid, OLD_NUMBER_JID)
    assert.isTrue(update?.key.fromMe)
  })

  test('sends automatic read receipts', async ({ assert }) => {
    const reader = peer.addContact({ phone: '+5511977775555', autoReceipt: 'read' })
    const sent = await client.socket.sendMessage(reader.jid, { text: 'lida sozinha' })

    const read = await client.waitForStatus(sent!.key.id!, Status.READ)

    assert.equal(read.status, Status.READ)
    assert.deepEqual(reader.received, ['lida sozinha'])
  })

  test('fails a send with error 463', async ({ assert }) => {
    contact.failMessagesWith(463)
    const sent = await client.socket.sendMessage(OLD_NUMBER_JID, { text: 'bloqueada' })
    const failed = await client.waitForStatus(sent!.key.id!, Status.ERROR)

    assert.equal(failed.messageStubParameters?.[0], '463')
    assert.deepEqual(contact.received, [])
  })

  test('receives a reply as notify', async ({ assert }) => {
    const id = await contact.sendText('SIM')
    const upsert = await client.waitForUpsert((candidate) =>
      candidate.messages.some((message) => message.key.id === id)
    )
    const [message] = upsert.messages

    assert.equal(upsert.type, 'notify')
    assert.equal(message.key.remoteJid, OLD_NUMBER_JID)
    assert.equal(message.key.remoteJidAlt, CONTACT_LID)
    assert.isFalse(message.key.fromMe)
    assert.equal(message.message?.conversation, 'SIM')
    assert.equal(message.pushName, 'Ana')
    await contact.waitForReceipt(id, 'inactive')
  })

  test('records the companion reading a reply', async ({ assert }) => {
    const id = await contact.sendText('pode ler')
    const upsert = await client.waitForUpsert((candidate) =>
      candidate.messages.some((message) => message.key.id === id)
    )

    await client.socket.readMessages([upsert.messages[0].key])
    await contact.waitForReceipt(id, 'read')

    assert.isTrue(
      contact.receipts.some((receipt) => receipt.id === id && receipt.from === client.jid)
    )
  })

  test('fails a send to an unknown number', async ({ assert }) => {
    const sent = await client.socket.sendMessage('5511900001111@s.whatsapp.net', {
      text: 'ninguém',
    })
    const failed = await client.waitForStatus(sent!.key.id!, Status.ERROR)

    assert.deepEqual(failed.messageStubParameters, ['404'])
  })

  test('receives a reply from the lid', async ({ assert }) => {
    const id = await contact.sendText('quero saber mais', { from: 'lid' })
    const upsert = await client.waitForUpsert((candidate) =>
      candidate.messages.some((message) => message.key.id === id)
    )
    const [message] = upsert.messages

    assert.equal(upsert.type, 'notify')
    assert.equal(message.key.remoteJid, CONTACT_LID)
    assert.equal(message.key.remoteJidAlt, OLD_NUMBER_JID)
    assert.equal(message.key.addressingMode, 'lid')
    assert.equal(message.message?.conversation, 'quero saber mais')
    const mapped = await client.socket.signalRepository.lidMapping.getPNForLID(CONTACT_LID)
    assert.equal(jidNormalizedUser(mapped ?? undefined), OLD_NUMBER_JID)
  })

  test('continues a session both ways', async ({ assert }) => {
    await client.socket.sendMessage(OLD_NUMBER_JID, { text: 'primeira' })
    await contact.waitForMessages(1)
    const replyId = await contact.sendText('resposta')
    await client.waitForUpsert((upsert) => upsert.messages.some((m) => m.key.id === replyId))

    await client.socket.sendMessage(OLD_NUMBER_JID, { text: 'depois da resposta' })
    const [, after] = await contact.waitForMessages(2)

    assert.equal(after.text, 'depois da resposta')
    assert.equal(after.type, 'msg')
  })

  test('asks again after losing its session', async ({ assert }) => {
    await client.socket.sendMessage(OLD_NUMBER_JID, { text: 'antes' })
    await contact.waitForMessages(1)
    contact.forgetSessions()

    const sent = await client.socket.sendMessage(OLD_NUMBER_JID, { text: 'depois' })
    const [, resent] = await contact.waitForMessages(2)

    assert.deepEqual(contact.received, ['antes', 'depois'])
    assert.equal(resent.id, sent?.key.id)
    assert.equal(contact.retries.get(resent.id), 1)
    assert.lengthOf(contact.decryptionErrors, 1)
    assert.lengthOf(contact.deliveries, 2)
  })

  test('resends a reply the companion cannot decrypt', async ({ assert }) => {
    await client.socket.sendMessage(OLD_NUMBER_JID, { text: 'oi' })
    await contact.waitForMessages(1)
    const firstReply = await contact.sendText('primeira resposta')
    await client.waitForUpsert((upsert) => upsert.messages.some((m) => m.key.id === firstReply))
    await client.end()
    store.deleteKeys('session')

    client = connectBaileys(peer, store)
    await client.waitForOpen()
    const id = await contact.sendText('segunda resposta')
    const upsert = await client.waitForUpsert((candidate) =>
      candidate.messages.some((message) => message.key.id === id && message.message?.conversation)
    )

    assert.equal(upsert.messages[0].message?.conversation, 'segunda resposta')
    assert.isTrue(contact.receipts.some((receipt) => receipt.id === id && receipt.type === 'retry'))
  })

  test('queues replies while offline', async ({ assert }) => {
    await client.end()
    const id = await contact.sendText('enquanto offline')

    client = connectBaileys(peer, store)
    await client.waitForOpen()
    const upsert = await client.waitForUpsert((candidate) =>
      candidate.messages.some((message) => message.key.id === id)
    )

    assert.equal(upsert.type, 'append')
    assert.equal(upsert.messages[0].message?.conversation, 'enquanto offline')
  })
})
