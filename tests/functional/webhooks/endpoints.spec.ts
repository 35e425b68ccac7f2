import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import {
  createDelivery,
  createEndpoint,
  startReceiver,
  startWebhookWorker,
  waitFor,
} from '#tests/helpers/webhooks'
import WebhookEndpoint from '../../../plugins/webhooks/models/webhook_endpoint.js'
import AuditEntry from '../../../plugins/audit/models/audit_entry.js'
import { webhooksConfig } from '../../../plugins/webhooks/config.js'

const original = { ...webhooksConfig }

test.group('Webhook endpoints', (group) => {
  let stopWorker: () => Promise<void>

  group.setup(async () => {
    stopWorker = await startWebhookWorker()
  })
  group.teardown(async () => {
    await stopWorker()
  })
  group.each.setup(() => {
    webhooksConfig.allowPrivateTargets = true
    return testUtils.db().wrapInGlobalTransaction()
  })
  group.each.teardown(() => {
    Object.assign(webhooksConfig, original)
  })

  test('errors name the fields as labelled', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const cases = [
      { language: 'en', url: 'Fill in the URL.', events: 'Pick at least one event.' },
      { language: 'pt-BR', url: 'Preencha o campo URL.', events: 'Escolha pelo menos um evento.' },
    ]
    for (const expected of cases) {
      const response = await client
        .post('/plugins/webhooks/endpoints')
        .json({ url: '', events: [] })
        .accept('json')
        .header('accept-language', expected.language)
        .loginAs(owner)
        .withCsrfToken()
      assert.equal(response.status(), 422)
      const messages = Object.fromEntries(
        response
          .body()
          .errors.map((error: { field: string; message: string }) => [error.field, error.message])
      )
      assert.equal(messages.url, expected.url)
      assert.equal(messages.events, expected.events)
    }
  })

  test('secret is shown once after create', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const created = await client
      .post('/plugins/webhooks/endpoints')
      .json({ url: 'http://127.0.0.1:9/hooks', events: ['message:delivered', 'campaign:started'] })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    assert.equal(created.status(), 302)
    const endpoint = await WebhookEndpoint.findByOrFail('tenant_id', tenant.id)
    assert.deepEqual(endpoint.events, ['message:delivered', 'campaign:started'])
    assert.match(endpoint.revealSecret(), /^whsec_/)
    assert.notInclude(endpoint.secret, endpoint.revealSecret())

    const path = `/plugins/webhooks/endpoints/${endpoint.id}`
    const first = await client
      .get(path)
      .headers(INERTIA_HEADERS)
      .loginAs(owner)
      .withFlashMessages(created.flashMessages())
    assert.equal(first.body().props.secret, endpoint.revealSecret())
    const second = await client.get(path).headers(INERTIA_HEADERS).loginAs(owner)
    assert.isNull(second.body().props.secret)
  })

  test('endpoint changes reach the audit log', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await client
      .post('/plugins/webhooks/endpoints')
      .json({ url: 'http://127.0.0.1:9/hooks', events: ['campaign:started'] })
      .loginAs(owner)
      .withCsrfToken()
    const endpoint = await WebhookEndpoint.findByOrFail('tenant_id', tenant.id)
    await client
      .post(`/plugins/webhooks/endpoints/${endpoint.id}/reveal`)
      .loginAs(owner)
      .withCsrfToken()

    const entries = await AuditEntry.query().where('tenant_id', tenant.id).orderBy('id')
    const actions = entries.map((entry) => entry.action)
    assert.deepEqual(actions, ['webhook.endpoint_created', 'webhook.endpoint_secret_revealed'])
    assert.deepEqual(entries[0].after, {
      url: 'http://127.0.0.1:9/hooks',
      events: ['campaign:started'],
      enabled: true,
    })
    assert.equal(entries[1].actorId, owner.id)
    assert.notInclude(JSON.stringify(entries.map((entry) => entry.serialize())), 'whsec_')
  })

  test('editors cannot reach the pages', async ({ client }) => {
    const { tenant } = await createTenantWithOwner()
    const { user } = await addMember(tenant.id, 'editor')
    const response = await client.get('/plugins/webhooks/endpoints').loginAs(user)
    response.assertStatus(403)
  })

  test('redeliver sends the same id and body', async ({ client, assert }) => {
    const receiver = await startReceiver([200])
    const { tenant, owner } = await createTenantWithOwner()
    const endpoint = await createEndpoint(tenant.id, receiver.url)
    const delivery = await createDelivery(endpoint, '{"event":"message:delivered","n":1}')

    for (let run = 1; run <= 2; run++) {
      const response = await client
        .post(`/plugins/webhooks/deliveries/${delivery.id}/redeliver`)
        .loginAs(owner)
        .withCsrfToken()
        .redirects(0)
      assert.equal(response.status(), 302)
      await waitFor(() => receiver.requests.length === run, `run ${run}`)
    }
    await receiver.close()
    await waitFor(async () => {
      await delivery.refresh()
      return delivery.attempts === 2 && delivery.status === 'succeeded'
    }, 'both attempts to be logged')

    const [first, second] = receiver.requests
    assert.equal(first.headers['x-disparador-delivery'], delivery.id)
    assert.equal(second.headers['x-disparador-delivery'], delivery.id)
    assert.isTrue(first.body.equals(second.body))

    const page = await client
      .get(`/plugins/webhooks/endpoints/${endpoint.id}`)
      .headers(INERTIA_HEADERS)
      .loginAs(owner)
    const [logged] = page.body().props.deliveries
    assert.equal(logged.id, delivery.id)
    assert.deepEqual(
      logged.attempts.map((attempt: { statusCode: number }) => attempt.statusCode),
      [200, 200]
    )
  })
})
