import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { useSqliteServer } from '#tests/helpers/sqlite_server'
import { signUp, type WebSession } from '#tests/helpers/web_session'
import { waitFor } from '#tests/helpers/channels'

/** Port of the server under test, apart from the suite's own and the other SQLite tests'. */
const PORT = Number(process.env.PORT ?? 3334) + 19
const BASE = `http://127.0.0.1:${PORT}`
const CONNECTION = 'sqlite_inbox'

/**
 * The embedded default keeps the inbox in the same SQLite file. This group
 * starts the web, worker and channels roles on that file, pairs a sandbox
 * number, and follows a contact's message into the inbox and an agent's reply out.
 */
test.group('SQLite inbox', (group) => {
  const { withServerOutput } = useSqliteServer(group, {
    name: 'inbox',
    port: PORT,
    roles: ['web', 'worker', 'channels'],
    connection: CONNECTION,
  })

  /** Creates, connects and pairs a sandbox instance through the pages. */
  async function pairSandbox(session: WebSession, tenantId: number) {
    const sqlite = db.connection(CONNECTION)
    await session.request('POST', '/connections', {
      name: 'SQLite sandbox',
      channel: 'sandbox',
      config: { deliveredDelayMs: 0, readDelayMs: 0 },
    })
    const instance = await sqlite.from('channel_instances').where('tenant_id', tenantId).first()
    await session.request('POST', `/connections/${instance.id}/connect`)
    const waiting = await waitFor(
      () => sqlite.from('channel_instances').where('id', instance.id).where('status', 'qr').first(),
      'the QR code',
      30_000
    )
    const pairing = JSON.parse(waiting.pairing)
    await session.json('POST', `/simulator/${instance.id}/scan`, { qr: pairing.qr })
    await waitFor(
      () =>
        sqlite.from('channel_instances').where('id', instance.id).where('status', 'open').first(),
      'the instance to open',
      30_000
    )
    return Number(instance.id)
  }

  test('reply reaches the inbox and the answer is read', async ({ assert }) => {
    const session = await signUp(BASE, `sqlite.inbox.${Date.now()}`)
    const sqlite = db.connection(CONNECTION)
    const owner = await sqlite.from('tenants').orderBy('id', 'desc').first()
    const instanceId = await pairSandbox(session, owner.id)
    const [contactId] = await sqlite.table('contacts').insert({
      tenant_id: owner.id,
      name: 'Olga Ramos',
      phone: '+5511987659999',
      timezone: 'America/Sao_Paulo',
      consent: 'opted_in',
      created_at: '2026-12-01 10:00:00',
    })

    await session.json('POST', `/simulator/${instanceId}/reply`, {
      contactId,
      text: 'Vocês entregam no sábado?',
    })
    const inbound = await waitFor(
      () => sqlite.from('messages').where('direction', 'in').where('contact_id', contactId).first(),
      'the inbound message',
      30_000
    )
    assert.isNotNull(inbound.conversation_id)

    const list = await session.json('GET', '/inbox/conversations?q=sábado')
    assert.deepEqual(
      list.conversations.map((row: { id: number }) => row.id),
      [inbound.conversation_id]
    )
    assert.equal(list.conversations[0].contactName, 'Olga Ramos')
    assert.equal(list.conversations[0].unreadCount, 1)

    const detail = await session.json('GET', `/inbox/${inbound.conversation_id}`)
    assert.equal(detail.messages[0].body, 'Vocês entregam no sábado?')
    const { message } = await session.json(
      'POST',
      `/inbox/${inbound.conversation_id}/messages`,
      { text: 'Entregamos, sim!' },
      201
    )
    const read = await withServerOutput(() =>
      waitFor(
        () => sqlite.from('messages').where('id', message.id).where('status', 'read').first(),
        'the answer to be read',
        30_000
      )
    )
    assert.isNotNull(read.sent_at)
    assert.isNotNull(read.delivered_at)
    const conversation = await sqlite
      .from('conversations')
      .where('id', inbound.conversation_id)
      .first()
    assert.equal(conversation.unread_count, 0)
    assert.equal(conversation.last_message_id, message.id)
  }).timeout(120_000)

  test('lid conversation merges into the phone', async ({ assert }) => {
    const session = await signUp(BASE, `sqlite.merge.${Date.now()}`)
    const sqlite = db.connection(CONNECTION)
    const owner = await sqlite.from('tenants').orderBy('id', 'desc').first()
    const instanceId = await pairSandbox(session, owner.id)
    const [contactId] = await sqlite.table('contacts').insert({
      tenant_id: owner.id,
      name: 'Rita Nunes',
      phone: '+5511987658888',
      timezone: 'America/Sao_Paulo',
      consent: 'opted_in',
      created_at: '2026-12-01 10:00:00',
    })
    const inboundOf = (text: string) =>
      waitFor(
        () =>
          sqlite
            .from('messages')
            .where('instance_id', instanceId)
            .where('body', text)
            .whereNotNull('conversation_id')
            .first(),
        `the inbound message "${text}"`,
        30_000
      )

    await session.json('POST', `/simulator/${instanceId}/reply`, {
      contactId,
      text: 'Só pelo lid',
      lid: 'only',
    })
    const fromLid = await inboundOf('Só pelo lid')
    await session.json('POST', `/simulator/${instanceId}/reply`, {
      contactId,
      text: 'Com o telefone',
      lid: 'with_phone',
    })
    const withPhone = await inboundOf('Com o telefone')

    assert.notEqual(withPhone.conversation_id, fromLid.conversation_id)
    const conversations = await sqlite.from('conversations').where('instance_id', instanceId)
    assert.lengthOf(conversations, 1)
    assert.equal(conversations[0].id, withPhone.conversation_id)
    assert.equal(conversations[0].contact_id, contactId)
    const detail = await session.json('GET', `/inbox/${withPhone.conversation_id}`)
    assert.deepEqual(
      detail.messages.map((message: { body: string }) => message.body),
      ['Só pelo lid', 'Com o telefone']
    )
  }).timeout(120_000)
})
