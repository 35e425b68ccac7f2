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
        .header('referer', '/login')
        .withCsrfToken()
        .redirects(0)

    for (let failure = 1; failure <= 5; failure++) {
      const response = await attempt('wrong password')
      assert.equal(response.status(), 302, `failure ${failure} is answered normally`)
    }

    const sixth = await attempt('wrong password')
    sixth.assertStatus(302)
    sixth.assertHeader('location', '/login')
    const fieldErrors = (sixth.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.match(
      fieldErrors.password?.[0] ?? '',
      /^Too many failed sign-ins for this e-mail\. Try again in (1 minute|[1-5]?\d seconds?)\.$/
    )

    const rightPassword = await attempt(password)
    rightPassword.assertStatus(302)
    rightPassword.assertHeader('location', '/login')
    const dashboard = await client.get('/').redirects(0)
    dashboard.assertHeader('location', '/login')
  })

  test('blocked sign-in message follows the language', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    let blocked
    for (let attempt = 1; attempt <= 6; attempt++) {
      blocked = await client
        .post('/login')
        .form({ email: owner.email, password: 'wrong password' })
        .header('referer', '/login')
        .header('accept-language', 'pt-BR')
        .withCsrfToken()
        .redirects(0)
    }
    const fieldErrors = (blocked!.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.match(
      fieldErrors.password?.[0] ?? '',
      /^Muitas tentativas de login falharam para este e-mail\. Tente de novo em (1 minuto|[1-5]?\d segundos?)\.$/
    )
  })

  test('blocked JSON sign-in returns 429', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const attempt = () =>
      client
        .post('/login')
        .form({ email: owner.email, password: 'wrong password' })
        .header('accept', 'application/json')
        .withCsrfToken()
        .redirects(0)
    for (let failure = 1; failure <= 5; failure++) {
      const response = await attempt()
      assert.notEqual(response.status(), 429, `failure ${failure} is not blocked`)
    }

    const blocked = await attempt()
    blocked.assertStatus(429)
    const retryAfter = Number(blocked.header('retry-after'))
    assert.isAbove(retryAfter, 0)
    assert.isAtMost(retryAfter, 60)
    const [error] = blocked.body().errors
    assert.equal(error.code, 'E_TOO_MANY_REQUESTS')
    assert.equal(error.field, 'password')
    assert.match(error.message, /^Too many failed sign-ins for this e-mail\. Try again in /)
  })

  test('parallel guesses each count', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const guesses = Array.from({ length: 20 }, (_, index) => `wrong password ${index}`)
    const responses = await Promise.all(
      guesses.map((secret) =>
        client
          .post('/login')
          .form({ email: owner.email, password: secret })
          .header('accept', 'application/json')
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
