import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import CustomField from '#models/custom_field'
import Template from '#models/template'
import { runInTenant } from '#tenancy/tenant_context'
import { saveContact } from '#services/contacts/contact_service'
import { parseTemplate } from '#services/templates/template_syntax'
import { renderNodes } from '#services/templates/template_renderer'
import { createAudienceTenant } from '#tests/helpers/audience'

function render(body: string, values: Record<string, string | null>, seed = 's') {
  const parsed = parseTemplate(body)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems))
  return renderNodes(parsed.nodes, values, seed)
}

test.group('Template syntax', () => {
  test('fallback used when value is missing', ({ assert }) => {
    const result = render('Olá {{nome|cliente}}, seu pedido {{pedido}} saiu.', {
      nome: null,
      pedido: '42',
    })
    assert.deepEqual(result, { ok: true, text: 'Olá cliente, seu pedido 42 saiu.' })
  })

  test('missing value without fallback is not ok', ({ assert }) => {
    const result = render('Olá {{nome}}, seu pedido {{pedido}} saiu.', { nome: '', pedido: '42' })
    assert.isFalse(result.ok)
    assert.deepEqual((result as any).missing, ['nome'])
    assert.notInclude(result.text, '{{')
  })

  test('variations are stable per seed', ({ assert }) => {
    const body = '{Oi|Olá|E aí}, {{name}}!'
    const seen = new Set<string>()
    for (let contact = 0; contact < 30; contact++) {
      const first = render(body, { name: 'Ana' }, `7:${contact}`)
      const again = render(body, { name: 'Ana' }, `7:${contact}`)
      assert.equal(first.text, again.text)
      seen.add(first.text)
    }
    assert.isAbove(seen.size, 1)
  })

  test('unbalanced syntax names the position', ({ assert }) => {
    const parsed = parseTemplate('Hi {{name\nsecond line')
    assert.isFalse(parsed.ok)
    assert.deepInclude((parsed as any).problems[0], {
      code: 'unclosed_variable',
      line: 1,
      column: 4,
    })

    const variation = parseTemplate('Hello\n{Hi|Hey there')
    assert.deepInclude((variation as any).problems[0], {
      code: 'unclosed_variation',
      line: 2,
      column: 1,
    })

    const stray = parseTemplate('oops }')
    assert.deepInclude((stray as any).problems[0], { code: 'stray_brace', index: 5 })
  })

  test('escaped braces stay literal', ({ assert }) => {
    assert.deepEqual(render('\\{not a variation\\}', {}), { ok: true, text: '{not a variation}' })
  })
})

test.group('Templates save', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('unknown variable is rejected with its position', async ({ client, assert }) => {
    const { owner, tenant } = await createAudienceTenant()
    const response = await client
      .post('/templates')
      .form({ name: 'Pedido', body: 'Olá {{nome}}, seu pedido {{pedido}} saiu.' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    const errors = response.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.include(errors.body[0], '“pedido” at line 1, column 26')
    const banner = (response.flashMessages().errorsBag ?? {}) as Record<string, string>
    assert.deepEqual(
      Object.keys(banner).filter((code) => code !== 'E_VALIDATION_ERROR'),
      []
    )
    assert.lengthOf(await runInTenant(tenant.id, () => Template.all()), 0)
  })

  test('too long body is rejected', async ({ client, assert }) => {
    const { owner, tenant } = await createAudienceTenant()
    const response = await client
      .post('/templates')
      .form({ name: 'Longa', body: 'a'.repeat(5000) })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    const errors = response.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.deepEqual(errors.body, [
      'The message has 5,000 characters, 904 over the 4,096 that WhatsApp allows. ' +
        'Remove at least 904 characters to save it.',
    ])
    assert.lengthOf(await runInTenant(tenant.id, () => Template.all()), 0)
  })

  test('preview marks unknown variables', async ({ client, assert }) => {
    const { owner, tenant } = await createAudienceTenant()
    await runInTenant(tenant.id, () => saveContact(tenant, { name: 'Ana', phone: '11977770003' }))

    const response = await client
      .post('/templates/preview')
      .json({ body: 'Olá {{nome}} {{sobrenome}} {{sobrenome|x}}' })
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(200)
    const preview = response.body()
    assert.isFalse(preview.ok)
    assert.equal(preview.text, 'Olá Ana {{sobrenome}} {{sobrenome}}')
    assert.deepEqual(preview.unknown, ['sobrenome'])
    assert.deepEqual(
      preview.problems.map((problem: { code: string }) => problem.code),
      ['unknown_variable', 'unknown_variable']
    )
  })

  test('preview shows campaign variables as placeholders', async ({ client, assert }) => {
    const { owner, tenant } = await createAudienceTenant()
    await runInTenant(tenant.id, () => saveContact(tenant, { name: 'Ana', phone: '11977770004' }))

    const response = await client
      .post('/templates/preview')
      .json({ body: 'Oi {{nome}}, use {{campaign.cupom}} até {{campaign.data_fim|domingo}}' })
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(200)
    const preview = response.body()
    assert.isTrue(preview.ok)
    assert.equal(preview.text, 'Oi Ana, use {{campaign.cupom}} até domingo')
    assert.deepEqual(preview.campaign, ['campaign.cupom', 'campaign.data_fim'])
    assert.deepEqual(preview.missing, [])
    assert.deepEqual(preview.unknown, [])
    assert.deepEqual(preview.lacking, [])
  })

  test('preview names contacts without the value', async ({ client, assert }) => {
    const { owner, tenant } = await createAudienceTenant()
    await runInTenant(tenant.id, async () => {
      await CustomField.create({ key: 'pedido', label: 'Pedido', type: 'text', options: [] })
      await saveContact(tenant, { phone: '(11) 97777-0001', fields: { pedido: 'A-1' } })
      await saveContact(tenant, {
        name: 'Bia',
        phone: '(11) 97777-0002',
        fields: { pedido: 'B-2' },
      })
    })
    const body = 'Olá {{nome}}, seu pedido {{pedido}} saiu.'
    const response = await client
      .post('/templates/preview')
      .json({ body })
      .loginAs(owner)
      .withCsrfToken()
    response.assertStatus(200)
    const preview = response.body()
    assert.isTrue(preview.ok)
    assert.deepEqual(preview.missing, ['nome'])
    assert.equal(preview.text, 'Olá , seu pedido A-1 saiu.')
    assert.equal(preview.lacking[0].variable, 'nome')
    assert.equal(preview.lacking[0].count, 1)

    const withFallback = await client
      .post('/templates/preview')
      .json({ body: 'Olá {{nome|cliente}}, seu pedido {{pedido}} saiu.' })
      .loginAs(owner)
      .withCsrfToken()
    assert.equal(withFallback.body().text, 'Olá cliente, seu pedido A-1 saiu.')
    assert.deepEqual(withFallback.body().lacking, [])

    const saved = await client
      .post('/templates')
      .form({ name: 'Pedido', body })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    saved.assertStatus(302)
    assert.lengthOf(await runInTenant(tenant.id, () => Template.all()), 1)
  })

  test('media type and size are checked', async ({ client, assert }) => {
    const { owner, tenant } = await createAudienceTenant()
    const response = await client
      .post('/templates')
      .field('name', 'Com arquivo')
      .field('body', 'Veja *isto*')
      .file('media', Buffer.from('#!/bin/sh\necho hi\n'), {
        filename: 'run.sh',
        contentType: 'application/x-sh',
      })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    assert.lengthOf(await runInTenant(tenant.id, () => Template.all()), 0)

    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/ePmlJQAAAABJRU5ErkJggg==',
      'base64'
    )
    const ok = await client
      .post('/templates')
      .field('name', 'Com imagem')
      .field('body', 'Veja *isto*')
      .file('media', png, { filename: 'dot.png', contentType: 'image/png' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    ok.assertStatus(302)
    const template = await runInTenant(tenant.id, () => Template.query().firstOrFail())
    assert.equal(template.mediaType, 'image')
    const media = await client.get(`/templates/${template.id}/media`).loginAs(owner)
    media.assertStatus(200)
    assert.equal(media.header('content-type'), 'image/png')
  })

  test('document up to its limit is accepted', async ({ client, assert }) => {
    const { owner, tenant } = await createAudienceTenant()
    // A 60 MB PDF: over the smaller uploads' 50 MB, under a document's 100 MB.
    const pdf = Buffer.alloc(60 * 1024 * 1024, 0x20)
    pdf.write('%PDF-1.4\n')

    const response = await client
      .post('/templates')
      .field('name', 'Catálogo')
      .field('body', 'Nosso catálogo')
      .file('media', pdf, { filename: 'catalogo.pdf', contentType: 'application/pdf' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(302)
    const template = await runInTenant(tenant.id, () => Template.query().firstOrFail())
    assert.equal(template.mediaType, 'document')
    assert.equal(template.mediaSize, pdf.length)
  })
})
