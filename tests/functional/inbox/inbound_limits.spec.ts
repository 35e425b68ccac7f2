import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import ChannelInstance from '#models/channel_instance'
import Conversation from '#models/conversation'
import Message from '#models/message'
import { runInTenant } from '#tenancy/tenant_context'
import { storeInbound } from '#services/channels/message_service'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { uniqueMobile } from '#tests/helpers/inbox'

let sequence = 0

/** Stores one inbound message from a new sender on a fresh sandbox instance. */
async function receive(fields: { fromName?: string | null; text?: string | null }) {
  const { tenant } = await createTenantWithOwner()
  return runInTenant(tenant.id, async () => {
    const instance = await ChannelInstance.create({
      name: `Limits ${Date.now()}`,
      channel: 'sandbox',
      status: 'open',
    })
    sequence += 1
    const { message } = await storeInbound(instance, {
      providerMessageId: `limits-${Date.now()}-${sequence}`,
      from: uniqueMobile(),
      fromName: fields.fromName ?? null,
      text: fields.text ?? null,
      media: null,
      receivedAt: new Date(),
      inReplyTo: null,
    })
    const stored = await Message.findOrFail(message.id)
    const conversation = await Conversation.findOrFail(stored.conversationId!)
    return { stored, conversation }
  })
}

test.group('Inbound limits', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('long sender name starts a conversation', async ({ assert }) => {
    const name = 'Ana '.repeat(100)

    const { stored, conversation } = await receive({ fromName: name, text: 'Oi' })

    assert.equal(stored.senderName, name.slice(0, 160))
    assert.equal(conversation.senderName, name.slice(0, 160))
  })

  test('huge multibyte text is stored whole', async ({ assert }) => {
    // 30,000 euro signs of three bytes each: 90,000 bytes of UTF-8.
    const text = '€'.repeat(30_000)

    const { stored, conversation } = await receive({ text })

    assert.equal(stored.body, text)
    assert.equal(conversation.lastPreview, text.slice(0, 200))
  })
})
