import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { createTenantWithOwner } from '#tests/helpers/accounts'

test.group('Interface language', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('follows the browser language for guests', async ({ client, assert }) => {
    const english = await client.get('/login').header('accept-language', 'en-US,en;q=0.8')
    assert.include(english.text(), 'Sign in to Disparador')

    const portuguese = await client.get('/login').header('accept-language', 'pt-BR,pt;q=0.9')
    assert.include(portuguese.text(), 'Entrar no Disparador')
  })

  test('profile choice wins over the browser', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const save = await client
      .put('/profile/locale')
      .form({ locale: 'pt-BR' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    save.assertStatus(302)
    await owner.refresh()
    assert.equal(owner.locale, 'pt-BR')

    const page = await client
      .get('/')
      .loginAs(owner)
      .header('accept-language', 'en-US')
      .header('x-inertia', 'true')
    assert.equal(page.body().props.locale, 'pt-BR')
    assert.equal(page.body().props.translations['nav.contacts'], 'Contatos')
  })

  test('rejects an unknown language', async ({ client }) => {
    const { owner } = await createTenantWithOwner()
    const response = await client
      .put('/profile/locale')
      .form({ locale: 'klingon' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    response.assertFlashMessage('inputErrorsBag', {
      locale: ['Choose one of the listed options for the language.'],
    })
  })
})
