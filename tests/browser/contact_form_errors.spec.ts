import { test } from '@japa/runner'
import Contact from '#models/contact'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { assertMessageBeside, capture } from '#tests/helpers/browser_pages'

const LONG_NAME = 'Maria '.repeat(500)

test.group('Contact form errors page', () => {
  test('errors show beside fields', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Contacts')
    await browserContext.loginAs(owner)

    const page = await visit('/contacts/new')
    await page.locator('[data-test-id="field-language"]').waitFor()
    const languages = await page.locator('[data-test-id="field-language"] option').allTextContents()
    assert.deepEqual(
      languages.map((text) => text.trim()),
      ['Not set', 'English', 'Brazilian Portuguese']
    )

    await page.locator('[data-test-id="field-name"]').fill(LONG_NAME)
    await page.locator('[data-test-id="field-phone"]').fill('+5511912340001')
    await page.locator('[data-test-id="field-timezone"]').fill('America/Sao_Polo')
    await page.locator('[data-test-id="field-language"]').selectOption('pt-BR')
    await page.locator('[data-test-id="contact-save"]').click()

    await assertMessageBeside(
      assert,
      page.locator('[data-test-id="field-name"]'),
      page.locator('[data-test-id="error-name"]'),
      'Use at most 160 characters for the name.'
    )
    await assertMessageBeside(
      assert,
      page.locator('[data-test-id="field-timezone"]'),
      page.locator('[data-test-id="error-timezone"]'),
      '“America/Sao_Polo” is not a time zone. Did you mean America/Sao_Paulo? ' +
        'Type it in the time zone as the IANA list spells it.'
    )
    assert.equal(await page.locator('[data-test-id="field-name"]').inputValue(), LONG_NAME)
    assert.equal(
      await page.locator('[data-test-id="field-timezone"]').inputValue(),
      'America/Sao_Polo'
    )
    assert.equal(await page.locator('[data-test-id="field-language"]').inputValue(), 'pt-BR')
    assert.equal(
      await page.locator('[data-test-id="field-phone"]').getAttribute('aria-invalid'),
      'false'
    )
    await capture(page, 'contact-form-errors-en')
    assert.lengthOf(await runInTenant(tenant.id, () => Contact.all()), 0)
  }).timeout(60_000)

  test('edit page errors in Portuguese', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Contatos')
    owner.locale = 'pt-BR'
    await owner.save()
    const contact = await runInTenant(tenant.id, () =>
      Contact.create({
        phone: '+5511912340002',
        name: 'Ana',
        timezone: 'America/Sao_Paulo',
        language: 'português',
      })
    )
    await browserContext.loginAs(owner)

    const page = await visit(`/contacts/${contact.id}`)
    assert.equal(await page.locator('[data-test-id="field-language"]').inputValue(), 'português')
    await page.locator('[data-test-id="field-timezone"]').fill('Europe/Lisbn')
    await page.locator('[data-test-id="contact-save"]').click()

    await assertMessageBeside(
      assert,
      page.locator('[data-test-id="field-timezone"]'),
      page.locator('[data-test-id="error-timezone"]'),
      '“Europe/Lisbn” não é um fuso horário. Você quis dizer Europe/Lisbon? ' +
        'Digite-o em Fuso horário como a lista IANA escreve.'
    )
    await assertMessageBeside(
      assert,
      page.locator('[data-test-id="field-language"]'),
      page.locator('[data-test-id="error-language"]'),
      'Escolha uma das opções da lista no campo Idioma.'
    )
    await capture(page, 'contact-form-errors-pt-BR')
  }).timeout(60_000)
})
