import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import ApiToken from '#models/api_token'
import { revokeApiToken } from '#services/api/api_tokens'
import { hashToken } from '#services/secure_token'
import { runAsSystem, runInTenant } from '#tenancy/tenant_context'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { apiRequest, createTokenFor, loadToken, statusOf } from '#tests/helpers/api'
import { INERTIA_HEADERS } from '#tests/helpers/audience'

test.group('Api tokens authentication', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('missing token is rejected', async ({ client, assert }) => {
    const response = await client.get('/api/v1/contacts').accept('json')
    assert.equal(response.status(), 401)
    assert.equal(response.body().errors[0].code, 'E_UNAUTHORIZED')
  })

  test('unknown token is rejected', async ({ client, assert }) => {
    const response = await apiRequest(client, 'GET', '/api/v1/contacts', 'dsp_not-a-real-token')
    assert.equal(response.status(), 401)
    assert.equal(response.body().errors[0].code, 'E_UNAUTHORIZED')
  })

  test('revoked token is rejected', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { token, plain } = await createTokenFor(tenant.id, 'write')
    const before = await apiRequest(client, 'GET', '/api/v1/contacts', plain)
    assert.equal(before.status(), 200)

    await runInTenant(tenant.id, () => revokeApiToken(token))
    const after = await apiRequest(client, 'GET', '/api/v1/contacts', plain)
    assert.equal(after.status(), 401)
    assert.equal(after.body().errors[0].code, 'E_UNAUTHORIZED')
  })

  test('expired token is rejected', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { token, plain } = await createTokenFor(tenant.id, 'read')
    await runInTenant(tenant.id, async () => {
      token.expiresAt = DateTime.utc().minus({ minutes: 1 })
      await token.save()
    })
    const response = await apiRequest(client, 'GET', '/api/v1/contacts', plain)
    assert.equal(response.status(), 401)
  })

  test('only the hash is stored', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { token, plain } = await createTokenFor(tenant.id, 'read')
    const row = await db.from('api_tokens').where('id', token.id).firstOrFail()
    assert.equal(row.token_hash, hashToken(plain))
    assert.notInclude(JSON.stringify(row), plain)
    assert.isTrue(plain.startsWith(row.token_prefix))
  })

  test('last used time updates', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { token, plain } = await createTokenFor(tenant.id, 'read')
    assert.notExists(token.lastUsedAt)

    const response = await apiRequest(client, 'GET', '/api/v1/lists', plain)
    assert.equal(response.status(), 200)
    const used = await loadToken(tenant.id, token.id)
    assert.isNotNull(used.lastUsedAt)

    await db
      .from('api_tokens')
      .where('id', token.id)
      .update({ last_used_at: '2020-01-01 00:00:00' })
    await apiRequest(client, 'GET', '/api/v1/lists', plain)
    const reused = await loadToken(tenant.id, token.id)
    assert.isAbove(reused.lastUsedAt!.year, 2020)
  })
})

test.group('Api tokens scopes', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('read token cannot write', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'read')
    const writes: [string, string, Record<string, unknown>][] = [
      ['POST', '/api/v1/contacts', { phone: '+5511987654321' }],
      ['POST', '/api/v1/lists', { name: 'Customers' }],
      ['POST', '/api/v1/templates', { name: 'Hello', body: 'Hi' }],
      ['POST', '/api/v1/campaigns', { name: 'Launch' }],
      ['POST', '/api/v1/messages', { instanceId: 1, to: '+5511987654321', text: 'Hi' }],
    ]
    for (const [method, url, body] of writes) {
      const response = await apiRequest(client, method, url, plain, body)
      assert.equal(response.status(), 403, `${method} ${url} answered ${response.status()}`)
      assert.equal(response.body().errors[0].code, 'E_TOKEN_SCOPE')
    }
    const lists = await db.from('contact_lists').where('tenant_id', tenant.id).count('* as total')
    assert.equal(Number(lists[0].total), 0)
  })

  test('read token can read', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'read')
    for (const url of ['/api/v1/contacts', '/api/v1/campaigns', '/api/v1/instances']) {
      const response = await apiRequest(client, 'GET', url, plain)
      assert.equal(response.status(), 200, `GET ${url} answered ${response.status()}`)
    }
  })

  test('write token can write', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')
    const response = await apiRequest(client, 'POST', '/api/v1/lists', plain, { name: 'Customers' })
    assert.equal(response.status(), 201)
    assert.equal(response.body().data.name, 'Customers')
  })
})

test.group('Api tokens rate limit', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('over the limit answers 429', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'read', { rateLimitPerMinute: 2 })
    const first = await apiRequest(client, 'GET', '/api/v1/lists', plain)
    assert.equal(first.status(), 200)
    assert.equal(first.header('x-ratelimit-limit'), '2')
    assert.equal(first.header('x-ratelimit-remaining'), '1')
    assert.equal(await statusOf(apiRequest(client, 'GET', '/api/v1/lists', plain)), 200)

    const limited = await apiRequest(client, 'GET', '/api/v1/lists', plain)
    assert.equal(limited.status(), 429)
    assert.equal(limited.body().errors[0].code, 'E_TOO_MANY_REQUESTS')
    const retryAfter = Number(limited.header('retry-after'))
    assert.isAbove(retryAfter, 0)
    assert.isAtMost(retryAfter, 60)
  })

  test('limits count per token', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const busy = await createTokenFor(tenant.id, 'read', { rateLimitPerMinute: 1 })
    const other = await createTokenFor(tenant.id, 'read', { rateLimitPerMinute: 1 })
    await apiRequest(client, 'GET', '/api/v1/lists', busy.plain)
    assert.equal(await statusOf(apiRequest(client, 'GET', '/api/v1/lists', busy.plain)), 429)
    assert.equal(await statusOf(apiRequest(client, 'GET', '/api/v1/lists', other.plain)), 200)
  })
})

test.group('Api tokens settings', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('owner creates a token shown once', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const response = await client
      .post('/settings/api-tokens')
      .form({ name: 'CRM', scope: 'write' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    assert.equal(response.status(), 302)

    const token = await runInTenant(tenant.id, () => ApiToken.query().firstOrFail())
    assert.equal(token.name, 'CRM')
    assert.equal(token.scope, 'write')
    assert.equal(token.createdBy, owner.id)

    const page = await client.get('/settings/api-tokens').loginAs(owner)
    assert.equal(page.status(), 200)
    assert.include(page.text(), token.tokenPrefix)
    assert.notInclude(page.text(), token.tokenHash)
  })

  test('former member tokens are flagged', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { user: admin, membership } = await addMember(tenant.id, 'admin')
    const working = await createTokenFor(tenant.id, 'write', { createdBy: admin.id })
    const revoked = await createTokenFor(tenant.id, 'read', { createdBy: admin.id })
    await runInTenant(tenant.id, () => revokeApiToken(revoked.token))
    const own = await createTokenFor(tenant.id, 'read', { createdBy: owner.id })

    const members = await client.get('/settings/members').headers(INERTIA_HEADERS).loginAs(owner)
    const listed = members
      .body()
      .props.members.find((member: { userId: number }) => member.userId === admin.id)
    assert.equal(listed.usableTokens, 1)

    const removal = await client
      .delete(`/settings/members/${membership.id}`)
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    assert.equal(removal.status(), 302)
    assert.equal(
      removal.flashMessages().success,
      'Member removed. They created 1 API token that still works: revoke it under ' +
        'Settings > API tokens if it should stop.'
    )

    const page = await client.get('/settings/api-tokens').headers(INERTIA_HEADERS).loginAs(owner)
    const creators = Object.fromEntries(
      page
        .body()
        .props.tokens.map((token: { id: number; createdBy: unknown }) => [
          token.id,
          token.createdBy,
        ])
    )
    assert.deepEqual(creators[working.token.id], { name: admin.fullName, member: false })
    assert.deepEqual(creators[revoked.token.id], { name: admin.fullName, member: false })
    assert.deepEqual(creators[own.token.id], { name: owner.fullName, member: true })
    const usable = await apiRequest(client, 'GET', '/api/v1/contacts', working.plain)
    assert.equal(usable.status(), 200)
  })

  test('rate limit error names the field', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const expected = {
      'en': 'Use 100,000 or less in the requests per minute.',
      'pt-BR': 'Use 100.000 ou menos no campo Requisições por minuto.',
    }
    for (const [locale, message] of Object.entries(expected)) {
      owner.locale = locale
      await owner.save()
      const response = await client
        .post('/settings/api-tokens')
        .form({ name: 'CRM', scope: 'read', rateLimitPerMinute: 999999 })
        .loginAs(owner)
        .withCsrfToken()
        .redirects(0)

      const errors = (response.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
      assert.deepEqual(errors.rateLimitPerMinute, [message], locale)
    }
  })

  test('owner revokes a token', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { token, plain } = await createTokenFor(tenant.id, 'read')
    const response = await client
      .delete(`/settings/api-tokens/${token.id}`)
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    assert.equal(response.status(), 302)
    const revoked = await loadToken(tenant.id, token.id)
    assert.isNotNull(revoked.revokedAt)
    assert.equal(await statusOf(apiRequest(client, 'GET', '/api/v1/lists', plain)), 401)
  })

  test('other tenant token is not found', async ({ client, assert }) => {
    const alpha = await createTenantWithOwner('Alpha')
    const beta = await createTenantWithOwner('Beta')
    const { token, plain } = await createTokenFor(beta.tenant.id, 'read')
    const response = await client
      .delete(`/settings/api-tokens/${token.id}`)
      .accept('json')
      .loginAs(alpha.owner)
      .withCsrfToken()
    assert.equal(response.status(), 404)
    const kept = await loadToken(beta.tenant.id, token.id)
    assert.notExists(kept.revokedAt)
    assert.equal(await statusOf(apiRequest(client, 'GET', '/api/v1/lists', plain)), 200)
  })

  test('editor cannot manage tokens', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user } = await addMember(tenant.id, 'editor')
    const response = await client
      .post('/settings/api-tokens')
      .json({ name: 'CRM', scope: 'write' })
      .accept('json')
      .loginAs(user)
      .withCsrfToken()
      .redirects(0)
    assert.equal(response.status(), 403)
    const tokens = await runAsSystem(() => ApiToken.query().where('tenant_id', tenant.id))
    assert.lengthOf(tokens, 0)
  })
})
