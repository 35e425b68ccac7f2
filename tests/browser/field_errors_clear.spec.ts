import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import type { Locator, Page } from 'playwright'
import { createAudienceTenant } from '#tests/helpers/audience'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { assertMessageBeside, capture } from '#tests/helpers/browser_pages'

/** Checks that `input` no longer shows an error: no message and no invalid mark. */
async function assertCleared(assert: Assert, input: Locator, message: Locator) {
  await message.waitFor({ state: 'detached' })
  assert.notEqual(await input.getAttribute('aria-invalid'), 'true')
  assert.isNull(await input.getAttribute('aria-describedby'))
}

/** Returns the template editor's name and message controls with their error elements. */
function templateFields(page: Page) {
  return {
    name: page.locator('[data-test-id="template-name"]'),
    body: page.locator('[data-test-id="template-body"]'),
    nameError: page.locator('[data-test-id="error-name"]'),
    bodyError: page.locator('[data-test-id="error-body"]'),
  }
}

test.group('Field errors clearing page', () => {
  test('template reports all fields at once', async ({ visit, browserContext, assert }) => {
    const { owner } = await createAudienceTenant()
    await browserContext.loginAs(owner)

    const page = await visit('/templates/new')
    const { name, body, nameError, bodyError } = templateFields(page)
    await page.locator('[data-test-id="template-save"]').click()

    await assertMessageBeside(assert, name, nameError, 'Fill in the name.')
    await assertMessageBeside(assert, body, bodyError, 'Write a message or attach a file.')
    await capture(page, 'template-errors-en')

    await name.fill('Boas-vindas')
    await assertCleared(assert, name, nameError)
    assert.equal(await bodyError.innerText(), 'Write a message or attach a file.')
    assert.equal(await body.getAttribute('aria-invalid'), 'true')
    await capture(page, 'template-name-fixed-en')
  }).timeout(60_000)

  test('template errors clear in Portuguese', async ({ visit, browserContext, assert }) => {
    const { owner } = await createAudienceTenant()
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)

    const page = await visit('/templates/new')
    const { name, body, nameError, bodyError } = templateFields(page)
    await page.locator('[data-test-id="template-save"]').click()

    await assertMessageBeside(assert, name, nameError, 'Preencha o campo Nome.')
    await assertMessageBeside(assert, body, bodyError, 'Escreva uma mensagem ou anexe um arquivo.')
    await capture(page, 'template-errors-pt-BR')

    await name.fill('Boas-vindas')
    await assertCleared(assert, name, nameError)
    await body.fill('Olá {{nome}}')
    await assertCleared(assert, body, bodyError)
    await capture(page, 'template-fixed-pt-BR')
  }).timeout(60_000)

  test('connection name error clears on typing', async ({ visit, browserContext, assert }) => {
    const { owner } = await createTenantWithOwner('Connections')
    await browserContext.loginAs(owner)

    const page = await visit('/connections')
    const name = page.locator('[data-test-id="connection-name"]')
    const nameError = page.locator('[data-test-id="error-connection-name"]')
    await page.locator('[data-test-id="connection-create"]').click()
    await assertMessageBeside(assert, name, nameError, 'Fill in the name.')
    await capture(page, 'connection-name-error-en')

    await name.fill('Loja Centro')
    await assertCleared(assert, name, nameError)
    await capture(page, 'connection-name-fixed-en')
  }).timeout(60_000)

  test('connection error clears in Portuguese', async ({ visit, browserContext, assert }) => {
    const { owner } = await createTenantWithOwner('Conexões')
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)

    const page = await visit('/connections')
    const name = page.locator('[data-test-id="connection-name"]')
    const nameError = page.locator('[data-test-id="error-connection-name"]')
    await page.locator('[data-test-id="connection-create"]').click()
    await assertMessageBeside(assert, name, nameError, 'Preencha o campo Nome.')
    await capture(page, 'connection-name-error-pt-BR')

    await name.fill('Loja Centro')
    await assertCleared(assert, name, nameError)
    await capture(page, 'connection-name-fixed-pt-BR')
  }).timeout(60_000)
})
