import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import Membership from '#models/membership'
import type User from '#models/user'
import WorkspaceDeletion from '#models/workspace_deletion'
import { runInTenant } from '#tenancy/tenant_context'
import {
  DELETION_STEPS,
  deleteMarkedTenant,
  tenantsMarkedForDeletion,
} from '#services/workspaces/workspace_deletion'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { phoneNumber, seedAudience } from '#tests/helpers/engine'
import { clearMailbox, mailsTo } from '#tests/helpers/mailbox'
import { signIn } from '#tests/helpers/web_session'
import { openStream, subscribe } from '#tests/helpers/event_stream'
import { waitFor } from '#tests/helpers/channels'

const BASE = `http://127.0.0.1:${env.get('PORT')}`

function requestDeletion(client: ApiClient, user: User, confirmName: string) {
  return client
    .delete('/settings/workspace')
    .form({ confirmName })
    .loginAs(user)
    .withCsrfToken()
    .redirects(0)
}

/** Creates a workspace with an owner, an agent who also works elsewhere, and 30 contacts. */
async function doomedWorkspace() {
  const doomed = await createTenantWithOwner('Doomed')
  const other = await createTenantWithOwner('Other')
  const { user: agent, password } = await addMember(doomed.tenant.id, 'agent')
  await runInTenant(other.tenant.id, () => Membership.create({ userId: agent.id, role: 'editor' }))
  const contacts = Array.from({ length: 30 }, (_, index) => ({ phone: phoneNumber(44, index) }))
  await seedAudience(doomed.tenant.id, contacts)
  return { ...doomed, other: other.tenant, agent, agentPassword: password }
}

test.group('Workspace deletion trail', (group) => {
  group.each.setup(() => clearMailbox())

  test('record keeps requester and result', async ({ client, assert }) => {
    const { tenant, owner, agent } = await doomedWorkspace()

    const response = await requestDeletion(client, owner, tenant.name)
    response.assertStatus(302)
    const deletion = await WorkspaceDeletion.findByOrFail('workspaceId', tenant.id)
    response.assertHeader('location', `/workspaces/deletions/${deletion.id}`)
    assert.equal(deletion.workspaceName, tenant.name)
    assert.equal(deletion.requestedById, owner.id)
    assert.equal(deletion.requestedByEmail, owner.email)
    assert.equal(deletion.status, 'queued')
    await tenant.refresh()
    assert.equal(deletion.requestedAt.toMillis(), tenant.deletionRequestedAt!.toMillis())
    const members = await db
      .from('workspace_deletion_members')
      .where('deletion_id', deletion.id)
      .orderBy('user_id')
    assert.deepEqual(
      members.map((row) => [Number(row.user_id), row.role]),
      [
        [owner.id, 'owner'],
        [agent.id, 'agent'],
      ].sort((a, b) => Number(a[0]) - Number(b[0]))
    )

    assert.isTrue(await deleteMarkedTenant(tenant.id))
    assert.isNull(await db.from('tenants').where('id', tenant.id).first())
    await deletion.refresh()
    assert.equal(deletion.status, 'finished')
    assert.isNotNull(deletion.finishedAt)
    assert.isNotNull(deletion.startedAt)
    assert.equal(deletion.attempts, 1)
    assert.isNull(deletion.lastError)
    assert.equal(deletion.progress.percent, 100)
    for (const step of DELETION_STEPS) {
      assert.equal(deletion.progress.steps[step].state, 'done', step)
    }
    assert.deepEqual(deletion.progress.tables.contacts, { total: 30, removed: 30 })
    assert.deepEqual(deletion.progress.tables.contact_list_members, { total: 30, removed: 30 })
    assert.isAtLeast(deletion.progress.steps.rows.count, 61)
    assert.property(deletion.progress.plugins.webhooks, 'queuedDeliveries')
  }).timeout(60_000)

  test('members get one e-mail each', async ({ client, assert }) => {
    const { tenant, owner, agent } = await doomedWorkspace()
    await requestDeletion(client, owner, tenant.name)

    assert.isTrue(await deleteMarkedTenant(tenant.id))
    // A second run, as after a crash right after the e-mails, sends none again.
    assert.isFalse(await deleteMarkedTenant(tenant.id))

    for (const member of [owner, agent]) {
      const mails = await mailsTo(member.email)
      assert.lengthOf(mails, 1, member.email)
      assert.equal(mails[0].subject, `Workspace ${tenant.name} was deleted`)
      assert.include(mails[0].text, `as ${owner.email} asked on`)
      assert.include(mails[0].text, '- Records deleted: ')
      assert.match(mails[0].text, /- Records deleted: (\d+)/)
      const rows = Number(mails[0].text.match(/- Records deleted: (\d+)/)![1])
      assert.isAtLeast(rows, 61)
    }
    const unsent = await db
      .from('workspace_deletion_members')
      .join(
        'workspace_deletions',
        'workspace_deletions.id',
        'workspace_deletion_members.deletion_id'
      )
      .where('workspace_deletions.workspace_id', tenant.id)
      .whereNull('workspace_deletion_members.notified_at')
    assert.lengthOf(unsent, 0)
  }).timeout(60_000)

  test('interrupted run resumes the trail', async ({ client, assert }) => {
    const { tenant, owner } = await doomedWorkspace()
    await requestDeletion(client, owner, tenant.name)

    const crash = async (step: string) => {
      if (step === 'rows') {
        throw new Error('worker stopped')
      }
    }
    await assert.rejects(() => deleteMarkedTenant(tenant.id, crash), 'worker stopped')
    const halfway = await WorkspaceDeletion.findByOrFail('workspaceId', tenant.id)
    assert.equal(halfway.status, 'running')
    assert.equal(halfway.lastError, 'worker stopped')
    assert.equal(halfway.progress.steps.files.state, 'done')
    assert.equal(halfway.progress.steps.rows.state, 'pending')
    assert.isAbove(halfway.progress.percent, 0)
    assert.isBelow(halfway.progress.percent, 100)
    assert.lengthOf(await mailsTo(owner.email), 0)
    assert.include(await tenantsMarkedForDeletion(), tenant.id)

    assert.isTrue(await deleteMarkedTenant(tenant.id))
    await halfway.refresh()
    assert.equal(halfway.status, 'finished')
    assert.equal(halfway.attempts, 2)
    assert.isNull(halfway.lastError)
    assert.deepEqual(halfway.progress.tables.contacts, { total: 30, removed: 30 })
    assert.lengthOf(await mailsTo(owner.email), 1)
    assert.notInclude(await tenantsMarkedForDeletion(), tenant.id)
  }).timeout(60_000)

  test('run after the last row finishes', async ({ client, assert }) => {
    const { tenant, owner } = await doomedWorkspace()
    await requestDeletion(client, owner, tenant.name)
    assert.isTrue(await deleteMarkedTenant(tenant.id))
    // As a run that stopped after the workspace's last row, before its record was finished.
    const deletion = await WorkspaceDeletion.findByOrFail('workspaceId', tenant.id)
    await db
      .from('workspace_deletions')
      .where('id', deletion.id)
      .update({ status: 'running', finished_at: null })
    await db
      .from('workspace_deletion_members')
      .where('deletion_id', deletion.id)
      .update({ notified_at: null })
    await clearMailbox()
    assert.include(await tenantsMarkedForDeletion(), tenant.id)

    assert.isTrue(await deleteMarkedTenant(tenant.id))
    await deletion.refresh()
    assert.equal(deletion.status, 'finished')
    assert.isNotNull(deletion.finishedAt)
    assert.lengthOf(await mailsTo(owner.email), 1)
    assert.notInclude(await tenantsMarkedForDeletion(), tenant.id)
  }).timeout(60_000)
})

test.group('Workspace deletion progress', (group) => {
  group.each.setup(() => clearMailbox())

  test('members follow it, others cannot', async ({ client, assert, cleanup }) => {
    const { tenant, owner, agent, agentPassword } = await doomedWorkspace()
    const elsewhere = await createTenantWithOwner()
    const { user: outsider, password } = await addMember(elsewhere.tenant.id, 'owner')
    await requestDeletion(client, owner, tenant.name)
    const deletion = await WorkspaceDeletion.findByOrFail('workspaceId', tenant.id)
    const channel = `workspace-deletions/${deletion.id}`

    const session = await signIn(BASE, agent.email, agentPassword)
    const uid = randomUUID()
    const events: any[] = []
    const stream = await openStream(BASE, session, uid, (event) => {
      if (event?.channel === channel || event?.payload?.id === deletion.id) {
        events.push(event.payload)
      }
    })
    cleanup(() => {
      stream.destroy()
    })
    assert.equal(await subscribe(session, uid, channel), 204)

    const stranger = await signIn(BASE, outsider.email, password)
    const strangerUid = randomUUID()
    const strangerStream = await openStream(BASE, stranger, strangerUid)
    cleanup(() => {
      strangerStream.destroy()
    })
    assert.notEqual(await subscribe(stranger, strangerUid, channel), 204)
    const hidden = await client
      .get(`/workspaces/deletions/${deletion.id}`)
      .loginAs(outsider)
      .headers(INERTIA_HEADERS)
    hidden.assertStatus(404)

    assert.isTrue(await deleteMarkedTenant(tenant.id))
    await waitFor(async () => events.at(-1)?.status === 'finished', 'the last progress event')

    const percents = events.map((event) => event.percent)
    assert.deepEqual(
      percents,
      [...percents].sort((a, b) => a - b),
      'the percent went back'
    )
    assert.isAbove(events.length, DELETION_STEPS.length)
    const last = events.at(-1)
    assert.equal(last.percent, 100)
    assert.equal(last.workspaceName, tenant.name)
    assert.deepEqual(
      last.steps.map((step: { name: string; state: string }) => [step.name, step.state]),
      DELETION_STEPS.map((step) => [step, 'done'])
    )
    const contacts = last.tables.find((table: { name: string }) => table.name === 'contacts')
    assert.deepEqual(contacts, { name: 'contacts', total: 30, removed: 30 })
    assert.isAtLeast(last.rowsRemoved, 61)
    assert.equal(last.rowsRemoved, last.rowsTotal)
    const midway = events.find((event) => event.step === 'rows' && event.rowsRemoved > 0)
    assert.exists(midway, 'no event while rows were deleted')
  }).timeout(60_000)

  test('member lands on progress page', async ({ client, assert }) => {
    const { tenant, owner, agent, other } = await doomedWorkspace()
    await requestDeletion(client, owner, tenant.name)
    const deletion = await WorkspaceDeletion.findByOrFail('workspaceId', tenant.id)

    // The agent was working in the workspace being deleted: every page leads to its deletion.
    for (const path of ['/', '/contacts', '/campaigns']) {
      const home = await client.get(path).loginAs(agent).redirects(0)
      home.assertStatus(302)
      home.assertHeader('location', `/workspaces/deletions/${deletion.id}`)
    }
    const started = await client
      .post('/contacts')
      .form({ phone: '+5511912340001' })
      .loginAs(agent)
      .withCsrfToken()
      .redirects(0)
    started.assertStatus(302)
    started.assertHeader('location', `/workspaces/deletions/${deletion.id}`)

    const page = await client
      .get(`/workspaces/deletions/${deletion.id}`)
      .loginAs(agent)
      .headers(INERTIA_HEADERS)
    page.assertStatus(200)
    assert.equal(page.body().component, 'workspaces/deletion')
    const { deletion: shown, next } = page.body().props
    assert.equal(shown.workspaceName, tenant.name)
    assert.equal(shown.requestedBy, owner.email)
    assert.equal(shown.status, 'queued')
    assert.equal(shown.percent, 0)
    assert.deepEqual(next, { name: other.name })

    // The owner, whose only workspace it was, is offered the start page.
    const ownerPage = await client
      .get(`/workspaces/deletions/${deletion.id}`)
      .loginAs(owner)
      .headers(INERTIA_HEADERS)
    assert.isNull(ownerPage.body().props.next)

    assert.isTrue(await deleteMarkedTenant(tenant.id))
    const moved = await client.get('/contacts').loginAs(agent).redirects(0)
    moved.assertStatus(302)
    moved.assertHeader('location', '/contacts')
    assert.equal(
      moved.flashMessages().success,
      `Workspace ${tenant.name} was deleted. You are now working in ${other.name}.`
    )
    const done = await client
      .post(`/workspaces/deletions/${deletion.id}/continue`)
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    done.assertHeader('location', '/workspaces/start')
    assert.equal(done.flashMessages().success, `Workspace ${tenant.name} was deleted.`)
  }).timeout(60_000)

  test('member moves on before the end', async ({ client, assert }) => {
    const { tenant, owner, agent, other } = await doomedWorkspace()
    await requestDeletion(client, owner, tenant.name)
    const deletion = await WorkspaceDeletion.findByOrFail('workspaceId', tenant.id)

    const response = await client
      .post(`/workspaces/deletions/${deletion.id}/continue`)
      .loginAs(agent)
      .withCsrfToken()
      .redirects(0)
    response.assertHeader('location', '/')
    assert.isUndefined(response.flashMessages()?.success)
    await agent.refresh()
    assert.equal(agent.currentTenantId, other.id)

    const home = await client.get('/').loginAs(agent).headers(INERTIA_HEADERS)
    assert.equal(home.body().props.tenant.id, other.id)
    assert.deepEqual(home.body().props.workspaceDeletions, [
      { id: deletion.id, workspaceName: tenant.name, percent: 0 },
    ])

    assert.isTrue(await deleteMarkedTenant(tenant.id))
    const after = await client.get('/').loginAs(agent).headers(INERTIA_HEADERS)
    assert.deepEqual(after.body().props.workspaceDeletions, [])
  }).timeout(60_000)
})
