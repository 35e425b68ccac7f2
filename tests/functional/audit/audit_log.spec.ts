import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import router from '@adonisjs/core/services/router'
import { parse } from 'csv-parse/sync'
import { emitDomainEvent } from '#events/domain_events'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { waitFor } from '#tests/helpers/webhooks'
import { createCampaign, graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import Flow from '#models/flow'
import { runInTenant } from '#tenancy/tenant_context'
import AuditEntry from '../../../plugins/audit/models/audit_entry.js'

function entriesOf(tenantId: number, action: string) {
  return AuditEntry.query().where('tenant_id', tenantId).where('action', action).orderBy('id')
}

async function waitForEntry(tenantId: number, action: string) {
  let entries: AuditEntry[] = []
  await waitFor(async () => {
    entries = await entriesOf(tenantId, action)
    return entries.length > 0
  }, `an ${action} entry`)
  return entries[0]
}

test.group('Audit log entries', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('role change records before and after', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { membership } = await addMember(tenant.id, 'editor')

    const response = await client
      .put(`/settings/members/${membership.id}`)
      .json({ role: 'admin' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    assert.equal(response.status(), 302)

    const [entry] = await entriesOf(tenant.id, 'member.role_changed')
    assert.equal(entry.actorId, owner.id)
    assert.equal(entry.actorLabel, owner.email)
    assert.equal(entry.targetType, 'membership')
    assert.equal(entry.targetId, String(membership.id))
    assert.deepEqual(entry.before, { role: 'editor' })
    assert.deepEqual(entry.after, { role: 'admin' })
    assert.equal(entry.ipAddress, '127.0.0.1')
  })

  test('member removal is recorded', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { membership, user } = await addMember(tenant.id, 'agent')

    await client.delete(`/settings/members/${membership.id}`).loginAs(owner).withCsrfToken()

    const [entry] = await entriesOf(tenant.id, 'member.removed')
    assert.deepEqual(entry.before, { userId: user.id, role: 'agent' })
    assert.equal(entry.actorId, owner.id)
  })

  test('invitation and revocation are recorded', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()

    await client
      .post('/settings/invitations')
      .json({ email: 'new.member@example.com', role: 'viewer' })
      .loginAs(owner)
      .withCsrfToken()
    const [invited] = await entriesOf(tenant.id, 'member.invited')
    assert.deepEqual(invited.after, { email: 'new.member@example.com', role: 'viewer' })
    assert.equal(invited.targetType, 'invitation')

    await client.delete(`/settings/invitations/${invited.targetId}`).loginAs(owner).withCsrfToken()
    const [revoked] = await entriesOf(tenant.id, 'invitation.revoked')
    assert.equal(revoked.targetId, invited.targetId)
    assert.deepEqual(revoked.before, { email: 'new.member@example.com', role: 'viewer' })
  })

  test('sign-in and failed sign-in are recorded', async ({ client, assert }) => {
    const { tenant, owner, password } = await createTenantWithOwner()

    await client
      .post('/login')
      .form({ email: owner.email, password: 'wrong password entirely' })
      .withCsrfToken()
    const failed = await waitForEntry(tenant.id, 'auth.sign_in_failed')
    assert.isNull(failed.actorId)
    assert.equal(failed.targetId, String(owner.id))
    assert.equal(failed.ipAddress, '127.0.0.1')

    await client.post('/login').form({ email: owner.email, password }).withCsrfToken()
    const signedIn = await waitForEntry(tenant.id, 'auth.signed_in')
    assert.equal(signedIn.actorId, owner.id)
    assert.equal(signedIn.ipAddress, '127.0.0.1')
  })

  test('campaign, instance and import events are recorded', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const base = { tenantId: tenant.id }

    for (const event of [
      'campaign:started',
      'campaign:paused',
      'campaign:resumed',
      'campaign:cancelled',
    ] as const) {
      await emitDomainEvent(event, { ...base, campaignId: 12, userId: owner.id })
    }
    await emitDomainEvent('instance:status_changed', {
      ...base,
      instanceId: 5,
      channel: 'sandbox',
      status: 'open',
      previousStatus: 'qr',
      reason: null,
    })
    await emitDomainEvent('instance:status_changed', {
      ...base,
      instanceId: 5,
      channel: 'sandbox',
      status: 'reconnecting',
      previousStatus: 'open',
      reason: 'socket closed',
    })
    await emitDomainEvent('import:finished', {
      ...base,
      importId: 9,
      userId: null,
      status: 'finished',
      listIds: [],
      created: 3,
      updated: 1,
      kept: 0,
      skipped: 0,
      failed: 0,
      warned: 0,
    })

    const entries = await AuditEntry.query().where('tenant_id', tenant.id).orderBy('id')
    assert.deepEqual(
      entries.map((entry) => entry.action),
      [
        'campaign.started',
        'campaign.paused',
        'campaign.resumed',
        'campaign.cancelled',
        'instance.connected',
        'import.finished',
      ]
    )
    const [started] = await entriesOf(tenant.id, 'campaign.started')
    assert.equal(started.actorId, owner.id)
    assert.equal(started.targetId, '12')
    const [connected] = await entriesOf(tenant.id, 'instance.connected')
    assert.deepEqual(connected.before, { status: 'qr' })
    const [imported] = await entriesOf(tenant.id, 'import.finished')
    assert.deepEqual(imported.after, {
      status: 'finished',
      listIds: [],
      created: 3,
      updated: 1,
      kept: 0,
      skipped: 0,
      failed: 0,
      warned: 0,
    })
  })
})

test.group('Audit log integrity', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('plugin routes only read', ({ assert }) => {
    const routes = Object.values(router.toJSON())
      .flat()
      .filter((route) => route.pattern.startsWith('/plugins/audit'))
    assert.isAbove(routes.length, 0)
    for (const route of routes) {
      assert.deepEqual(
        route.methods.filter((method) => !['GET', 'HEAD'].includes(method)),
        [],
        route.pattern
      )
    }
  })

  test('model rejects update and delete', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const entry = await AuditEntry.create({ tenantId: tenant.id, action: 'member.invited' })

    entry.action = 'auth.signed_in'
    await assert.rejects(() => entry.save(), /append-only/)
    await assert.rejects(() => entry.delete(), /append-only/)
    assert.throws(
      () => AuditEntry.query().where('id', entry.id).update({ action: 'x' }),
      /append-only/
    )
    assert.throws(() => AuditEntry.query().where('id', entry.id).delete(), /append-only/)

    const stored = await AuditEntry.findOrFail(entry.id)
    assert.equal(stored.action, 'member.invited')
  })

  test('writes to entries are not routed', async ({ client }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const entry = await AuditEntry.create({ tenantId: tenant.id, action: 'member.invited' })
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST'] as const) {
      const response = await client
        .request(`/plugins/audit/entries/${entry.id}`, method)
        .json({ action: 'x' })
        .loginAs(owner)
        .withCsrfToken()
      response.assertStatus(404)
    }
  })
})

test.group('Audit log page', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('filters entries by action', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await AuditEntry.create({ tenantId: tenant.id, action: 'member.invited', actorId: owner.id })
    await AuditEntry.create({ tenantId: tenant.id, action: 'campaign.started', actorId: owner.id })
    const other = await createTenantWithOwner()
    await AuditEntry.create({ tenantId: other.tenant.id, action: 'member.invited' })

    const page = await client
      .get('/plugins/audit/entries')
      .qs({ action: 'member.invited' })
      .headers(INERTIA_HEADERS)
      .loginAs(owner)
    page.assertStatus(200)
    const { entries, options } = page.body().props
    assert.lengthOf(entries, 1)
    assert.equal(entries[0].action, 'member.invited')
    assert.sameMembers(options.actions, ['campaign.started', 'member.invited'])
  })

  test('exports the filtered entries as CSV', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await AuditEntry.create({
      tenantId: tenant.id,
      action: 'member.role_changed',
      actorId: owner.id,
      actorLabel: owner.email,
      before: { role: 'editor' },
      after: { role: 'admin' },
    })
    await AuditEntry.create({ tenantId: tenant.id, action: 'campaign.started' })

    const response = await client
      .get('/plugins/audit/entries.csv')
      .qs({ action: 'member.role_changed' })
      .loginAs(owner)
    response.assertStatus(200)
    assert.include(response.header('content-type'), 'text/csv')
    const rows = parse(response.text(), { columns: true }) as Record<string, string>[]
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].action, 'member.role_changed')
    assert.equal(rows[0].actor, owner.email)
    assert.deepEqual(JSON.parse(rows[0].before), { role: 'editor' })
  })

  test('names the campaign steps of entries', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const other = await createTenantWithOwner()
    const graph = {
      nodes: [graphNode('start', 'start'), sendNode('hello', 'Olá {{name}}, tudo bem?')],
      edges: [graphEdge('start', 'next', 'hello')],
    }
    const campaign = await createCampaign(tenant.id)
    const foreign = await createCampaign(other.tenant.id)
    for (const [tenantId, id] of [
      [tenant.id, campaign.id],
      [other.tenant.id, foreign.id],
    ]) {
      await runInTenant(tenantId, async () => {
        const flow = await Flow.findByOrFail('campaign_id', id)
        flow.graph = graph
        await flow.save()
      })
    }

    await client
      .get(`/campaigns/${campaign.id}/messages.csv`)
      .qs({ nodeId: 'hello' })
      .loginAs(owner)
    const exported = await waitForEntry(tenant.id, 'messages.exported')
    const deletedStep = await AuditEntry.create({
      tenantId: tenant.id,
      action: 'messages.exported',
      targetType: 'campaign',
      targetId: String(campaign.id),
      after: { filters: { nodeId: 'deleted-step' } },
    })
    const elsewhere = await AuditEntry.create({
      tenantId: tenant.id,
      action: 'messages.exported',
      targetType: 'campaign',
      targetId: String(foreign.id),
      after: { filters: { nodeId: 'hello' } },
    })

    const page = await client.get('/plugins/audit/entries').headers(INERTIA_HEADERS).loginAs(owner)
    page.assertStatus(200)
    const stepsOf = (id: number) =>
      page.body().props.entries.find((entry: { id: number }) => entry.id === id).steps
    assert.deepEqual(stepsOf(exported.id), { hello: 'Send message · Olá {{name}}, tudo bem?' })
    assert.deepEqual(stepsOf(deletedStep.id), {})
    assert.deepEqual(stepsOf(elsewhere.id), {})
  })

  test('editors cannot read the log', async ({ client }) => {
    const { tenant } = await createTenantWithOwner()
    const { user } = await addMember(tenant.id, 'editor')
    const response = await client.get('/plugins/audit/entries').loginAs(user)
    response.assertStatus(403)
  })
})
