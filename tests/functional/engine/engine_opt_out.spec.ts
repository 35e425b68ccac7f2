import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import testUtils from '@adonisjs/core/services/test_utils'
import emitter from '@adonisjs/core/services/emitter'
import type Contact from '#models/contact'
import Message from '#models/message'
import { runInTenant } from '#tenancy/tenant_context'
import { createInstance } from '#services/channels/instance_service'
import { saveContact } from '#services/contacts/contact_service'
import { routeReply } from '#engine/reply_router'
import { createAudienceTenant } from '#tests/helpers/audience'

/** Stores an inbound message from the contact, as the channels role does before the reply job. */
async function inbound(instanceId: number, contact: Contact, body: string) {
  return Message.create({
    direction: 'in',
    instanceId,
    contactId: contact.id,
    providerMessageId: randomUUID(),
    address: contact.phone,
    body,
    status: 'received',
  })
}

test.group('Reply routing opt-out', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('keyword reply opts the sender out once', async ({ assert }) => {
    const { tenant } = await createAudienceTenant()
    const events: unknown[] = []
    const unsubscribe = emitter.on('contact:opted_out', (event) => {
      events.push(event)
    })
    try {
      await runInTenant(tenant.id, async () => {
        const instance = await createInstance({ name: 'Loja', channel: 'sandbox', config: {} })
        const contact = await saveContact(tenant, { name: 'Rita', phone: '(11) 98888-0101' })
        const message = await inbound(instance.id, contact, ' Parar! ')

        await routeReply(message.id)
        await routeReply(message.id)

        await contact.refresh()
        assert.equal(contact.consent, 'opted_out')
        assert.equal(contact.consentSource, 'keyword')
      })
    } finally {
      unsubscribe()
    }
    assert.lengthOf(events, 1)
  })

  test('other reply keeps consent', async ({ assert }) => {
    const { tenant } = await createAudienceTenant()
    await runInTenant(tenant.id, async () => {
      const instance = await createInstance({ name: 'Loja', channel: 'sandbox', config: {} })
      const contact = await saveContact(tenant, { name: 'Rui', phone: '(11) 98888-0102' })
      const message = await inbound(instance.id, contact, 'não quero parar agora')

      await routeReply(message.id)

      await contact.refresh()
      assert.notEqual(contact.consent, 'opted_out')
    })
  })
})
