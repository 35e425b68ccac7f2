import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import type { Locator, Page } from 'playwright'
import ContactList from '#models/contact_list'
import Segment from '#models/segment'
import { runInTenant } from '#tenancy/tenant_context'
import { saveContact } from '#services/contacts/contact_service'
import { createAudienceTenant } from '#tests/helpers/audience'
import { assertMessageBeside, capture, submitCsvUpload } from '#tests/helpers/browser_pages'

/** A laptop's width, at which these pages are checked by eye. */
const LAPTOP = { width: 1280, height: 800 }

/** Checks that `control` no longer shows an error: no message and no invalid mark. */
async function assertCleared(assert: Assert, control: Locator, message: Locator) {
  await message.waitFor({ state: 'detached' })
  assert.notEqual(await control.getAttribute('aria-invalid'), 'true')
  assert.isNull(await control.getAttribute('aria-describedby'))
}

/** Uploads `csv` on the import page and waits for its column mapping. */
async function openMapping(page: Page, csv: string) {
  await submitCsvUpload(page, 'clientes.csv', csv)
  await page.locator('[data-test-id="import-mapping"]').waitFor()
}

test.group('Audience errors clearing page', () => {
  test('list phone error clears on typing', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    const list = await runInTenant(tenant.id, async () => {
      await saveContact(tenant, { phone: '11991230001' })
      return ContactList.create({ name: 'Feira de junho' })
    })
    await browserContext.loginAs(owner)

    const page = await visit(`/lists/${list.id}`)
    await page.setViewportSize(LAPTOP)
    const phones = page.locator('[data-test-id="list-phones"]')
    const phonesError = page.locator('[data-test-id="error-phones"]')
    await phones.fill('(11) 99123-0001\nabc')
    await page.locator('form button[type="submit"]').click()

    await assertMessageBeside(
      assert,
      phones,
      phonesError,
      '"abc" is not a phone number. Include the area code, such as (11) 98765-4321, ' +
        'or the country code, such as +1 415 555 0100.'
    )
    await capture(page, 'list-phone-error-en')

    // The member deletes the entry the message names: the message goes with it at once.
    await phones.fill('(11) 99123-0001')
    await assertCleared(assert, phones, phonesError)
    assert.equal(
      await page.locator('[data-test-id="flash-success"]').innerText(),
      '1 contact added.'
    )
    await capture(page, 'list-phone-error-cleared-en')
  }).timeout(60_000)

  test('segment rule error clears, name error stays', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    await runInTenant(tenant.id, async () => {
      await saveContact(tenant, { phone: '11991230011', tags: ['vip'] })
      await Segment.create({ name: 'VIP', rules: { match: 'all', rules: [] } })
    })
    await browserContext.loginAs(owner)

    const page = await visit('/segments/new')
    await page.setViewportSize(LAPTOP)
    const name = page.locator('[data-test-id="segment-name"]')
    const nameError = page.locator('[data-test-id="error-name"]')
    await page.locator('[data-test-id="add-rule"]').first().click()
    const value = page.locator('[data-test-id="rule-rules.0"] [data-test-id="rule-value"]')
    const ruleError = page.locator('[data-test-id="error-rules.0"]')
    await name.fill('VIP')
    await page.locator('[data-test-id="segment-save"]').click()

    // One save names both problems, each beside its field.
    await assertMessageBeside(assert, name, nameError, '“VIP” is already taken.')
    await assertMessageBeside(
      assert,
      value,
      ruleError,
      'Rule 1 (Tag is): the value is missing. Fill it in or remove the rule.'
    )
    assert.equal(await page.locator('[data-test-id="flash-error"]').count(), 0)
    await capture(page, 'segment-save-errors-en')

    await value.fill('vip')
    await assertCleared(assert, value, ruleError)
    await page.assertTextContains('[data-test-id="segment-count"]', '1 contact matches')
    assert.equal(await nameError.innerText(), '“VIP” is already taken.')
    assert.equal(await name.getAttribute('aria-invalid'), 'true')
    await capture(page, 'segment-rule-fixed-en')

    await name.fill('VIP de junho')
    await assertCleared(assert, name, nameError)
    await page.locator('[data-test-id="segment-save"]').click()
    await page.waitForURL((url) => /^\/segments\/\d+$/.test(url.pathname))
    const saved = await runInTenant(tenant.id, () => Segment.findByOrFail('name', 'VIP de junho'))
    assert.deepEqual(saved.rules, {
      match: 'all',
      rules: [{ type: 'tag', op: 'has', value: 'vip' }],
    })
  }).timeout(60_000)

  test('segment name error clears in Portuguese', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    owner.locale = 'pt-BR'
    await owner.save()
    await runInTenant(tenant.id, () =>
      Segment.create({ name: 'Santos', rules: { match: 'all', rules: [] } })
    )
    await browserContext.loginAs(owner)

    const page = await visit('/segments/new')
    await page.setViewportSize(LAPTOP)
    const name = page.locator('[data-test-id="segment-name"]')
    const nameError = page.locator('[data-test-id="error-name"]')
    await page.locator('[data-test-id="add-group"]').click()
    const nested = page.locator('[data-test-id="rule-rules.0.rules.0"]')
    await nested.locator('[data-test-id="rule-type"]').selectOption('city')
    const value = nested.locator('[data-test-id="rule-value"]')
    const ruleError = page.locator('[data-test-id="error-rules.0.rules.0"]')
    await name.fill('Santos')
    await page.locator('[data-test-id="segment-save"]').click()

    await assertMessageBeside(assert, name, nameError, '“Santos” já está em uso.')
    await assertMessageBeside(
      assert,
      value,
      ruleError,
      'Regra 1.1 (Cidade é): falta o valor. Preencha-o ou remova a regra.'
    )

    await name.fill('Santos e região')
    await assertCleared(assert, name, nameError)
    assert.equal(
      await ruleError.innerText(),
      'Regra 1.1 (Cidade é): falta o valor. Preencha-o ou remova a regra.'
    )
    assert.equal(await value.getAttribute('aria-invalid'), 'true')
    await capture(page, 'segment-name-fixed-pt-BR')
  }).timeout(60_000)

  test('import column error clears, tags error stays', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const { owner } = await createAudienceTenant()
    await browserContext.loginAs(owner)
    const page = await visit('/contacts/imports/new')
    await page.setViewportSize(LAPTOP)
    await openMapping(page, ['Nome;Apelido;Telefone', 'Ana Souza;Ana;11991230021'].join('\n'))

    const nickname = page.locator('[data-test-id="mapping-1"]')
    const nicknameError = page.locator('[data-test-id="error-mapping-1"]')
    const tags = page.locator('[data-test-id="import-tags"]')
    const tagsError = page.locator('[data-test-id="error-tags"]')
    await nickname.selectOption('name')
    await tags.fill(`feira, ${'x'.repeat(61)}`)
    await page.locator('[data-test-id="import-start"]').click()

    await assertMessageBeside(
      assert,
      nickname,
      nicknameError,
      'Column “Apelido”: column “Nome” already fills “Name”. ' +
        "Choose another field for this column, or “Don't import”."
    )
    await assertMessageBeside(
      assert,
      tags,
      tagsError,
      `Shorten the tag "${'x'.repeat(61)}" in the tags to at most 60 characters.`
    )
    // The first column, whose target the other repeats, is not marked.
    assert.notEqual(
      await page.locator('[data-test-id="mapping-0"]').getAttribute('aria-invalid'),
      'true'
    )
    await capture(page, 'import-mapping-errors-en')

    await nickname.selectOption('ignore')
    await assertCleared(assert, nickname, nicknameError)
    assert.equal(
      await tagsError.innerText(),
      `Shorten the tag "${'x'.repeat(61)}" in the tags to at most 60 characters.`
    )
    assert.equal(await tags.getAttribute('aria-invalid'), 'true')
    await capture(page, 'import-column-fixed-en')

    await tags.fill('feira')
    await assertCleared(assert, tags, tagsError)
    await page.locator('[data-test-id="import-start"]').click()
    await page.waitForURL((url) => /^\/contacts\/imports\/\d+$/.test(url.pathname))
  }).timeout(60_000)

  test('import phone error clears in Portuguese', async ({ visit, browserContext, assert }) => {
    const { owner } = await createAudienceTenant()
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)
    const page = await visit('/contacts/imports/new')
    await page.setViewportSize(LAPTOP)
    await openMapping(page, ['Nome;Telefone;Nome completo', 'Ana;11991230031;Ana Souza'].join('\n'))

    const phone = page.locator('[data-test-id="mapping-1"]')
    const fullName = page.locator('[data-test-id="mapping-2"]')
    const fullNameError = page.locator('[data-test-id="error-mapping-2"]')
    const mappingError = page.locator('[data-test-id="mapping-error"]')
    await phone.selectOption('ignore')
    await fullName.selectOption('name')
    await page.locator('[data-test-id="import-start"]').click()

    await assertMessageBeside(
      assert,
      fullName,
      fullNameError,
      'Coluna “Nome completo”: a coluna “Nome” já preenche “Nome”. ' +
        'Escolha outro campo para esta coluna, ou “Não importar”.'
    )
    await page.assertTextContains(mappingError, 'Escolha a coluna que tem o número de telefone.')
    await capture(page, 'import-mapping-errors-pt-BR')

    // Any column's change clears the message about the whole mapping, and the other column keeps its own.
    await phone.selectOption('phone')
    await mappingError.waitFor({ state: 'detached' })
    assert.equal(
      await fullNameError.innerText(),
      'Coluna “Nome completo”: a coluna “Nome” já preenche “Nome”. ' +
        'Escolha outro campo para esta coluna, ou “Não importar”.'
    )
    assert.equal(await fullName.getAttribute('aria-invalid'), 'true')
    await capture(page, 'import-phone-fixed-pt-BR')

    await fullName.selectOption('ignore')
    await assertCleared(assert, fullName, fullNameError)
  }).timeout(60_000)
})
