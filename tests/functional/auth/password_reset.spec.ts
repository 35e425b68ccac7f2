import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import PasswordResetToken from '#models/password_reset_token'
import User from '#models/user'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { clearMailbox, latestLinkTo, mailsTo } from '#tests/helpers/mailbox'

test.group('Password reset', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())
  group.each.setup(() => clearMailbox())

  test('mails a link that works once', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()

    const request = await client
      .post('/forgot-password')
      .form({ email: owner.email })
      .withCsrfToken()
      .redirects(0)
    request.assertStatus(302)

    const link = await latestLinkTo(owner.email)
    assert.match(link.pathname, /^\/reset-password\/[\w-]{43}$/)

    const page = await client.get(link.pathname)
    page.assertStatus(200)
    assert.include(page.text(), '"valid":true')

    const reset = await client
      .post(link.pathname)
      .form({ password: 'a brand new secret', passwordConfirmation: 'a brand new secret' })
      .withCsrfToken()
      .redirects(0)
    reset.assertStatus(302)
    reset.assertHeader('location', '/login')

    await owner.refresh()
    assert.isTrue(await User.verifyCredentials(owner.email, 'a brand new secret').then(() => true))

    const again = await client
      .post(link.pathname)
      .form({ password: 'another new secret', passwordConfirmation: 'another new secret' })
      .header('referer', link.pathname)
      .withCsrfToken()
      .redirects(0)
    again.assertStatus(400)
    const reuse = await client.get(link.pathname)
    reuse.assertStatus(400)
    assert.include(reuse.text(), '"valid":false')
  })

  test('rejects an expired link', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    await client.post('/forgot-password').form({ email: owner.email }).withCsrfToken()
    const link = await latestLinkTo(owner.email)

    await PasswordResetToken.query()
      .where('user_id', owner.id)
      .update({ expiresAt: DateTime.utc().minus({ minutes: 1 }).toSQL({ includeOffset: false }) })

    const page = await client.get(link.pathname)
    page.assertStatus(400)
    const reset = await client
      .post(link.pathname)
      .form({ password: 'a brand new secret', passwordConfirmation: 'a brand new secret' })
      .header('referer', link.pathname)
      .withCsrfToken()
      .redirects(0)
    reset.assertStatus(400)
    await owner.refresh()
    await assert.rejects(() => User.verifyCredentials(owner.email, 'a brand new secret'))
  })

  test('answers the same for an unknown e-mail', async ({ client, assert }) => {
    const response = await client
      .post('/forgot-password')
      .form({ email: 'nobody@example.com' })
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    assert.isString(response.flashMessages().success)
    assert.lengthOf(await mailsTo('nobody@example.com'), 0)
  })
  test('limits reset links per e-mail', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const request = () =>
      client
        .post('/forgot-password')
        .form({ email: owner.email.toUpperCase() })
        .header('referer', '/forgot-password')
        .withCsrfToken()
        .redirects(0)
    for (let sent = 1; sent <= 3; sent++) {
      const response = await request()
      assert.isString(response.flashMessages().success, `request ${sent} is answered normally`)
    }

    const blocked = await request()
    blocked.assertStatus(302)
    blocked.assertHeader('location', '/forgot-password')
    const fieldErrors = (blocked.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.match(
      fieldErrors.email?.[0] ?? '',
      /^Too many reset links were requested for this e-mail\. Try again in 1[45] minutes\.$/
    )
    assert.lengthOf(await mailsTo(owner.email), 3)
  })

  test('limits an unknown e-mail too', async ({ client, assert }) => {
    const email = `nobody${Date.now()}@example.com`
    const request = () =>
      client
        .post('/forgot-password')
        .form({ email })
        .header('accept', 'application/json')
        .withCsrfToken()
        .redirects(0)
    for (let sent = 1; sent <= 3; sent++) {
      const response = await request()
      assert.notEqual(response.status(), 429, `request ${sent} is not blocked`)
    }
    const blocked = await request()
    blocked.assertStatus(429)
    assert.isAbove(Number(blocked.header('retry-after')), 60)
  })
})
