import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import Message from '#models/message'
import Tenant from '#models/tenant'
import type ChannelInstance from '#models/channel_instance'
import type Contact from '#models/contact'
import type { ChannelsRole } from '#processes/channels_role'
import { runInTenant } from '#tenancy/tenant_context'
import { routeReply } from '#engine/reply_router'
import { optIn } from '#services/contacts/opt_out'
import { audienceSettings } from '#services/contacts/audience_settings'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createContactIn } from '#tests/helpers/api'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import {
  pairedSandbox,
  sandboxSendCount,
  startChannelsRole,
  waitForMessageStatus,
} from '#tests/helpers/channels'

const LID_ADDRESS = '203040506070809@lid'

/** Stores an inbound message from the contact and routes it, as the reply job does. */
async function reply(
  instance: ChannelInstance,
  contact: Contact,
  body: string,
  address = contact.phone
) {
  return runInTenant(instance.tenantId, async () => {
    const message = await Message.create({
      direction: 'in',
      instanceId: instance.id,
      contactId: contact.id,
      providerMessageId: randomUUID(),
      address,
      body,
      status: 'received',
    })
    await routeReply(message.id)
    return message
  })
}

/** Stores the tenant's opt-out confirmation text, as the settings page does. */
function setConfirmation(tenantId: number, text: string) {
  return runInTenant(tenantId, async () => {
    const settings = await audienceSettings()
    settings.optOutReply = text
    await settings.save()
  })
}

function outboundTo(instance: ChannelInstance, contact: Contact) {
  return runInTenant(instance.tenantId, () =>
    Message.query()
      .where('instance_id', instance.id)
      .where('contact_id', contact.id)
      .where('direction', 'out')
      .orderBy('id')
  )
}

test.group('Opt-out confirmation', (group) => {
  let role: ChannelsRole
  group.setup(async () => {
    role = await startChannelsRole()
    return () => role.stop()
  })

  test('keyword sends the default once', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    await Tenant.query().where('id', tenant.id).update({ locale: 'pt-BR' })
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const contact = await createContactIn(tenant.id)

    // Both keywords come from the contact's `…@lid` alias, as WhatsApp may report a sender.
    await Promise.all([
      reply(instance, contact, ' Parar! ', LID_ADDRESS),
      reply(instance, contact, 'SAIR', LID_ADDRESS),
    ])
    await reply(instance, contact, 'parar')
    const sent = await outboundTo(instance, contact)

    assert.lengthOf(sent, 1)
    assert.equal(
      sent[0].body,
      'Seu descadastro foi feito e você não vai mais receber nossas campanhas.'
    )
    assert.equal(sent[0].address, contact.phone)
    assert.isNull(sent[0].campaignId)
    await waitForMessageStatus(sent[0], 'read')
    assert.equal(await sandboxSendCount(instance.id, sent[0].providerMessageId), 1)
  })

  test('tenant text is sent again after opt-in', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    await setConfirmation(tenant.id, 'Done, no more messages.')
    const instance = await pairedSandbox(tenant.id)
    const contact = await createContactIn(tenant.id)

    await reply(instance, contact, 'STOP')
    await runInTenant(tenant.id, () => optIn(contact, { reason: 'operator', userId: null }))
    await reply(instance, contact, 'STOP')
    const sent = await outboundTo(instance, contact)

    assert.deepEqual(
      sent.map((message) => message.body),
      ['Done, no more messages.', 'Done, no more messages.']
    )
  })

  test('empty text sends nothing', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    await setConfirmation(tenant.id, '')
    const instance = await pairedSandbox(tenant.id)
    const contact = await createContactIn(tenant.id)

    await reply(instance, contact, 'STOP')
    const sent = await outboundTo(instance, contact)
    const fresh = await runInTenant(tenant.id, () => contact.refresh())

    assert.lengthOf(sent, 0)
    assert.equal(fresh.consent, 'opted_out')
  })

  test('sentence with keyword sends nothing', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    const contact = await createContactIn(tenant.id)

    await reply(instance, contact, 'please stop by tomorrow')
    const sent = await outboundTo(instance, contact)

    assert.lengthOf(sent, 0)
  })
})

test.group('Opt-out confirmation settings', () => {
  test('page shows the default and saves empty', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()

    const page = await client.get('/contacts/opt-out').headers(INERTIA_HEADERS).loginAs(owner)
    page.assertStatus(200)
    assert.equal(
      page.body().props.reply,
      'You are unsubscribed and will get no more campaign messages from us.'
    )

    const saved = await client
      .put('/contacts/opt-out')
      .form({ keywords: 'STOP', reply: '' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    saved.assertStatus(302)
    const settings = await runInTenant(tenant.id, () => audienceSettings())
    assert.equal(settings.optOutReply, '')

    const again = await client.get('/contacts/opt-out').headers(INERTIA_HEADERS).loginAs(owner)
    assert.equal(again.body().props.reply, '')
  })
})
