import Invitation from '#models/invitation'
import { DateTime } from 'luxon'
import { runInTenant } from '#tenancy/tenant_context'
import { addMember } from '#tests/helpers/accounts'
import { generateToken } from '#services/secure_token'
import ChannelInstance from '#models/channel_instance'
import { createPublishedCampaign } from '#tests/helpers/campaigns'
import { createDelivery, createEndpoint } from '#tests/helpers/webhooks'
import drive from '@adonisjs/drive/services/main'
import Contact from '#models/contact'
import ContactImport from '#models/contact_import'
import ContactList from '#models/contact_list'
import CustomField from '#models/custom_field'
import Segment from '#models/segment'
import Template from '#models/template'
import { createTokenFor } from '#tests/helpers/api'
import Conversation from '#models/conversation'
import Message from '#models/message'

/** Returns a name that no other resource of the test run has. */
function unique(prefix: string) {
  return `${prefix}${Date.now()}${Math.floor(Math.random() * 1e6)}`
}

/**
 * Creates an uploaded import whose report is also stored, so both the mapping
 * routes (which need the upload state) and the report download find it.
 */
async function createStoredImport(tenantId: number) {
  const name = unique('isolation')
  const fileKey = `imports/${tenantId}/${name}.csv`
  const reportKey = `imports/${tenantId}/${name}-report.jsonl`
  await drive.use().put(fileKey, 'name,phone\nAna,+5511987650001\n')
  await drive.use().put(reportKey, '')
  return runInTenant(tenantId, () =>
    ContactImport.create({
      fileName: `${name}.csv`,
      fileKey,
      fileSize: 32,
      encoding: 'utf-8',
      delimiter: ',',
      status: 'uploaded',
      mapping: [],
      options: { duplicates: 'skip', tags: [], listIds: [] },
      reportKey,
    })
  )
}

/** Creates a template with a stored image, so its media route has something to serve. */
async function createTemplateWithMedia(tenantId: number) {
  const mediaKey = `templates/${tenantId}/${unique('isolation')}.png`
  await drive.use().put(mediaKey, 'not really a png')
  return runInTenant(tenantId, () =>
    Template.create({
      name: unique('Isolation '),
      body: 'Hello {{name|there}}',
      mediaKey,
      mediaType: 'image',
      mediaMime: 'image/png',
      mediaName: 'isolation.png',
      mediaSize: 16,
    })
  )
}

/** Creates a conversation on a closed sandbox instance, with one inbound message carrying a stored file. */
async function createConversationWithMedia(tenantId: number) {
  const mediaKey = `inbox/${tenantId}/${unique('isolation')}.png`
  await drive.use().put(mediaKey, 'not really a png')
  return runInTenant(tenantId, async () => {
    const instance = await ChannelInstance.create({
      name: unique('Inbox '),
      channel: 'sandbox',
      status: 'closed',
    })
    const address = `+55119${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
    const conversation = await Conversation.create({
      instanceId: instance.id,
      address,
      contactId: null,
      unreadCount: 1,
    })
    const message = await Message.create({
      direction: 'in',
      instanceId: instance.id,
      conversationId: conversation.id,
      providerMessageId: unique('isolation'),
      address,
      body: null,
      media: { source: mediaKey, mimeType: 'image/png', fileName: 'isolation.png' },
      status: 'received',
      receivedAt: DateTime.utc(),
    })
    return { conversation, message }
  })
}

/**
 * Tenant routes whose parameter names something all tenants share, a plugin
 * or a flow node type, rather than a row of one tenant: there is no other
 * tenant's resource to hide, so the isolation test skips them. Keys as in
 * TENANT_RESOURCE_FACTORIES.
 */
export const SHARED_NAME_ROUTES = new Set(['/settings/plugins/:name', '/flow/node-types/:type'])

/**
 * For each tenant-owned route with a resource id, a function that creates one
 * such resource in the given tenant and returns its id. The isolation test
 * walks every route behind the tenant middleware and fails on a route that
 * has a parameter but no entry here, so each new resource route needs one.
 * Keys are the route pattern up to and including its first parameter.
 */
export const TENANT_RESOURCE_FACTORIES: Record<
  string,
  (tenantId: number) => Promise<number | string>
> = {
  '/settings/members/:id': async (tenantId) => {
    const { membership } = await addMember(tenantId, 'editor')
    return membership.id
  },
  '/settings/invitations/:id': async (tenantId) => {
    const invitation = await runInTenant(tenantId, () =>
      Invitation.create({
        email: `invitee${Date.now()}@example.com`,
        role: 'agent',
        tokenHash: generateToken().hash,
        expiresAt: DateTime.utc().plus({ days: 1 }),
      })
    )
    return invitation.id
  },
  '/campaigns/:id': async (tenantId) => {
    const campaign = await createPublishedCampaign(tenantId)
    return campaign.id
  },
  '/plugins/webhooks/endpoints/:id': async (tenantId) => {
    const endpoint = await createEndpoint(tenantId, 'http://127.0.0.1:9/discard')
    return endpoint.id
  },
  '/plugins/webhooks/deliveries/:id': async (tenantId) => {
    const endpoint = await createEndpoint(tenantId, 'http://127.0.0.1:9/discard')
    const delivery = await createDelivery(endpoint, '{"event":"message:delivered"}')
    return delivery.id
  },
  '/plugins/reports/campaigns/:id': async (tenantId) => {
    const campaign = await createPublishedCampaign(tenantId)
    return campaign.id
  },
  '/connections/:id': async (tenantId) => {
    const instance = await runInTenant(tenantId, () =>
      ChannelInstance.create({
        name: `Isolation ${Date.now()}`,
        channel: 'sandbox',
        status: 'closed',
      })
    )
    return instance.id
  },
  '/simulator/:id': async (tenantId) => {
    const instance = await runInTenant(tenantId, () =>
      ChannelInstance.create({
        name: `Simulated ${Date.now()}`,
        channel: 'sandbox',
        status: 'closed',
      })
    )
    return instance.id
  },
  '/settings/api-tokens/:id': async (tenantId) => {
    const { token } = await createTokenFor(tenantId, 'read')
    return token.id
  },
  '/contacts/fields/:id': async (tenantId) => {
    const field = await runInTenant(tenantId, () =>
      CustomField.create({ key: unique('field'), label: 'Isolation', type: 'text', options: [] })
    )
    return field.id
  },
  '/contacts/imports/:id': async (tenantId) => {
    const contactImport = await createStoredImport(tenantId)
    return contactImport.id
  },
  '/contacts/:id': async (tenantId) => {
    const contact = await runInTenant(tenantId, () =>
      Contact.create({
        name: 'Isolation',
        phone: `+55119${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
        timezone: 'America/Sao_Paulo',
        consent: 'unknown',
      })
    )
    return contact.id
  },
  '/lists/:id': async (tenantId) => {
    const list = await runInTenant(tenantId, () => ContactList.create({ name: unique('List ') }))
    return list.id
  },
  '/segments/:id': async (tenantId) => {
    const segment = await runInTenant(tenantId, () =>
      Segment.create({ name: unique('Segment '), rules: { match: 'all', rules: [] } })
    )
    return segment.id
  },
  '/inbox/:id': async (tenantId) => {
    const { conversation } = await createConversationWithMedia(tenantId)
    return conversation.id
  },
  '/inbox/messages/:id': async (tenantId) => {
    const { message } = await createConversationWithMedia(tenantId)
    return message.id
  },
  '/templates/:id': async (tenantId) => {
    const template = await createTemplateWithMedia(tenantId)
    return template.id
  },
}
