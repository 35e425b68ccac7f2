import { test } from '@japa/runner'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import { memoryCredentialStore } from '#sdk/testing'
import { whatsappChannel } from '../index.js'
import { SentMessageStore } from '../sent_messages.js'
import { LidContacts } from '../lid_contacts.js'
import { senderAddress } from '../sender_address.js'
import type { WhatsAppDriver } from '../whatsapp_driver.js'

const RECIPIENT = '+5511974440002'
const LID = '274440000000002@lid'

let nextInstanceId = 884_000 + (process.pid % 1_000) * 10

function newInstanceId() {
  nextInstanceId += 1
  return nextInstanceId
}

async function sentRows(instanceId: number) {
  return db.from('whatsapp_sent_messages').where('instance_id', instanceId).count('* as total')
}

async function lidRows(instanceId: number) {
  return db.from('whatsapp_lid_contacts').where('instance_id', instanceId).count('* as total')
}

test.group('WhatsApp stores without ownership', () => {
  test('sent message store rejects writes', async ({ assert }) => {
    const store = new SentMessageStore(newInstanceId())
    await store.record(
      '3EB0AA0000000000000001',
      '5511974440002@s.whatsapp.net',
      new Uint8Array([1])
    )
    store.guard = async () => false
    await assert.rejects(
      () =>
        store.record('3EB0AA0000000000000002', '5511974440002@s.whatsapp.net', new Uint8Array([2])),
      /WhatsApp sent message of instance \d+ not written: this process no longer owns the instance/
    )
    assert.isNotNull(await store.find('3EB0AA0000000000000001'))
    assert.isNull(await store.find('3EB0AA0000000000000002'))
    const [row] = await sentRows(store.instanceId)
    assert.equal(Number(row.total), 1)
  })

  test('lid mapping rejects writes', async ({ assert }) => {
    const lids = new LidContacts(newInstanceId())
    await lids.remember(LID, RECIPIENT)
    lids.guard = async () => false
    await assert.rejects(
      () => lids.remember(LID, '+5511974449999'),
      /WhatsApp lid mapping of instance \d+ not written: this process no longer owns the instance/
    )
    await assert.rejects(
      () => lids.remember('374440000000003@lid', '+5511974440003'),
      /no longer owns/
    )
    assert.equal(await lids.phoneOf(LID), RECIPIENT)
    assert.isNull(await lids.phoneOf('374440000000003@lid'))
    const [row] = await lidRows(lids.instanceId)
    assert.equal(Number(row.total), 1)
  })

  test('sender address still resolves without ownership', async ({ assert }) => {
    const lids = new LidContacts(newInstanceId())
    lids.guard = async () => false
    const sender = await senderAddress(LID, '5511974440002@s.whatsapp.net', { lids, socket: null })
    assert.equal(sender.from, RECIPIENT)
    assert.deepEqual(sender.aliases, [LID])
    assert.isNull(await lids.phoneOf(LID))
  })
})

test.group('WhatsApp driver after a lost lease', () => {
  const lease = { held: true }
  const driver = whatsappChannel.createDriver({
    instanceId: newInstanceId(),
    tenantId: 1,
    config: {},
    credentials: memoryCredentialStore(),
    logger: logger.child({ test: 'whatsapp-instance-owner' }),
    holdsLease: async () => lease.held,
  }) as WhatsAppDriver

  test('stores follow the lease', async ({ assert }) => {
    await driver.lids.remember('474440000000004@lid', '+5511974440004')
    await driver.sent.record(
      '3EB0AB0000000000000001',
      '5511974440004@s.whatsapp.net',
      new Uint8Array([1])
    )

    lease.held = false
    await assert.rejects(
      () => driver.lids.remember('574440000000005@lid', '+5511974440005'),
      /no longer owns the instance/
    )
    await assert.rejects(
      () =>
        driver.sent.record(
          '3EB0AB0000000000000002',
          '5511974440005@s.whatsapp.net',
          new Uint8Array([2])
        ),
      /no longer owns the instance/
    )
    lease.held = true
    assert.equal(await driver.lids.phoneOf('474440000000004@lid'), '+5511974440004')
    assert.isNull(await driver.lids.phoneOf('574440000000005@lid'))
    assert.isNotNull(await driver.sent.find('3EB0AB0000000000000001'))
    assert.isNull(await driver.sent.find('3EB0AB0000000000000002'))
  })
})
