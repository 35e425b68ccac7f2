import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import { DateTime } from 'luxon'
import env from '#start/env'
import User from '#models/user'
import PasswordResetToken from '#models/password_reset_token'
import { resetPassword } from '#services/password_reset_service'
import { generateToken } from '#services/secure_token'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { signIn, type WebSession } from '#tests/helpers/web_session'

const BASE = `http://127.0.0.1:${env.get('PORT')}`

/** Returns the status of a GET through `session`, accepting HTML by default. */
async function statusOf(session: WebSession, path: string, accept = 'text/html') {
  const response = await session.request('GET', path, undefined, { accept })
  return response.status
}
const NEW_PASSWORD = 'purple staple monitor'

test.group('Profile name', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('member renames themselves', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const response = await client
      .put('/profile/name')
      .form({ fullName: '  Ana Maria Souza ' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    await owner.refresh()
    assert.equal(owner.fullName, 'Ana Maria Souza')
  })

  test('too short a name is rejected', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const before = owner.fullName
    const response = await client
      .put('/profile/name')
      .form({ fullName: 'A' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    assert.property(response.flashMessages().inputErrorsBag ?? {}, 'fullName')
    await owner.refresh()
    assert.equal(owner.fullName, before)
  })
})

test.group('Profile password', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())
  group.each.setup(async () => {
    await db.from('rate_limits').delete()
  })

  function changePassword(client: ApiClient, user: User, body: Record<string, string>) {
    return client.put('/profile/password').form(body).loginAs(user).withCsrfToken().redirects(0)
  }

  test('new password replaces the old one', async ({ client, assert }) => {
    const { tenant, owner, password } = await createTenantWithOwner()
    const response = await changePassword(client, owner, {
      currentPassword: password,
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
    })
    response.assertStatus(302)
    assert.notProperty(response.flashMessages().inputErrorsBag ?? {}, 'currentPassword')

    await assert.rejects(() => User.verifyCredentials(owner.email, password))
    const user = await User.verifyCredentials(owner.email, NEW_PASSWORD)
    assert.equal(user.id, owner.id)
    assert.match(user.password, /^\$argon2id\$/)

    const entries = await db
      .from('audit_entries')
      .where('tenant_id', tenant.id)
      .where('action', 'account.password_changed')
    assert.lengthOf(entries, 1)
    assert.equal(entries[0].actor_id, owner.id)
  })

  test('wrong current password changes nothing', async ({ client, assert }) => {
    const { owner, password } = await createTenantWithOwner()
    const response = await changePassword(client, owner, {
      currentPassword: 'not my password',
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
    })
    response.assertStatus(302)
    assert.property(response.flashMessages().inputErrorsBag ?? {}, 'currentPassword')
    const user = await User.verifyCredentials(owner.email, password)
    assert.equal(user.sessionVersion, 0)
  })

  test('sign-up rules apply to the new password', async ({ client, assert }) => {
    const { owner, password } = await createTenantWithOwner()
    const cases = [
      { body: { password: 'short', passwordConfirmation: 'short' }, field: 'password' },
      {
        body: { password: 'x'.repeat(129), passwordConfirmation: 'x'.repeat(129) },
        field: 'password',
      },
      {
        body: { password: NEW_PASSWORD, passwordConfirmation: 'other' },
        field: 'passwordConfirmation',
      },
    ]
    for (const { body, field } of cases) {
      const response = await changePassword(client, owner, { currentPassword: password, ...body })
      assert.property(response.flashMessages().inputErrorsBag ?? {}, field, field)
    }
    await User.verifyCredentials(owner.email, password)
  })

  test('mismatch leaves later confirmations working', async ({ client, assert }) => {
    const { owner, password } = await createTenantWithOwner()
    const mismatch = await changePassword(client, owner, {
      currentPassword: password,
      password: NEW_PASSWORD,
      passwordConfirmation: 'something else',
    })
    assert.property(mismatch.flashMessages().inputErrorsBag ?? {}, 'passwordConfirmation')

    const match = await changePassword(client, owner, {
      currentPassword: password,
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
    })
    assert.notProperty(match.flashMessages().inputErrorsBag ?? {}, 'passwordConfirmation')
    await User.verifyCredentials(owner.email, NEW_PASSWORD)
  })

  test('limits wrong current passwords', async ({ client, assert }) => {
    const { owner, password } = await createTenantWithOwner()
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await changePassword(client, owner, {
        currentPassword: `wrong ${attempt}`,
        password: NEW_PASSWORD,
        passwordConfirmation: NEW_PASSWORD,
      })
      assert.property(wrong.flashMessages().inputErrorsBag ?? {}, 'currentPassword')
    }
    const blocked = await changePassword(client, owner, {
      currentPassword: password,
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
    })
    const fieldErrors = (blocked.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.match(
      fieldErrors.currentPassword?.[0] ?? '',
      /^Too many wrong passwords\. Try again in (1 minute|[1-5]?\d seconds?)\.$/
    )
    await User.verifyCredentials(owner.email, password)
  })

  test('other sessions are signed out, this one stays', async ({ assert }) => {
    const { owner, password } = await createTenantWithOwner()
    const other = await signIn(BASE, owner.email, password)
    const current = await signIn(BASE, owner.email, password)
    assert.equal(await statusOf(other, '/'), 200)

    const response = await current.request('PUT', '/profile/password', {
      currentPassword: password,
      password: NEW_PASSWORD,
      passwordConfirmation: NEW_PASSWORD,
    })
    assert.equal(response.status, 302)

    const signedOut = await other.request('GET', '/', undefined, { accept: 'text/html' })
    assert.equal(signedOut.status, 302)
    assert.equal(signedOut.headers.get('location'), '/login')
    assert.equal(await statusOf(other, '/profile', 'application/json'), 401)
    assert.equal(await statusOf(current, '/'), 200)
    assert.equal(await statusOf(current, '/profile'), 200)

    const again = await signIn(BASE, owner.email, NEW_PASSWORD)
    assert.equal(await statusOf(again, '/'), 200)
  })

  test('password reset signs out every session', async ({ assert }) => {
    const { owner, password } = await createTenantWithOwner()
    const session = await signIn(BASE, owner.email, password)
    assert.equal(await statusOf(session, '/'), 200)

    const { token, hash } = generateToken()
    await PasswordResetToken.create({
      userId: owner.id,
      tokenHash: hash,
      expiresAt: DateTime.utc().plus({ minutes: 5 }),
    })
    await resetPassword(token, NEW_PASSWORD)

    assert.equal(await statusOf(session, '/'), 302)
  })
})
