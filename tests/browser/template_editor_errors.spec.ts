import { test } from '@japa/runner'
import Template from '#models/template'
import { runInTenant } from '#tenancy/tenant_context'
import { saveContact } from '#services/contacts/contact_service'
import { createAudienceTenant } from '#tests/helpers/audience'
import { assertMessageBeside, capture } from '#tests/helpers/browser_pages'

const UNKNOWN_VARIABLE =
  'Unknown variable “sobrenome” at line 1, column 14. Use a contact field, a custom field ' +
  'or a campaign variable such as campaign.coupon.'

test.group('Template editor errors page', () => {
  test('unknown variable shown once and marked', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    await runInTenant(tenant.id, () => saveContact(tenant, { name: 'Ana', phone: '11990005001' }))
    await browserContext.loginAs(owner)

    const page = await visit('/templates/new')
    const body = page.locator('[data-test-id="template-body"]')
    await page.locator('[data-test-id="template-name"]').fill('Boas-vindas')
    await body.fill('Olá {{nome}} {{sobrenome}}, tudo bem?')

    const bubble = page.locator('[data-test-id="phone-bubble"]')
    await bubble.locator('[data-test-id="bubble-mark"]').waitFor()
    assert.equal(
      await bubble.locator('.bubble-text').innerText(),
      'Olá Ana {{sobrenome}}, tudo bem?'
    )
    assert.equal(await bubble.locator('[data-test-id="bubble-mark"]').innerText(), '{{sobrenome}}')
    await assertMessageBeside(
      assert,
      body,
      page.locator('[data-test-id="error-body"]'),
      UNKNOWN_VARIABLE
    )

    await page.locator('[data-test-id="template-save"]').click()
    await page.waitForLoadState('networkidle')
    await assertMessageBeside(
      assert,
      body,
      page.locator('[data-test-id="error-body"]'),
      UNKNOWN_VARIABLE
    )
    assert.equal(await page.locator('[data-test-id="template-problem"]').count(), 1)
    assert.equal(await page.locator('[data-test-id="flash-error"]').count(), 0)
    assert.equal(await body.inputValue(), 'Olá {{nome}} {{sobrenome}}, tudo bem?')
    assert.equal(await page.locator('[data-test-id="template-name"]').inputValue(), 'Boas-vindas')
    await capture(page, 'template-unknown-variable')
    assert.lengthOf(await runInTenant(tenant.id, () => Template.all()), 0)
  }).timeout(60_000)

  test('campaign variables are no contact problem', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    owner.locale = 'pt-BR'
    await owner.save()
    await runInTenant(tenant.id, () => saveContact(tenant, { name: 'Ana', phone: '11990005002' }))
    await browserContext.loginAs(owner)

    const page = await visit('/templates/new')
    await page
      .locator('[data-test-id="template-body"]')
      .fill('Oi {{nome}}, use {{campaign.cupom}} até {{campaign.data_fim|domingo}}')

    const note = page.locator('[data-test-id="preview-campaign"]')
    await note.waitFor()
    assert.equal(
      await note.innerText(),
      'Cada campanha preenche campaign.cupom, campaign.data_fim com as suas variáveis de ' +
        'campanha. Uma campanha sem uma delas envia o valor padrão e, sem valor padrão, não ' +
        'pode ser publicada.'
    )
    const bubble = page.locator('[data-test-id="phone-bubble"] .bubble-text')
    assert.equal(await bubble.innerText(), 'Oi Ana, use {{campaign.cupom}} até domingo')
    assert.equal(await page.locator('[data-test-id="preview-missing"]').count(), 0)
    assert.equal(await page.locator('[data-test-id="bubble-mark"]').count(), 0)
    await capture(page, 'template-campaign-variables-pt-BR')
  }).timeout(60_000)

  test('too long text blocks saving', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)

    const page = await visit('/templates/new')
    const body = page.locator('[data-test-id="template-body"]')
    await page.locator('[data-test-id="template-name"]').fill('Longa')
    const previewed = page.waitForResponse(
      (response) =>
        response.url().endsWith('/templates/preview') &&
        response.request().postDataJSON().body.length === 5000
    )
    await body.fill('a'.repeat(5000))
    await previewed

    const counter = page.locator('[data-test-id="template-characters"]')
    const counterText = await counter.innerText()
    assert.equal(counterText.trim(), '5.000 de 4.096 caracteres: 904 caracteres acima do limite')
    await assertMessageBeside(
      assert,
      body,
      page.locator('[data-test-id="error-body"]'),
      'A mensagem tem 5.000 caracteres, 904 acima dos 4.096 que o WhatsApp permite. ' +
        'Apague pelo menos 904 caracteres para salvá-la.'
    )
    await page.locator('[data-test-id="phone-bubble"]').getByText('aaaa').waitFor()

    const requests: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/templates') {
        requests.push(request.url())
      }
    })
    await page.locator('[data-test-id="template-save"]').click()
    await page.waitForTimeout(500)
    assert.deepEqual(requests, [])
    assert.equal(await body.inputValue(), 'a'.repeat(5000))
    await capture(page, 'template-too-long')

    await body.fill('a'.repeat(4096))
    const fittingText = await counter.innerText()
    assert.equal(fittingText.trim(), '4.096 caracteres de 4.096')
    assert.equal(await page.locator('[data-test-id="error-body"]').count(), 0)
    await page.locator('[data-test-id="template-save"]').click()
    await page.waitForURL(/\/templates\/\d+$/, { waitUntil: 'commit' })
    assert.lengthOf(await runInTenant(tenant.id, () => Template.all()), 1)
  }).timeout(60_000)

  test('file over its limit is not uploaded', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    await browserContext.loginAs(owner)

    const page = await visit('/templates/new')
    await page.locator('[data-test-id="template-name"]').fill('Foto grande')
    await page.locator('[data-test-id="template-body"]').fill('Veja a foto')
    const posts: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/templates') {
        posts.push(request.url())
      }
    })

    // 6 MB of an image, over the 5 MB that images may have.
    await page.locator('[data-test-id="template-media"]').setInputFiles({
      name: 'foto.png',
      mimeType: 'image/png',
      buffer: Buffer.alloc(6 * 1024 * 1024),
    })
    const error = page.locator('[data-test-id="error-media"]')
    await error.waitFor()
    assert.include(
      await error.innerText(),
      '“foto.png” is 6 MB; this kind of file can be at most 5 MB. Choose a smaller file.'
    )
    await capture(page, 'template-media-too-large')

    await page.locator('[data-test-id="template-save"]').click()
    await page.waitForTimeout(500)
    assert.deepEqual(posts, [])
    assert.equal(await error.count(), 1)

    await page.locator('[data-test-id="media-clear"]').click()
    assert.equal(await error.count(), 0)
    await page.locator('[data-test-id="template-save"]').click()
    await page.waitForURL(/\/templates\/\d+$/, { waitUntil: 'commit' })
    const template = await runInTenant(tenant.id, () => Template.query().firstOrFail())
    assert.isNull(template.mediaType)
  }).timeout(60_000)
})
