import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { ApiClient } from '@japa/api-client'
import { DateTime } from 'luxon'
import Invitation from '#models/invitation'
import Membership from '#models/membership'
import User from '#models/user'
import { runInTenant } from '#tenancy/tenant_context'
import type { Role } from '#tenancy/roles'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { clearMailbox, latestLinkTo, mailsTo } from '#tests/helpers/mailbox'

test.group('Members invite', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())
  group.each.setup(() => clearMailbox())

  test('owner invites and the invitee joins', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()

    const invite = await client
      .post('/settings/invitations')
      .form({ email: 'Carla@Example.com', role: 'editor' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    invite.assertStatus(302)

    const link = await latestLinkTo('carla@example.com')
    const page = await client.get(link.pathname)
    page.assertStatus(200)

    const accept = await client
      .post(link.pathname)
      .form({ fullName: 'Carla Mendes', password: 'correct horse battery' })
      .withCsrfToken()
      .redirects(0)
    accept.assertStatus(302)

    const carla = await User.findByOrFail('email', 'carla@example.com')
    assert.isNull(carla.locale, 'a new member follows the browser')
    const membership = await runInTenant(tenant.id, () =>
      Membership.query().where('user_id', carla.id).firstOrFail()
    )
    assert.equal(membership.role, 'editor')

    const reuse = await client.get(link.pathname)
    reuse.assertStatus(404)
  })

  test('viewer cannot invite', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: viewer } = await addMember(tenant.id, 'viewer')

    const response = await client
      .post('/settings/invitations')
      .form({ email: 'dudu@example.com', role: 'agent' })
      .loginAs(viewer)
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    assert.property(response.flashMessages().errorsBag ?? {}, 'E_AUTHORIZATION_FAILURE')

    const json = await client
      .post('/settings/invitations')
      .json({ email: 'dudu@example.com', role: 'agent' })
      .accept('json')
      .loginAs(viewer)
      .withCsrfToken()
    json.assertStatus(403)

    const invitations = await runInTenant(tenant.id, () => Invitation.query())
    assert.lengthOf(invitations, 0)
  })

  test('admin cannot grant the owner role', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: admin } = await addMember(tenant.id, 'admin')

    const response = await client
      .post('/settings/invitations')
      .json({ email: 'erica@example.com', role: 'owner' })
      .accept('json')
      .loginAs(admin)
      .withCsrfToken()
    response.assertStatus(403)
    const invitations = await runInTenant(tenant.id, () => Invitation.query())
    assert.lengthOf(invitations, 0)
  })

  test('admin cannot replace an owner invitation', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { user: admin } = await addMember(tenant.id, 'admin')
    const invite = (user: User, email: string, role: Role) =>
      client
        .post('/settings/invitations')
        .json({ email, role })
        .accept('json')
        .loginAs(user)
        .withCsrfToken()
    const first = await invite(owner, 'co-owner@example.com', 'owner')
    first.assertStatus(200)

    const replaced = await invite(admin, 'CO-OWNER@example.com', 'viewer')

    replaced.assertStatus(403)
    const invitations = await runInTenant(tenant.id, () => Invitation.query())
    assert.deepEqual(
      invitations.map((invitation) => invitation.role),
      ['owner']
    )
  })

  test('admin changes an editor to agent', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: admin } = await addMember(tenant.id, 'admin')
    const { membership } = await addMember(tenant.id, 'editor')

    const response = await client
      .put(`/settings/members/${membership.id}`)
      .form({ role: 'agent' })
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    await runInTenant(tenant.id, () => membership.refresh())
    assert.equal(membership.role, 'agent')
  })

  test('form post without CSRF token creates nothing', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await client
      .post('/settings/invitations')
      .form({ email: 'fabio@example.com', role: 'agent' })
      .loginAs(owner)
      .redirects(0)
    const invitations = await runInTenant(tenant.id, () => Invitation.query())
    assert.lengthOf(invitations, 0)
  })
})

test.group('Members invitation link', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())
  group.each.setup(() => clearMailbox())

  async function invite(client: ApiClient, user: User, email: string, role: Role) {
    const response = await client
      .post('/settings/invitations')
      .form({ email, role })
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
  }

  async function invitationsSeenBy(client: ApiClient, user: User) {
    const page = await client.get('/settings/members').loginAs(user).headers(INERTIA_HEADERS)
    page.assertStatus(200)
    return page.body().props.invitations as { email: string; link: string | null }[]
  }

  test('owner copies the mailed link', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    await invite(client, owner, 'eva@example.com', 'agent')

    const [invitation] = await invitationsSeenBy(client, owner)
    const mailed = await latestLinkTo('eva@example.com')
    assert.equal(invitation.link, mailed.href)
    const page = await client.get(new URL(invitation.link!).pathname)
    page.assertStatus(200)
  })

  test('only members who may invite see links', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { user: admin } = await addMember(tenant.id, 'admin')
    await invite(client, owner, 'future.owner@example.com', 'owner')
    await invite(client, owner, 'future.editor@example.com', 'editor')

    const byAdmin = await invitationsSeenBy(client, admin)
    const linkOf = (list: { email: string; link: string | null }[], email: string) =>
      list.find((entry) => entry.email === email)?.link
    assert.isNull(linkOf(byAdmin, 'future.owner@example.com'))
    assert.isString(linkOf(byAdmin, 'future.editor@example.com'))

    for (const role of ['editor', 'agent', 'viewer'] as const) {
      const { user } = await addMember(tenant.id, role)
      const seen = await invitationsSeenBy(client, user)
      assert.lengthOf(seen, 2)
      assert.isTrue(
        seen.every((entry) => entry.link === null),
        role
      )
    }
  })

  test('expired and older invitations have no link', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await invite(client, owner, 'late@example.com', 'viewer')
    await invite(client, owner, 'older@example.com', 'viewer')
    await runInTenant(tenant.id, async () => {
      await Invitation.query()
        .where('email', 'late@example.com')
        .update({ expiresAt: DateTime.utc().minus({ days: 1 }).toSQL({ includeOffset: false }) })
      await Invitation.query().where('email', 'older@example.com').update({ tokenEncrypted: null })
    })

    const seen = await invitationsSeenBy(client, owner)
    assert.lengthOf(seen, 2)
    assert.isTrue(seen.every((entry) => entry.link === null))
  })

  test('sealed token does not move to another invitation', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await invite(client, owner, 'first@example.com', 'agent')
    await invite(client, owner, 'second@example.com', 'agent')
    await runInTenant(tenant.id, async () => {
      const first = await Invitation.findByOrFail('email', 'first@example.com')
      await Invitation.query()
        .where('email', 'second@example.com')
        .update({ tokenEncrypted: first.tokenEncrypted })
    })

    const seen = await invitationsSeenBy(client, owner)
    const second = seen.find((entry) => entry.email === 'second@example.com')
    assert.isNull(second?.link)
  })
})

test.group('Members invite an existing member', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())
  group.each.setup(() => clearMailbox())

  test('rejects inviting a member', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { user: editor } = await addMember(tenant.id, 'editor')

    const response = await client
      .post('/settings/invitations')
      .form({ email: editor.email.toUpperCase(), role: 'admin' })
      .header('referer', '/settings/members')
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', '/settings/members')
    const fieldErrors = (response.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.equal(
      fieldErrors.email?.[0],
      `${editor.fullName} (${editor.email}) is already a member of this workspace, as Editor. Change their role in the list above instead.`
    )
    const pending = await runInTenant(tenant.id, () => Invitation.query().whereNull('accepted_at'))
    assert.lengthOf(pending, 0)
    assert.lengthOf(await mailsTo(editor.email), 0)
  })

  test('rejects inviting yourself', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    owner.fullName = null
    owner.locale = null
    await owner.save()

    const response = await client
      .post('/settings/invitations')
      .form({ email: owner.email, role: 'agent' })
      .header('referer', '/settings/members')
      .header('accept-language', 'pt-BR')
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)

    const fieldErrors = (response.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.equal(
      fieldErrors.email?.[0],
      `${owner.email} já é membro deste espaço de trabalho, como Proprietário. Para mudar o papel, use a lista acima.`
    )
    const pending = await runInTenant(tenant.id, () => Invitation.query().whereNull('accepted_at'))
    assert.lengthOf(pending, 0)
  })

  test('invites a member of another workspace', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const { owner: outsider } = await createTenantWithOwner('Other')

    const response = await client
      .post('/settings/invitations')
      .form({ email: outsider.email, role: 'agent' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    assert.notProperty(response.flashMessages().inputErrorsBag ?? {}, 'email')
    assert.lengthOf(await mailsTo(outsider.email), 1)
  })

  test('link of a member opens the workspace', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await client
      .post('/settings/invitations')
      .form({ email: 'joana@example.com', role: 'viewer' })
      .loginAs(owner)
      .withCsrfToken()
    const link = await latestLinkTo('joana@example.com')
    // Joana joins another way while the invitation is pending.
    const { user: joana } = await addMember(tenant.id, 'editor')
    joana.email = 'joana@example.com'
    joana.currentTenantId = null
    await joana.save()

    const page = await client.get(link.pathname).headers(INERTIA_HEADERS).loginAs(joana)
    page.assertStatus(200)
    assert.equal(page.body().props.memberRole, 'editor')

    const accept = await client.post(link.pathname).loginAs(joana).withCsrfToken().redirects(0)
    accept.assertStatus(302)
    accept.assertHeader('location', '/')
    assert.equal(
      accept.flashMessages().success,
      `You were already a member of ${tenant.name}, as Editor, so your role stays as it was. ${tenant.name} is open now.`
    )

    const membership = await runInTenant(tenant.id, () =>
      Membership.query().where('user_id', joana.id).firstOrFail()
    )
    assert.equal(membership.role, 'editor')
    await joana.refresh()
    assert.equal(joana.currentTenantId, tenant.id)
    const pending = await runInTenant(tenant.id, () => Invitation.query().whereNull('accepted_at'))
    assert.lengthOf(pending, 0)
  })
})
