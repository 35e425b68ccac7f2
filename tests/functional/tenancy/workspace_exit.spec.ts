import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import env from '#start/env'
import Membership from '#models/membership'
import Tenant from '#models/tenant'
import WorkspaceDeletion from '#models/workspace_deletion'
import User from '#models/user'
import { runAsSystem, runInTenant } from '#tenancy/tenant_context'
import type { Role } from '#tenancy/roles'
import { markTenantForDeletion } from '#services/workspaces/workspace_exit'
import { deleteMarkedTenant, type DeletionStep } from '#services/workspaces/workspace_deletion'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { pairedSandbox, sandboxSendCount, waitFor } from '#tests/helpers/channels'
import { signIn } from '#tests/helpers/web_session'
import { openStream, subscribe } from '#tests/helpers/event_stream'
import {
  campaignJourneys,
  oneSendFlow,
  phoneNumber,
  publishedCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
  waitForCampaignState,
} from '#tests/helpers/engine'
import AuditEntry from '../../../plugins/audit/models/audit_entry.js'

const BASE = `http://127.0.0.1:${env.get('PORT')}`

/** Tables whose rows a finished campaign no longer adds to or removes. */
const STABLE_TABLES = [
  'campaigns',
  'channel_instances',
  'contact_list_members',
  'contact_lists',
  'contacts',
  'flow_versions',
  'flows',
  'journeys',
  'memberships',
  'messages',
]

function leave(client: ApiClient, user: User) {
  return client.post('/settings/workspace/leave').loginAs(user).withCsrfToken().redirects(0)
}

function requestDeletion(client: ApiClient, user: User, confirmName: string) {
  return client
    .delete('/settings/workspace')
    .form({ confirmName })
    .loginAs(user)
    .withCsrfToken()
    .redirects(0)
}

function membershipOf(userId: number, tenantId: number) {
  return runAsSystem(() =>
    Membership.query().where('user_id', userId).where('tenant_id', tenantId).first()
  )
}

async function roleOf(userId: number, tenantId: number) {
  const membership = await membershipOf(userId, tenantId)
  return membership?.role ?? null
}

/** Adds an existing user to another tenant with `role`, keeping their current tenant. */
function joinTenant(user: User, tenantId: number, role: Role) {
  return runInTenant(tenantId, () => Membership.create({ userId: user.id, role }))
}

/** Counts the rows of every table with a `tenant_id` column that belong to the tenant. */
async function rowsByTable(tenantId: number) {
  const counts: Record<string, number> = {}
  for (const table of await db.connection().getAllTables()) {
    const columns = await db.connection().columnsInfo(table)
    if (!('tenant_id' in columns)) {
      continue
    }
    const [row] = await db.from(table).where('tenant_id', tenantId).count('* as total')
    counts[table] = Number(row.total)
  }
  return counts
}

test.group('Workspace leave', () => {
  test('member leaves and moves to another workspace', async ({ client, assert }) => {
    const { tenant: left } = await createTenantWithOwner('Left')
    const { tenant: kept } = await createTenantWithOwner('Kept')
    const { user: agent, membership } = await addMember(left.id, 'agent')
    await joinTenant(agent, kept.id, 'viewer')

    const response = await leave(client, agent)
    response.assertStatus(302)
    response.assertHeader('location', '/')
    assert.equal(response.flashMessages().success, `You left ${left.name}.`)

    assert.isNull(await membershipOf(agent.id, left.id))
    await agent.refresh()
    assert.equal(agent.currentTenantId, kept.id)
    const page = await client.get('/').loginAs(agent).headers(INERTIA_HEADERS)
    assert.equal(page.body().props.tenant.id, kept.id)
    assert.deepEqual(
      page.body().props.tenants.map((entry: { id: number }) => entry.id),
      [kept.id]
    )

    const [entry] = await AuditEntry.query()
      .where('tenant_id', left.id)
      .where('action', 'member.left')
    assert.equal(entry.actorId, agent.id)
    assert.equal(entry.targetId, String(membership.id))
    assert.deepEqual(entry.before, { userId: agent.id, role: 'agent' })
  })

  test('sole-workspace member goes to start page', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: viewer } = await addMember(tenant.id, 'viewer')

    const response = await leave(client, viewer)
    response.assertStatus(302)
    response.assertHeader('location', '/workspaces/start')
    await viewer.refresh()
    assert.isNull(viewer.currentTenantId)

    const home = await client.get('/').loginAs(viewer).redirects(0)
    home.assertStatus(302)
    home.assertHeader('location', '/workspaces/start')
    const start = await client.get('/workspaces/start').loginAs(viewer).headers(INERTIA_HEADERS)
    start.assertStatus(200)
    assert.equal(start.body().component, 'workspaces/start')
    assert.include(start.body().props.countries, 'BR')

    const created = await client
      .post('/workspaces')
      .form({ name: 'Fresh Start', defaultCountry: 'BR', timezone: 'America/Sao_Paulo' })
      .loginAs(viewer)
      .withCsrfToken()
      .redirects(0)
    created.assertStatus(302)
    created.assertHeader('location', '/')
    const fresh = await Tenant.findByOrFail('name', 'Fresh Start')
    assert.equal(await roleOf(viewer.id, fresh.id), 'owner')
    const back = await client.get('/workspaces/start').loginAs(viewer).redirects(0)
    back.assertHeader('location', '/')
  })

  test('last owner cannot leave', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await addMember(tenant.id, 'admin')

    const settings = await client.get('/settings/workspace').loginAs(owner).headers(INERTIA_HEADERS)
    assert.isTrue(settings.body().props.isLastOwner)

    const response = await leave(client, owner)
    response.assertStatus(302)
    const errors = response.flashMessages().errorsBag as Record<string, string>
    assert.equal(
      errors.E_LAST_OWNER,
      `You are the last owner of ${tenant.name}, so you cannot leave it. ` +
        'Make another member owner first, or delete the workspace.'
    )
    assert.equal(await roleOf(owner.id, tenant.id), 'owner')

    const { user: second } = await addMember(tenant.id, 'owner')
    const again = await client.get('/settings/workspace').loginAs(owner).headers(INERTIA_HEADERS)
    assert.isFalse(again.body().props.isLastOwner)
    const allowed = await leave(client, owner)
    allowed.assertHeader('location', '/workspaces/start')
    assert.isNull(await membershipOf(owner.id, tenant.id))
    const refused = await leave(client, second)
    assert.property(refused.flashMessages().errorsBag ?? {}, 'E_LAST_OWNER')
  })

  test('leaving closes the event stream', async ({ assert, cleanup }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: agent, password } = await addMember(tenant.id, 'agent')
    const session = await signIn(BASE, agent.email, password)
    const uid = randomUUID()
    const stream = await openStream(BASE, session, uid)
    cleanup(() => {
      stream.destroy()
    })
    let closed = false
    stream.on('close', () => (closed = true))
    assert.equal(await subscribe(session, uid, `tenants/${tenant.id}/campaigns`), 204)

    const response = await session.request('POST', '/settings/workspace/leave', {})
    assert.equal(response.status, 302)
    // Leaving checks the streams at once, while the periodic check runs only every 10 s.
    await waitFor(async () => closed, 'the event stream to close', 5000)
    assert.notEqual(await subscribe(session, uid, `tenants/${tenant.id}/campaigns`), 204)
  }).timeout(30_000)
})

test.group('Workspace delete request', () => {
  test('only an owner may delete', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    for (const role of ['admin', 'editor', 'agent', 'viewer'] as const) {
      const { user } = await addMember(tenant.id, role)
      const page = await client.get('/settings/workspace').loginAs(user).headers(INERTIA_HEADERS)
      assert.isFalse(page.body().props.canDelete, role)

      const response = await requestDeletion(client, user, tenant.name)
      response.assertStatus(302)
      assert.property(response.flashMessages().errorsBag ?? {}, 'E_AUTHORIZATION_FAILURE', role)
    }
    await tenant.refresh()
    assert.isNull(tenant.deletionRequestedAt)
  })

  test('wrong name is rejected on the field', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const page = await client.get('/settings/workspace').loginAs(owner).headers(INERTIA_HEADERS)
    assert.isTrue(page.body().props.canDelete)

    for (const typed of ['', 'Another workspace', tenant.name.toUpperCase()]) {
      const response = await requestDeletion(client, owner, typed)
      response.assertStatus(302)
      const errors = response.flashMessages().inputErrorsBag ?? {}
      assert.property(errors, 'confirmName', JSON.stringify(typed))
    }
    const mismatch = await requestDeletion(client, owner, 'Another workspace')
    const inputErrors = mismatch.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.deepEqual(inputErrors.confirmName, [
      `The name does not match. Type ${tenant.name} exactly as shown.`,
    ])
    await tenant.refresh()
    assert.isNull(tenant.deletionRequestedAt)
    assert.equal(await roleOf(owner.id, tenant.id), 'owner')
  })

  test('members lose access at once', async ({ client, assert }) => {
    const { tenant: doomed, owner } = await createTenantWithOwner('Doomed')
    const { tenant: other } = await createTenantWithOwner('Other')
    const { user: agent } = await addMember(doomed.id, 'agent')
    await joinTenant(agent, other.id, 'editor')
    const { user: loner } = await addMember(doomed.id, 'viewer')

    // Marked only: no worker runs in this group, so the rows stay and the access checks show.
    const response = await requestDeletion(client, owner, ` ${doomed.name} `)
    response.assertStatus(302)
    const deletion = await WorkspaceDeletion.findByOrFail('workspaceId', doomed.id)
    response.assertHeader('location', `/workspaces/deletions/${deletion.id}`)
    await doomed.refresh()
    assert.isNotNull(doomed.deletionRequestedAt)
    assert.isNull(await membershipOf(agent.id, doomed.id))

    // A member who worked in it is sent to its deletion page, and can go on into another workspace.
    const first = await client.get('/contacts').loginAs(agent).headers(INERTIA_HEADERS).redirects(0)
    first.assertStatus(302)
    first.assertHeader('location', `/workspaces/deletions/${deletion.id}`)
    const moved = await client
      .post(`/workspaces/deletions/${deletion.id}/continue`)
      .loginAs(agent)
      .withCsrfToken()
      .redirects(0)
    moved.assertHeader('location', '/')
    const next = await client.get('/contacts').loginAs(agent).headers(INERTIA_HEADERS)
    next.assertStatus(200)
    assert.equal(next.body().props.tenant.id, other.id)
    await agent.refresh()
    assert.equal(agent.currentTenantId, other.id)

    const lonely = await client
      .post(`/workspaces/deletions/${deletion.id}/continue`)
      .loginAs(loner)
      .withCsrfToken()
      .redirects(0)
    lonely.assertHeader('location', '/workspaces/start')
    const start = await client.get('/').loginAs(loner).redirects(0)
    start.assertHeader('location', '/workspaces/start')
    const switched = await client
      .post('/tenants/switch')
      .form({ tenantId: doomed.id })
      .loginAs(agent)
      .withCsrfToken()
      .redirects(0)
    switched.assertStatus(404)
  })
})

test.group('Workspace deletion', (group) => {
  useEngineRoles(group)

  test('deletion cancels campaign, keeps others', async ({ client, assert }) => {
    const doomed = await createTenantWithOwner('Doomed')
    const kept = await createTenantWithOwner('Kept')
    const { user: agent } = await addMember(doomed.tenant.id, 'agent')
    await joinTenant(agent, kept.tenant.id, 'viewer')

    const doomedInstance = await pairedSandbox(doomed.tenant.id, { sentDelayMs: 200 })
    const keptInstance = await pairedSandbox(kept.tenant.id)
    const audience = (area: number) =>
      Array.from({ length: 40 }, (_, index) => ({ phone: phoneNumber(area, index) }))
    const doomedList = await seedAudience(doomed.tenant.id, audience(41))
    const keptList = await seedAudience(kept.tenant.id, audience(42))
    // Paced at one send every 2 seconds, so the campaign is still running when deleted.
    const running = await publishedCampaign(doomed.tenant.id, doomed.owner.id, oneSendFlow(), {
      listIds: [doomedList.listId],
      channelInstanceIds: [doomedInstance.id],
      minIntervalSeconds: 2,
      maxIntervalSeconds: 2,
    })
    const keptCampaign = await publishedCampaign(kept.tenant.id, kept.owner.id, oneSendFlow(), {
      listIds: [keptList.listId],
      channelInstanceIds: [keptInstance.id],
    })
    await startCampaign(keptCampaign, kept.owner.id)
    await waitForCampaignState(keptCampaign, 'finished')
    await startCampaign(running, doomed.owner.id)
    await waitFor(async () => (await sandboxSendCount(doomedInstance.id)) >= 1, 'a first send')

    const cancelled: number[] = []
    const onCancel = ({ campaignId }: { campaignId: number }) => cancelled.push(campaignId)
    emitter.on('campaign:cancelled', onCancel)
    const keptBefore = await rowsByTable(kept.tenant.id)
    try {
      const response = await requestDeletion(client, doomed.owner, doomed.tenant.name)
      response.assertStatus(302)
      await waitFor(
        async () => !(await db.from('tenants').where('id', doomed.tenant.id).first()),
        'the workspace to be deleted',
        60_000
      )
    } finally {
      emitter.off('campaign:cancelled', onCancel)
    }

    assert.deepEqual(cancelled, [running.id])
    const sentAtDeletion = await sandboxSendCount(doomedInstance.id)
    assert.isBelow(sentAtDeletion, 40, 'the campaign finished before it was deleted')
    const leftovers = Object.entries(await rowsByTable(doomed.tenant.id)).filter(
      ([, count]) => count > 0
    )
    assert.deepEqual(leftovers, [])
    assert.lengthOf(await campaignJourneys(running), 0)
    const steps = await db.from('journey_steps').where('campaign_id', running.id).count('* as n')
    assert.equal(Number(steps[0].n), 0)
    // Receipts may still add report rows for the finished campaign, so its stable tables are compared.
    const keptAfter = await rowsByTable(kept.tenant.id)
    for (const table of STABLE_TABLES) {
      assert.equal(keptAfter[table], keptBefore[table], table)
      assert.isAbove(keptAfter[table], 0, table)
    }
    const keptStarts = await db.from('journey_steps').where('campaign_id', keptCampaign.id)
    assert.isAbove(keptStarts.length, 0)

    await new Promise((resolve) => setTimeout(resolve, 3000))
    assert.equal(await sandboxSendCount(doomedInstance.id), sentAtDeletion, 'sent after deletion')

    const page = await client.get('/').loginAs(agent).headers(INERTIA_HEADERS)
    assert.equal(page.body().props.tenant.id, kept.tenant.id)
    await agent.refresh()
    assert.equal(agent.currentTenantId, kept.tenant.id)
    assert.isNotNull(await User.find(doomed.owner.id), 'the owner account was deleted')
  }).timeout(120_000)

  test('interrupted deletion completes on the next run', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    await seedAudience(tenant.id, [{ phone: phoneNumber(43, 1) }, { phone: phoneNumber(43, 2) }])
    await markTenantForDeletion(tenant)

    const crash = async (step: DeletionStep) => {
      if (step === 'rows') {
        throw new Error('worker stopped')
      }
    }
    await assert.rejects(() => deleteMarkedTenant(tenant.id, crash), 'worker stopped')
    const halfway = await rowsByTable(tenant.id)
    assert.equal(halfway.contacts, 2)

    assert.isTrue(await deleteMarkedTenant(tenant.id))
    assert.isNull(await db.from('tenants').where('id', tenant.id).first())
    const after = await rowsByTable(tenant.id)
    assert.equal(after.contacts, 0)
    assert.isFalse(await deleteMarkedTenant(tenant.id))
  })

  test('unmarked workspace is never deleted', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    assert.isFalse(await deleteMarkedTenant(tenant.id))
    assert.isNotNull(await Tenant.find(tenant.id))
    assert.equal(await roleOf(owner.id, tenant.id), 'owner')
  })
})
