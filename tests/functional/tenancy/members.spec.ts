import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Invitation from '#models/invitation'
import Membership from '#models/membership'
import User from '#models/user'
import { runInTenant } from '#tenancy/tenant_context'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { clearMailbox, latestLinkTo } from '#tests/helpers/mailbox'

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
