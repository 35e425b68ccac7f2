import { test } from '@japa/runner'
import CustomField from '#models/custom_field'
import { runInTenant } from '#tenancy/tenant_context'
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

    // An empty value is an error on the rule, not the unfiltered total.
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
})
