import { test } from '@japa/runner'
import CustomField from '#models/custom_field'
import { runInTenant } from '#tenancy/tenant_context'
import Segment from '#models/segment'
import { saveContact } from '#services/contacts/contact_service'
import { createAudienceTenant } from '#tests/helpers/audience'
import { assertMessageBeside, capture } from '#tests/helpers/browser_pages'

test.group('Segment rule errors page', () => {
  test('numbers follow the page locale', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    owner.locale = 'pt-BR'
    await owner.save()
    await runInTenant(tenant.id, async () => {
      await CustomField.create({ key: 'valor_gasto', label: 'Valor gasto', type: 'number' })
      await saveContact(tenant, {
        phone: '11990000011',
        fields: { valor_gasto: '1234.56' },
      })
      await saveContact(tenant, { phone: '11990000012', fields: { valor_gasto: '500' } })
    })
    await browserContext.loginAs(owner)

    const page = await visit('/segments/new')
    await page.locator('[data-test-id="add-rule"]').click()
    const rule = page.locator('[data-test-id="rule-rules.0"]')
    await rule.locator('[data-test-id="rule-type"]').selectOption('field')
    await rule.locator('[data-test-id="rule-op"]').selectOption('gt')
    const value = rule.locator('[data-test-id="rule-value"]')
    await page.assertTextContains(
      '[data-test-id="segment-count"]',
      'Preencha a nova regra para ver a contagem'
    )
    assert.equal(await page.locator('[data-test-id="error-rules.0"]').count(), 0)
    await capture(page, 'segment-new-rule-pt-BR')

    // Once left empty, the value is an error on the rule, not the unfiltered total.
    await value.focus()
    await value.blur()
    await assertMessageBeside(
      assert,
      value,
      page.locator('[data-test-id="error-rules.0"]'),
      'Regra 1 (Campo personalizado maior que): falta o valor. Preencha-o ou remova a regra.'
    )
    await page.assertTextContains(
      '[data-test-id="segment-count"]',
      'Corrija a regra marcada para ver a contagem'
    )

    await value.fill('1.000,00')
    await page.assertTextContains('[data-test-id="segment-count"]', '1 contato')
    assert.isFalse(await page.locator('[data-test-id="error-rules.0"]').isVisible())
    assert.equal(await value.inputValue(), '1.000,00')

    await value.fill('1000,5')
    await page.assertTextContains('[data-test-id="segment-count"]', '1 contato')

    await value.fill('mil')
    await assertMessageBeside(
      assert,
      value,
      page.locator('[data-test-id="error-rules.0"]'),
      'Regra 1 (Campo personalizado maior que): "mil" não é um número. ' +
        'Digite um número como 1.234,56.'
    )
    await capture(page, 'segment-number-error-pt-BR')

    await value.fill('400')
    await page.locator('[data-test-id="segment-name"]').fill('Gastaram mais de 400')
    await page.locator('[data-test-id="segment-save"]').click()
    await page.waitForURL((url) => /^\/segments\/\d+$/.test(url.pathname))
    await page.assertTextContains('[data-test-id="segment-count"]', '2 contatos')
    assert.equal(await page.locator('[data-test-id="rule-value"]').inputValue(), '400')
  }).timeout(60_000)

  test('new rule error waits for blur or save', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    await runInTenant(tenant.id, async () => {
      await saveContact(tenant, { phone: '11990000021', city: 'Santos', tags: ['vip'] })
      await saveContact(tenant, { phone: '11990000022', city: 'Recife', tags: ['vip'] })
    })
    await browserContext.loginAs(owner)

    const page = await visit('/segments/new')
    const count = '[data-test-id="segment-count"]'
    await page.assertTextContains(count, '2 contacts match')
    await page.locator('[data-test-id="add-rule"]').first().click()
    const value = page.locator('[data-test-id="rule-rules.0"] [data-test-id="rule-value"]')
    await page.assertTextContains(count, 'Fill in the new rule to see the count')
    assert.equal(await page.locator('[data-test-id="error-rules.0"]').count(), 0)
    assert.equal(await value.getAttribute('aria-invalid'), 'false')

    // A filled value counts at once, before the member leaves it.
    await value.fill('vip')
    await page.assertTextContains(count, '2 contacts match')
    await value.blur()

    // A rule of a new group waits as well, until a save shows its error.
    await page.locator('[data-test-id="add-group"]').click()
    const nested = page.locator('[data-test-id="rule-rules.1.rules.0"]')
    await nested.locator('[data-test-id="rule-type"]').selectOption('city')
    await page.assertTextContains(count, 'Fill in the new rule to see the count')
    assert.equal(await page.locator('[data-test-id="error-rules.1.rules.0"]').count(), 0)
    await capture(page, 'segment-new-rule-en')

    await page.locator('[data-test-id="segment-name"]').fill('VIP por cidade')
    await page.locator('[data-test-id="segment-save"]').click()
    const nestedValue = nested.locator('[data-test-id="rule-value"]')
    await assertMessageBeside(
      assert,
      nestedValue,
      page.locator('[data-test-id="error-rules.1.rules.0"]'),
      'Rule 2.1 (City is): the value is missing. Fill it in or remove the rule.'
    )
    await page.assertTextContains(count, 'Fix the marked rule to see the count')
    await capture(page, 'segment-save-missing-value-en')

    // The failed save keeps what was entered.
    await page.assertPath('/segments/new')
    assert.equal(await page.locator('[data-test-id="segment-name"]').inputValue(), 'VIP por cidade')
    assert.equal(await value.inputValue(), 'vip')
    assert.equal(await nested.locator('[data-test-id="rule-type"]').inputValue(), 'city')
    assert.lengthOf(await runInTenant(tenant.id, () => Segment.all()), 0)

    await nestedValue.fill('Santos')
    await page.assertTextContains(count, '1 contact matches')
    assert.equal(await page.locator('[data-test-id="error-rules.1.rules.0"]').count(), 0)
    await page.locator('[data-test-id="segment-save"]').click()
    await page.waitForURL((url) => /^\/segments\/\d+$/.test(url.pathname))
    const saved = await runInTenant(tenant.id, () => Segment.findByOrFail('name', 'VIP por cidade'))
    assert.deepEqual(saved.rules, {
      match: 'all',
      rules: [
        { type: 'tag', op: 'has', value: 'vip' },
        { match: 'any', rules: [{ type: 'city', op: 'is', value: 'Santos' }] },
      ],
    })
  }).timeout(60_000)

  test('custom field rule needs custom fields', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    await browserContext.loginAs(owner)

    const page = await visit('/segments/new')
    await page.locator('[data-test-id="add-rule"]').click()
    const types = page.locator('[data-test-id="rule-rules.0"] [data-test-id="rule-type"] option')
    const offered = await types.evaluateAll((options) =>
      options.map((option) => (option as HTMLOptionElement).value)
    )
    assert.notInclude(offered, 'field')
    assert.include(offered, 'city')

    await runInTenant(tenant.id, () =>
      CustomField.create({ key: 'plano', label: 'Plano', type: 'text' })
    )
    const again = await visit('/segments/new')
    await again.locator('[data-test-id="add-rule"]').click()
    const withField = again.locator(
      '[data-test-id="rule-rules.0"] [data-test-id="rule-type"] option[value="field"]'
    )
    assert.equal(await withField.count(), 1)
  }).timeout(60_000)
})
