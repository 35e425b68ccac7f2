import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Campaign from '#models/campaign'
import type User from '#models/user'
import ContactList from '#models/contact_list'
import { runInTenant } from '#tenancy/tenant_context'
import { saveContact } from '#services/contacts/contact_service'
import { addListMembers } from '#services/contacts/list_members'
import { createInstance } from '#services/channels/instance_service'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { apiRequest, createTokenFor } from '#tests/helpers/api'
import { createAudienceTenant } from '#tests/helpers/audience'
import AuditEntry from '../../../plugins/audit/models/audit_entry.js'

const IP = '127.0.0.1'

function entriesOf(tenantId: number, action: string) {
  return AuditEntry.query().where('tenant_id', tenantId).where('action', action).orderBy('id')
}

/** Campaign settings as the settings form posts them. */
const settings = {
  name: 'Black Friday',
  listIds: [] as number[],
  segmentIds: [],
  channelInstanceIds: [] as number[],
  variables: [{ name: 'coupon', value: 'BF25' }],
  startMode: 'at',
  startsAtLocal: '2030-11-28T09:30',
  minIntervalSeconds: 20,
  maxIntervalSeconds: 60,
  dailyCapPerNumber: 500,
  pauseAfterSends: 50,
  pauseMinutes: 10,
  quietHours: { mode: 'tenant', window: null } as Record<string, unknown>,
}

/** Creates the Black Friday campaign through the settings form, signed in as `member`. */
async function campaignThroughForm(client: any, member: User, tenantId: number) {
  await client.post('/campaigns').json(settings).loginAs(member).withCsrfToken().redirects(0)
  return runInTenant(tenantId, () => Campaign.findByOrFail('name', 'Black Friday'))
}

test.group('Audit log contact list entries', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('member creates and deletes a list', async ({ client, assert }) => {
    const { tenant } = await createAudienceTenant()
    const { user: editor } = await addMember(tenant.id, 'editor')

    const created = await client
      .post('/lists')
      .form({ name: 'VIP customers' })
      .loginAs(editor)
      .withCsrfToken()
      .redirects(0)
    created.assertStatus(302)
    const list = await runInTenant(tenant.id, () =>
      ContactList.findByOrFail('name', 'VIP customers')
    )
    await runInTenant(tenant.id, async () => {
      const contact = await saveContact(tenant, { name: 'Ana', phone: '+55 11 98765-0001' })
      await addListMembers(list, { contactIds: [contact.id], phones: [] }, 'BR', {
        source: 'manual',
        userId: editor.id,
      })
    })

    const [createdEntry, ...extraCreated] = await entriesOf(tenant.id, 'list.created')
    assert.lengthOf(extraCreated, 0)
    assert.equal(createdEntry.actorId, editor.id)
    assert.equal(createdEntry.targetType, 'contact_list')
    assert.equal(createdEntry.targetId, String(list.id))
    assert.equal(createdEntry.ipAddress, IP)
    assert.deepEqual(createdEntry.after, { name: 'VIP customers' })

    const deleted = await client
      .delete(`/lists/${list.id}`)
      .loginAs(editor)
      .withCsrfToken()
      .redirects(0)
    deleted.assertStatus(302)

    const [deletedEntry, ...extraDeleted] = await entriesOf(tenant.id, 'list.deleted')
    assert.lengthOf(extraDeleted, 0)
    assert.equal(deletedEntry.actorId, editor.id)
    assert.equal(deletedEntry.targetType, 'contact_list')
    assert.equal(deletedEntry.targetId, String(list.id))
    assert.equal(deletedEntry.ipAddress, IP)
    assert.deepEqual(deletedEntry.before, { name: 'VIP customers', contacts: 1 })
  })

  test('API changes name the token', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { token, plain } = await createTokenFor(tenant.id, 'write', { createdBy: owner.id })

    const created = await apiRequest(client, 'POST', '/api/v1/lists', plain, { name: 'Leads' })
    created.assertStatus(201)
    const listId = created.body().data.id
    const deleted = await apiRequest(client, 'DELETE', `/api/v1/lists/${listId}`, plain)
    deleted.assertStatus(204)

    const [createdEntry, ...extraCreated] = await entriesOf(tenant.id, 'list.created')
    assert.lengthOf(extraCreated, 0)
    assert.equal(createdEntry.actorId, owner.id)
    assert.equal(createdEntry.targetId, String(listId))
    assert.deepEqual(createdEntry.after, { name: 'Leads', apiTokenId: token.id })

    const [deletedEntry, ...extraDeleted] = await entriesOf(tenant.id, 'list.deleted')
    assert.lengthOf(extraDeleted, 0)
    assert.equal(deletedEntry.actorId, owner.id)
    assert.deepEqual(deletedEntry.before, { name: 'Leads', contacts: 0 })
    assert.deepEqual(deletedEntry.after, { apiTokenId: token.id })
  })

  test('viewer cannot create a list', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: viewer } = await addMember(tenant.id, 'viewer')
    await client.post('/lists').form({ name: 'Nope' }).loginAs(viewer).withCsrfToken().redirects(0)
    assert.lengthOf(await runInTenant(tenant.id, () => ContactList.query()), 0)
    assert.lengthOf(await AuditEntry.query().where('tenant_id', tenant.id), 0)
  })
})

test.group('Audit log campaign entries', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('member creates a campaign', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: editor } = await addMember(tenant.id, 'editor')

    const response = await client
      .post('/campaigns')
      .json(settings)
      .loginAs(editor)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    const campaign = await runInTenant(tenant.id, () =>
      Campaign.findByOrFail('name', 'Black Friday')
    )

    const entries = await AuditEntry.query().where('tenant_id', tenant.id)
    assert.deepEqual(
      entries.map((entry) => entry.action),
      ['campaign.created']
    )
    assert.equal(entries[0].actorId, editor.id)
    assert.equal(entries[0].targetType, 'campaign')
    assert.equal(entries[0].targetId, String(campaign.id))
    assert.equal(entries[0].ipAddress, IP)
    assert.deepEqual(entries[0].after, { name: 'Black Friday' })
  })

  test('settings change names the changed settings', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: editor } = await addMember(tenant.id, 'editor')
    const [list, instance] = await runInTenant(tenant.id, () =>
      Promise.all([
        ContactList.create({ name: 'Leads' }),
        createInstance({ name: 'Sales', channel: 'sandbox', config: {} }),
      ])
    )
    const campaign = await campaignThroughForm(client, editor, tenant.id)
    const save = (body: object) =>
      client
        .put(`/campaigns/${campaign.id}`)
        .json(body)
        .loginAs(editor)
        .withCsrfToken()
        .redirects(0)

    const changed = await save({
      ...settings,
      listIds: [list.id],
      channelInstanceIds: [instance.id],
      variables: [{ name: 'coupon', value: 'SECRET-99' }],
      maxIntervalSeconds: 90,
      quietHours: {
        mode: 'custom',
        window: { days: [1, 2, 3, 4, 5], start: '21:00', end: '08:00' },
      },
    })
    changed.assertStatus(302)

    const [entry, ...extra] = await entriesOf(tenant.id, 'campaign.settings_changed')
    assert.lengthOf(extra, 0)
    assert.equal(entry.actorId, editor.id)
    assert.equal(entry.targetType, 'campaign')
    assert.equal(entry.targetId, String(campaign.id))
    assert.equal(entry.ipAddress, IP)
    assert.isNull(entry.before)
    assert.deepEqual(entry.after, {
      settings: ['listIds', 'channelInstanceIds', 'variables', 'maxIntervalSeconds', 'quietHours'],
    })
    assert.notInclude(JSON.stringify(entry.serialize()), 'SECRET-99')
  })

  test('unchanged save records nothing', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: editor } = await addMember(tenant.id, 'editor')
    const campaign = await campaignThroughForm(client, editor, tenant.id)

    const response = await client
      .put(`/campaigns/${campaign.id}`)
      .json(settings)
      .loginAs(editor)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    assert.lengthOf(await entriesOf(tenant.id, 'campaign.settings_changed'), 0)
  })

  test('member deletes a draft campaign', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: editor } = await addMember(tenant.id, 'editor')
    const campaign = await campaignThroughForm(client, editor, tenant.id)

    const response = await client
      .delete(`/campaigns/${campaign.id}`)
      .loginAs(editor)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)

    const [entry, ...extra] = await entriesOf(tenant.id, 'campaign.deleted')
    assert.lengthOf(extra, 0)
    assert.equal(entry.actorId, editor.id)
    assert.equal(entry.targetId, String(campaign.id))
    assert.deepEqual(entry.before, { name: 'Black Friday' })
  })
})
