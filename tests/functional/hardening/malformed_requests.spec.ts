import { gzipSync } from 'node:zlib'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import env from '#start/env'
import { MAX_PAGE } from '#services/database/page_numbers'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { apiRequest, createContactIn, createTokenFor } from '#tests/helpers/api'

/** A page number far beyond any list, which the databases cannot turn into an offset. */
const HUGE_PAGE = '400000000000000000'

test.group('Malformed requests', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('api rejects a page beyond the last', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'read')

    const response = await apiRequest(client, 'GET', `/api/v1/contacts?page=${HUGE_PAGE}`, plain)

    assert.equal(response.status(), 422)
    assert.equal(response.body().errors[0].field, 'page')
    const last = await apiRequest(client, 'GET', `/api/v1/contacts?page=${MAX_PAGE}`, plain)
    assert.equal(last.status(), 200)
    assert.lengthOf(last.body().data, 0)
  })

  test('pages cap a huge page number', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await createContactIn(tenant.id)

    const huge = await client
      .get(`/contacts?page=${HUGE_PAGE}`)
      .headers(INERTIA_HEADERS)
      .loginAs(owner)
    const repeated = await client.get('/contacts?page[]=2').headers(INERTIA_HEADERS).loginAs(owner)

    huge.assertStatus(200)
    assert.equal(huge.body().props.pagination.page, MAX_PAGE)
    assert.lengthOf(huge.body().props.contacts, 0)
    repeated.assertStatus(200)
    assert.equal(repeated.body().props.pagination.page, 1)
    assert.lengthOf(repeated.body().props.contacts, 1)
  })

  test('inbox ignores a cursor out of range', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()

    const response = await client
      .get('/inbox/conversations?before=99999999999999999999999_1')
      .accept('json')
      .loginAs(owner)

    response.assertStatus(200)
    assert.isArray(response.body().conversations)
  })

  test('server errors hide their details', async ({ assert }) => {
    const { default: HttpExceptionHandler } = await import('#exceptions/handler')
    const ctx = await testUtils.createHttpContext()
    ctx.request.request.headers.accept = 'application/json'

    await new HttpExceptionHandler().handle(new Error('select * from users: header check'), ctx)

    assert.equal(ctx.response.getStatus(), 500)
    const body = ctx.response.getBody()
    assert.equal(body.code, 'E_INTERNAL_ERROR')
    assert.include(body.message, 'Try again')
    assert.notInclude(JSON.stringify(body), 'header check')
  })

  test('body that is not gzip gets a 400', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')
    const login = (encoding: string, language = 'en') =>
      client
        .post('/login')
        .header('content-type', 'application/json')
        .header('content-encoding', encoding)
        .header('accept-language', language)
        .accept('json')
        .withCsrfToken()
        .json({ email: 'ana@example.com', password: 'x' })

    const responses = {
      gzip: await login('gzip'),
      deflate: await login('deflate'),
      br: await login('br'),
      portuguese: await login('gzip', 'pt-BR'),
      api: await apiRequest(client, 'POST', '/api/v1/lists', plain, { name: 'Feira' }).header(
        'content-encoding',
        'gzip'
      ),
    }

    for (const encoding of ['gzip', 'deflate', 'br'] as const) {
      const response = responses[encoding]
      assert.equal(response.status(), 400, encoding)
      assert.equal(response.body().code, 'E_BODY_ENCODING_INVALID')
      assert.include(response.body().message, `not valid ${encoding} data`)
      assert.include(response.body().message, 'Content-Encoding')
    }
    assert.equal(responses.portuguese.status(), 400)
    assert.include(responses.portuguese.body().message, 'não é um dado gzip válido')
    assert.equal(responses.api.status(), 400)
    assert.equal(responses.api.body().errors[0].code, 'E_BODY_ENCODING_INVALID')
    assert.include(responses.api.body().errors[0].message, 'not valid gzip data')
  })

  test('gzip body still accepted', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')

    // The API client serialises a Buffer as JSON, so fetch sends the raw bytes.
    const response = await fetch(`http://127.0.0.1:${env.get('PORT')}/api/v1/lists`, {
      method: 'POST',
      headers: {
        'authorization': `Bearer ${plain}`,
        'accept': 'application/json',
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body: gzipSync(JSON.stringify({ name: 'Feira comprimida' })),
    })
    const body = await response.json()

    assert.equal(response.status, 201, JSON.stringify(body))
    assert.equal(body.data.name, 'Feira comprimida')
  })

  test('contact time zone must exist', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')
    const contact = (timezone: string) => ({ phone: '+5511944449001', timezone })

    const invented = await apiRequest(
      client,
      'POST',
      '/api/v1/contacts',
      plain,
      contact('Mars/Olympus')
    )
    const real = await apiRequest(
      client,
      'POST',
      '/api/v1/contacts',
      plain,
      contact('America/Manaus')
    )

    assert.equal(invented.status(), 422)
    assert.equal(invented.body().errors[0].field, 'timezone')
    assert.include(invented.body().errors[0].message, 'America/Sao_Paulo')
    assert.equal(real.status(), 201)
    assert.equal(real.body().data.timezone, 'America/Manaus')
  })

  test('nul characters are removed from texts', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')

    const response = await apiRequest(client, 'POST', '/api/v1/contacts', plain, {
      phone: '+5511944449002',
      name: 'Ana\u0000 Souza',
      city: 'São\u0000 Paulo',
      tags: ['vip\u0000'],
    })
    const blank = await apiRequest(client, 'POST', '/api/v1/lists', plain, { name: '\u0000' })

    assert.equal(response.status(), 201)
    assert.equal(response.body().data.name, 'Ana Souza')
    assert.equal(response.body().data.city, 'São Paulo')
    assert.deepEqual(response.body().data.tags, ['vip'])
    assert.equal(blank.status(), 422)
  })

  test('api campaign variables follow the form rule', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')
    const create = (body: Record<string, unknown>) =>
      apiRequest(client, 'POST', '/api/v1/campaigns', plain, { name: 'Sábado', ...body })

    const badName = await create({ variables: { 'bad name!': 'x' } })
    const noOffset = await create({ startsAt: '2030-01-31T12:00' })
    const good = await create({
      variables: { cupom: 'BF25' },
      startsAt: '2030-01-31T09:00:00-03:00',
    })

    assert.equal(badName.status(), 422)
    assert.equal(badName.body().errors[0].field, 'variables')
    assert.include(badName.body().errors[0].message, 'bad name!')
    assert.equal(noOffset.status(), 422)
    assert.include(noOffset.body().errors[0].message, 'offset')
    assert.equal(good.status(), 201)
  })

  test('list item errors name the list', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')

    const response = await apiRequest(client, 'POST', '/api/v1/contacts', plain, {
      phone: '+5511944449003',
      tags: ['ok', 'x'.repeat(61)],
    })

    assert.equal(response.status(), 422)
    const [error] = response.body().errors
    assert.equal(error.field, 'tags.1')
    assert.include(error.message, 'tags')
    assert.notInclude(error.message, ' 1.')
  })

  test('unknown custom field is rejected', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')

    const response = await apiRequest(client, 'POST', '/api/v1/contacts', plain, {
      phone: '+5511944449004',
      fields: { nope: 'x' },
    })

    assert.equal(response.status(), 422)
    assert.equal(response.body().errors[0].field, 'fields.nope')
    assert.include(response.body().errors[0].message, '"nope"')
  })
})
