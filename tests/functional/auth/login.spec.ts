import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { createTenantWithOwner } from '#tests/helpers/accounts'

test.group('Session login', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())
  group.each.setup(async () => {
    await db.from('rate_limits').delete()
  })

  test('accepts the right password', async ({ client }) => {
    const { owner, password } = await createTenantWithOwner()
    const response = await client
      .post('/login')
      .form({ email: owner.email, password })
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', '/')
  })

  test('rejects a wrong password', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const response = await client
      .post('/login')
      .form({ email: owner.email, password: 'wrong password' })
      .header('referer', '/login')
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', '/login')
    assert.property(response.flashMessages().errorsBag ?? {}, 'E_INVALID_CREDENTIALS')

    const dashboard = await client.get('/').redirects(0)
    dashboard.assertStatus(302)
    dashboard.assertHeader('location', '/login')
  })

  test('limits the sixth failed login in a minute', async ({ client, assert }) => {
    const { owner, password } = await createTenantWithOwner()
    const attempt = (secret: string) =>
      client
        .post('/login')
        .form({ email: owner.email, password: secret })
        .withCsrfToken()
        .redirects(0)

    for (let failure = 1; failure <= 5; failure++) {
      const response = await attempt('wrong password')
      assert.equal(response.status(), 302, `failure ${failure} is answered normally`)
    }

    const sixth = await attempt('wrong password')
    sixth.assertStatus(429)
    assert.property(sixth.flashMessages().errorsBag ?? {}, 'E_TOO_MANY_REQUESTS')

    const rightPassword = await attempt(password)
    rightPassword.assertStatus(429)
  })

  test('parallel guesses each count', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const guesses = Array.from({ length: 20 }, (_, index) => `wrong password ${index}`)
    const responses = await Promise.all(
      guesses.map((secret) =>
        client
          .post('/login')
          .form({ email: owner.email, password: secret })
          .withCsrfToken()
          .redirects(0)
      )
    )

    const statuses = responses.map((response) => response.status())
    assert.lengthOf(
      statuses.filter((status) => status === 429),
      15,
      'only five guesses are checked'
    )
  })

  test('rejects a form post without the CSRF token', async ({ client, assert }) => {
    const { owner, password } = await createTenantWithOwner()
    const response = await client
      .post('/login')
      .form({ email: owner.email, password })
      .header('referer', '/login')
      .redirects(0)

    response.assertHeader('location', '/login')
    assert.property(response.flashMessages().errorsBag ?? {}, 'E_BAD_CSRF_TOKEN')
    const dashboard = await client.get('/').redirects(0)
    dashboard.assertHeader('location', '/login')
  })

  test('logout ends the session', async ({ client }) => {
    const { owner } = await createTenantWithOwner()
    const response = await client.post('/logout').loginAs(owner).withCsrfToken().redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/login')
  })
})
