import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import User from '#models/user'
import Membership from '#models/membership'
import { runAsSystem } from '#tenancy/tenant_context'
import { INERTIA_HEADERS } from '#tests/helpers/audience'

test.group('Sign up', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('creates a tenant with its owner', async ({ client, assert }) => {
    const response = await client
      .post('/signup')
      .form({
        fullName: 'Ana Souza',
        email: 'Ana@Example.com',
        password: 'correct horse battery',
        tenantName: 'Agência Sol',
      })
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', '/')

    const user = await User.findByOrFail('email', 'ana@example.com')
    const memberships = await runAsSystem(() =>
      Membership.query().where('user_id', user.id).preload('tenant')
    )
    assert.lengthOf(memberships, 1)
    assert.equal(memberships[0].role, 'owner')
    assert.equal(memberships[0].tenant.name, 'Agência Sol')
    assert.equal(memberships[0].tenant.slug, 'agencia-sol')
    assert.equal(user.currentTenantId, memberships[0].tenantId)
    assert.match(user.password, /^\$argon2id\$/)
  })

  test('rejects an e-mail that has an account', async ({ client, assert }) => {
    const form = {
      fullName: 'Bruno Lima',
      email: 'bruno@example.com',
      password: 'correct horse battery',
      tenantName: 'Lima Ltda',
    }
    await client.post('/signup').form(form).withCsrfToken()
    const response = await client
      .post('/signup')
      .form({ ...form, tenantName: 'Other' })
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    assert.property(response.flashMessages().inputErrorsBag ?? {}, 'email')
    const users = await User.query().where('email', 'bruno@example.com')
    assert.lengthOf(users, 1)
  })

  test('names each invalid field', async ({ client, assert }) => {
    const response = await client
      .post('/signup')
      .form({ fullName: '', email: 'not-an-email', password: 'short', tenantName: '' })
      .withCsrfToken()
      .redirects(0)

    const errors = response.flashMessages().inputErrorsBag ?? {}
    assert.containsSubset(Object.keys(errors), ['fullName', 'email', 'password', 'tenantName'])
  })
  test('new owner follows the browser language', async ({ client, assert }) => {
    await client
      .post('/signup')
      .form({
        fullName: 'Carla Dias',
        email: 'carla.dias@example.com',
        password: 'correct horse battery',
        tenantName: 'Dias Digital',
      })
      .header('accept-language', 'pt-BR,pt;q=0.9')
      .withCsrfToken()

    const user = await User.findByOrFail('email', 'carla.dias@example.com')
    assert.isNull(user.locale)
    const [membership] = await runAsSystem(() =>
      Membership.query().where('user_id', user.id).preload('tenant')
    )
    assert.equal(membership.tenant.locale, 'pt-BR')

    const english = await client
      .get('/profile')
      .headers(INERTIA_HEADERS)
      .header('accept-language', 'en-US,en;q=0.8')
      .loginAs(user)
    assert.equal(english.body().props.locale, 'en')
    assert.isNull(english.body().props.user.locale)

    const portuguese = await client
      .get('/profile')
      .headers(INERTIA_HEADERS)
      .header('accept-language', 'pt-BR')
      .loginAs(user)
    assert.equal(portuguese.body().props.locale, 'pt-BR')
  })
})
