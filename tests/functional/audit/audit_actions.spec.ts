import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import type User from '#models/user'
import pluginHost from '#plugins/main'
import { saveContact } from '#services/contacts/contact_service'
import { runInTenant } from '#tenancy/tenant_context'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import {
  createAudienceTenant,
  importThroughPages,
  startImportWorker,
} from '#tests/helpers/audience'
import { createCampaign, replyFlow } from '#tests/helpers/campaigns'
import { exportRecords } from '#tests/helpers/exports'
import { apiRequest, createTokenFor } from '#tests/helpers/api'
import AuditEntry from '../../../plugins/audit/models/audit_entry.js'

const IP = '127.0.0.1'

async function onlyEntry(tenantId: number, action: string) {
  const entries = await AuditEntry.query().where('tenant_id', tenantId).where('action', action)
  if (entries.length !== 1) {
    throw new Error(`Expected one ${action} entry in tenant ${tenantId}, found ${entries.length}`)
  }
  return entries[0]
}

async function saveTemplate(
  client: any,
  owner: User,
  url: string,
  method: 'post' | 'put',
  body: object
) {
  const response = await client[method](url).form(body).loginAs(owner).withCsrfToken().redirects(0)
  response.assertStatus(302)
  return response
}

test.group('Audit log template entries', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('create, update and delete', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()

    const created = await saveTemplate(client, owner, '/templates', 'post', {
      name: 'Welcome',
      body: 'Hi {{name|there}}',
    })
    const templateId = created.header('location')!.split('/').pop()
    const createdEntry = await onlyEntry(tenant.id, 'template.created')
    assert.equal(createdEntry.actorId, owner.id)
    assert.equal(createdEntry.targetType, 'template')
    assert.equal(createdEntry.targetId, templateId)
    assert.equal(createdEntry.ipAddress, IP)
    assert.isNull(createdEntry.before)
    assert.deepInclude(createdEntry.after!, { name: 'Welcome', body: 'Hi {{name|there}}' })

    await saveTemplate(client, owner, `/templates/${templateId}`, 'put', {
      name: 'Welcome back',
      body: 'Hello again {{name|there}}',
    })
    const updated = await onlyEntry(tenant.id, 'template.updated')
    assert.equal(updated.targetId, templateId)
    assert.equal(updated.actorId, owner.id)
    assert.deepInclude(updated.before!, { name: 'Welcome', body: 'Hi {{name|there}}' })
    assert.deepInclude(updated.after!, {
      name: 'Welcome back',
      body: 'Hello again {{name|there}}',
    })

    await client.delete(`/templates/${templateId}`).loginAs(owner).withCsrfToken().redirects(0)
    const deleted = await onlyEntry(tenant.id, 'template.deleted')
    assert.equal(deleted.targetId, templateId)
    assert.equal(deleted.ipAddress, IP)
    assert.deepInclude(deleted.before!, { name: 'Welcome back' })
    assert.isNull(deleted.after)
  })

  test('API changes name the token', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { token, plain } = await createTokenFor(tenant.id, 'write', { createdBy: owner.id })

    const created = await apiRequest(client, 'POST', '/api/v1/templates', plain, {
      name: 'Api',
      body: 'Hi',
    })
    created.assertStatus(201)
    const templateId = created.body().data.id
    const updated = await apiRequest(client, 'PUT', `/api/v1/templates/${templateId}`, plain, {
      name: 'Api',
      body: 'Hello',
    })
    updated.assertStatus(200)
    const deleted = await apiRequest(client, 'DELETE', `/api/v1/templates/${templateId}`, plain)
    deleted.assertStatus(204)

    for (const action of ['template.created', 'template.updated', 'template.deleted']) {
      const entry = await onlyEntry(tenant.id, action)
      assert.equal(entry.actorId, owner.id, action)
      assert.equal(entry.targetId, String(templateId), action)
      assert.equal(entry.ipAddress, IP, action)
    }
    const update = await onlyEntry(tenant.id, 'template.updated')
    assert.deepInclude(update.before!, { body: 'Hi' })
    assert.deepInclude(update.after!, { body: 'Hello', apiTokenId: token.id })
  })

  test('rejected save records nothing', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await saveTemplate(client, owner, '/templates', 'post', { name: 'Bad', body: 'Hi {{unknown}}' })
    const entries = await AuditEntry.query()
      .where('tenant_id', tenant.id)
      .where('target_type', 'template')
    assert.lengthOf(entries, 0)
  })
})

test.group('Audit log import and export entries', (group) => {
  let stopWorker: () => Promise<void>
  group.setup(async () => {
    stopWorker = await startImportWorker()
    return () => stopWorker()
  })
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('import start and report download', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { finished } = await importThroughPages(
      client,
      owner,
      tenant.id,
      app.makePath('tests/fixtures/contacts', 'basic.csv'),
      { tags: 'fair' }
    )

    const started = await onlyEntry(tenant.id, 'import.started')
    assert.equal(started.actorId, owner.id)
    assert.equal(started.targetType, 'contact_import')
    assert.equal(started.targetId, String(finished.id))
    assert.equal(started.ipAddress, IP)
    assert.deepInclude(started.after!, {
      fileName: 'basic.csv',
      duplicates: 'skip',
      tags: ['fair'],
      listIds: [],
    })

    const imported = await onlyEntry(tenant.id, 'import.finished')
    assert.equal(imported.actorId, owner.id)
    assert.equal(imported.targetId, String(finished.id))
    assert.deepInclude(imported.after!, { status: 'finished', created: 8, failed: 2 })

    const report = await onlyEntry(tenant.id, 'import_report.exported')
    assert.equal(report.actorId, owner.id)
    assert.equal(report.targetId, String(finished.id))
    assert.equal(report.ipAddress, IP)
  })

  test('contacts export', async ({ client, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    await runInTenant(tenant.id, async () => {
      await saveContact(tenant, { name: 'Ana', phone: '+55 11 98765-0001', tags: ['vip'] })
      await saveContact(tenant, { name: 'Bruno', phone: '+55 11 98765-0002' })
    })

    const response = await client.get('/contacts/export.csv').qs({ tag: 'vip' }).loginAs(owner)
    response.assertStatus(200)
    assert.include(response.header('content-type'), 'text/csv')
    const rows = exportRecords(response.text(), 'contacts').records
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].name, 'Ana')
    // A leading `+` may come defused with an apostrophe, as spreadsheets would run it as a formula.
    assert.match(rows[0].phone, /^'?\+5511987650001$/)
    assert.equal(rows[0].tags, 'vip')

    const entry = await onlyEntry(tenant.id, 'contacts.exported')
    assert.equal(entry.actorId, owner.id)
    assert.equal(entry.targetType, 'contact')
    assert.equal(entry.ipAddress, IP)
    assert.deepEqual(entry.after, { filters: { tag: 'vip' } })
  })

  test('contacts export needs an editor', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user } = await addMember(tenant.id, 'viewer')
    const response = await client.get('/contacts/export.csv').loginAs(user)
    response.assertStatus(403)
    const entries = await AuditEntry.query().where('tenant_id', tenant.id)
    assert.lengthOf(entries, 0)
  })

  test('report and audit log exports', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)

    const report = await client
      .get(`/plugins/reports/campaigns/${campaign.id}/export`)
      .qs({ report: 'funnel' })
      .loginAs(owner)
    report.assertStatus(200)
    const reportEntry = await onlyEntry(tenant.id, 'report.exported')
    assert.equal(reportEntry.actorId, owner.id)
    assert.equal(reportEntry.targetType, 'campaign')
    assert.equal(reportEntry.targetId, String(campaign.id))
    assert.equal(reportEntry.ipAddress, IP)
    assert.deepEqual(reportEntry.after, { report: 'funnel' })

    const audit = await client
      .get('/plugins/audit/entries.csv')
      .qs({ action: 'report.exported' })
      .loginAs(owner)
    audit.assertStatus(200)
    const auditEntry = await onlyEntry(tenant.id, 'audit.exported')
    assert.equal(auditEntry.actorId, owner.id)
    assert.equal(auditEntry.targetType, 'audit_log')
    assert.equal(auditEntry.ipAddress, IP)
    assert.deepEqual(auditEntry.after, { filters: { action: 'report.exported' } })
  })

  test('campaign messages export', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)

    const response = await client
      .get(`/campaigns/${campaign.id}/messages.csv`)
      .qs({ status: 'failed' })
      .loginAs(owner)
    response.assertStatus(200)
    const entry = await onlyEntry(tenant.id, 'messages.exported')
    assert.equal(entry.actorId, owner.id)
    assert.equal(entry.targetType, 'campaign')
    assert.equal(entry.targetId, String(campaign.id))
    assert.equal(entry.ipAddress, IP)
    assert.deepEqual(entry.after, { filters: { status: 'failed' } })
  })
})

test.group('Audit log flow and settings entries', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())
  group.each.teardown(() => pluginHost.tenantState.clear())

  test('flow publishes', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    const publish = () =>
      client
        .post(`/campaigns/${campaign.id}/versions`)
        .accept('json')
        .loginAs(owner)
        .withCsrfToken()
    await client
      .put(`/campaigns/${campaign.id}/flow`)
      .accept('json')
      .json({ graph: replyFlow(), revision: 0 })
      .loginAs(owner)
      .withCsrfToken()

    const first = await publish()
    first.assertStatus(201)
    const second = await publish()
    second.assertStatus(201)

    const entries = await AuditEntry.query()
      .where('tenant_id', tenant.id)
      .where('action', 'flow.published')
      .orderBy('id')
    assert.lengthOf(entries, 2)
    assert.equal(entries[0].actorId, owner.id)
    assert.equal(entries[0].targetType, 'campaign')
    assert.equal(entries[0].targetId, String(campaign.id))
    assert.equal(entries[0].ipAddress, IP)
    assert.isNull(entries[0].before)
    assert.deepInclude(entries[0].after!, { version: 1 })
    assert.deepEqual(entries[1].before, { version: 1 })
    assert.deepInclude(entries[1].after!, { version: 2 })
  })

  test('plugin switches and settings', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const toggle = (name: string, enabled: boolean) =>
      client
        .put(`/settings/plugins/${name}`)
        .json({ enabled })
        .loginAs(owner)
        .withCsrfToken()
        .redirects(0)

    const switchedOn = await toggle('fixture-notes', true)
    switchedOn.assertStatus(302)
    const enabled = await onlyEntry(tenant.id, 'plugin.enabled')
    assert.equal(enabled.actorId, owner.id)
    assert.equal(enabled.targetType, 'plugin')
    assert.equal(enabled.targetId, 'fixture-notes')
    assert.equal(enabled.ipAddress, IP)
    assert.deepEqual(enabled.before, { enabled: false })
    assert.deepEqual(enabled.after, { enabled: true })

    const settings = await client
      .put('/settings/plugins/fixture-notes/settings')
      .json({ values: { greeting: 'Olá' } })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    settings.assertStatus(302)
    const changed = await onlyEntry(tenant.id, 'plugin.settings_changed')
    assert.equal(changed.targetId, 'fixture-notes')
    assert.equal(changed.actorId, owner.id)
    assert.deepEqual(changed.before, { greeting: 'Hello' })
    assert.deepEqual(changed.after, { greeting: 'Olá' })

    const switchedOff = await toggle('fixture-notes', false)
    switchedOff.assertStatus(302)
    const disabled = await onlyEntry(tenant.id, 'plugin.disabled')
    assert.deepEqual(disabled.before, { enabled: true })
    assert.deepEqual(disabled.after, { enabled: false })
  })

  test('disabling the audit log itself', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await client
      .put('/settings/plugins/audit')
      .json({ enabled: false })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    const disabled = await onlyEntry(tenant.id, 'plugin.disabled')
    assert.equal(disabled.targetId, 'audit')
    assert.equal(disabled.actorId, owner.id)
    assert.isFalse(await pluginHost.isEnabledFor('audit', tenant.id))
  })

  test('opt-out settings', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const response = await client
      .put('/contacts/opt-out')
      .form({ keywords: 'STOP, SAIR', reply: 'You will get no more messages.' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)

    const entry = await onlyEntry(tenant.id, 'settings.opt_out_changed')
    assert.equal(entry.actorId, owner.id)
    assert.equal(entry.targetType, 'audience_settings')
    assert.equal(entry.ipAddress, IP)
    assert.include(entry.before!.keywords as string[], 'UNSUBSCRIBE')
    assert.isNull(entry.before!.reply)
    assert.deepEqual(entry.after, {
      keywords: ['STOP', 'SAIR'],
      reply: 'You will get no more messages.',
    })
  })
})

test.group('Audit log failed sign-ins', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('records the e-mail tried, never the password', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const other = await createTenantWithOwner()
    await runInTenant(other.tenant.id, async () => {
      const { default: Membership } = await import('#models/membership')
      await Membership.create({ userId: owner.id, role: 'viewer' })
    })

    await client
      .post('/login')
      .form({ email: owner.email.toUpperCase(), password: 'a wrong guess 123' })
      .withCsrfToken()

    for (const tenantId of [tenant.id, other.tenant.id]) {
      const entry = await onlyEntry(tenantId, 'auth.sign_in_failed')
      assert.isNull(entry.actorId)
      assert.equal(entry.targetType, 'user')
      assert.equal(entry.targetId, String(owner.id))
      assert.equal(entry.ipAddress, IP)
      assert.deepEqual(entry.after, { email: owner.email, reason: 'invalid_credentials' })
      assert.notInclude(JSON.stringify(entry.serialize()), 'a wrong guess 123')
    }
  })

  test('blocked attempts are recorded once', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    for (let attempt = 0; attempt < 8; attempt++) {
      await client
        .post('/login')
        .form({ email: owner.email, password: `wrong ${attempt}` })
        .withCsrfToken()
    }
    const entries = await AuditEntry.query()
      .where('tenant_id', tenant.id)
      .where('action', 'auth.sign_in_failed')
      .orderBy('id')
    // Five wrong passwords, then blocked attempts, audited once a minute.
    assert.lengthOf(entries, 6)
    assert.equal(entries[4].after!.reason, 'invalid_credentials')
    assert.equal(entries[5].after!.reason, 'throttled')
  })
})
