import { test } from '@japa/runner'
import CustomField from '#models/custom_field'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { assertMessageBeside, capture } from '#tests/helpers/browser_pages'

test.group('Custom field errors page', () => {
  test('errors beside fields, input kept', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Fields')
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)

    const page = await visit('/contacts/fields')
    const label = page.locator('[data-test-id="field-label"]')
    const key = page.locator('[data-test-id="field-key"]')
    await label.fill('Cidade natal')
    await key.fill('nome')
    await page.locator('[data-test-id="field-type"]').selectOption('date')
    await page.locator('[data-test-id="field-form"] button[type="submit"]').click()

    await assertMessageBeside(
      assert,
      key,
      page.locator('[data-test-id="error-key"]'),
      'Já existe um campo ou atributo chamado “nome”. Escolha outro nome de variável, como nome_2.'
    )
    assert.equal(await label.inputValue(), 'Cidade natal')
    assert.equal(await key.inputValue(), 'nome')
    assert.equal(await page.locator('[data-test-id="field-type"]').inputValue(), 'date')

    await key.fill('cidade natal')
    await label.fill('')
    await page.locator('[data-test-id="field-form"] button[type="submit"]').click()
    await assertMessageBeside(
      assert,
      label,
      page.locator('[data-test-id="error-label"]'),
      'Preencha o rótulo, o nome que aparece no formulário do contato.'
    )
    await assertMessageBeside(
      assert,
      key,
      page.locator('[data-test-id="error-key"]'),
      'Use só letras, algarismos e _ no nome da variável, começando por uma letra, como cidade_natal.'
    )
    assert.equal(await key.inputValue(), 'cidade natal')
    await capture(page, 'custom-field-errors-pt-BR')

    await key.fill('cidade_natal')
    await label.fill('Cidade natal')
    await page.locator('[data-test-id="field-form"] button[type="submit"]').click()
    await page.assertTextContains('[data-test-id="fields-table"]', 'cidade_natal')
    const fields = await runInTenant(tenant.id, () => CustomField.all())
    assert.deepEqual(
      fields.map((field) => field.key),
      ['cidade_natal']
    )
  }).timeout(60_000)

  test('variable name follows the label', async ({ visit, browserContext, assert }) => {
    const { owner } = await createTenantWithOwner('Field names')
    await browserContext.loginAs(owner)
    const page = await visit('/contacts/fields')
    const label = page.locator('[data-test-id="field-label"]')
    const key = page.locator('[data-test-id="field-key"]')

    await label.fill('Número do pedido')
    assert.equal(await key.inputValue(), 'numero_do_pedido')
    await label.fill('2ª via')
    assert.equal(await key.inputValue(), 'f_2a_via')

    // A name the member typed stays, whatever the label becomes.
    await key.fill('pedido')
    await label.fill('Pedido de compra')
    assert.equal(await key.inputValue(), 'pedido')

    // The labels of the row stay level when a field has help under it.
    const tops = await page
      .locator('[data-test-id="field-form"] .field-label')
      .evaluateAll((labels) => labels.map((element) => element.getBoundingClientRect().top))
    assert.equal(new Set(tops.map(Math.round)).size, 1, `label tops: ${tops.join(', ')}`)
    await capture(page, 'custom-field-key-suggestion')

    await page.locator('[data-test-id="field-form"] button[type="submit"]').click()
    await page.assertTextContains('[data-test-id="fields-table"]', 'pedido')
    assert.equal(await key.inputValue(), '')
    await label.fill('Cor favorita')
    assert.equal(await key.inputValue(), 'cor_favorita')
  }).timeout(60_000)
})
