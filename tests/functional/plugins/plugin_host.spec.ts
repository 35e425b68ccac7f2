import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import pluginHost from '#plugins/main'
import { PluginApiImpl } from '#plugins/plugin_api'
import { PluginError } from '#plugins/plugin_errors'
import { nodeTypes } from '#flow/node_type_registry'
import { emitDomainEvent } from '#events/domain_events'
import { createNodeContext } from '#sdk/testing'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'

/** The Inertia page object of an HTML response. */
function inertiaPage(html: string) {
  const match =
    /<script[^>]*data-page[^>]*>([^<]*)<\/script>/.exec(html) ?? /data-page="([^"]*)"/.exec(html)
  if (!match) {
    throw new Error('response has no Inertia page object')
  }
  const json = match[1].replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&#39;', "'")
  return JSON.parse(json) as { component: string; props: Record<string, any> }
}

async function tenantWithNotes(enabled: boolean) {
  const account = await createTenantWithOwner()
  if (enabled) {
    await pluginHost.tenantState.setEnabled(account.tenant.id, 'fixture-notes', true)
  }
  return account
}

test.group('Plugin host loading', () => {
  test('rejects an unsupported core version', ({ assert }) => {
    const record = pluginHost.get('fixture-old-core')!
    assert.equal(record.status, 'failed')
    assert.equal(record.error?.code, 'E_PLUGIN_CORE_UNSUPPORTED')
    assert.include(record.error!.message, 'Plugin "fixture-old-core"')
    assert.include(record.error!.message, '^9.0.0')
  })

  test('rejects a missing dependency', ({ assert }) => {
    const record = pluginHost.get('fixture-missing-dep')!
    assert.equal(record.status, 'failed')
    assert.equal(record.error?.code, 'E_PLUGIN_DEPENDENCY_MISSING')
    assert.include(record.error!.message, 'Plugin "fixture-missing-dep"')
    assert.include(record.error!.message, '"fixture-absent"')
  })

  test('rejects an entry that throws at boot', ({ assert }) => {
    const record = pluginHost.get('fixture-boot-throws')!
    assert.equal(record.status, 'failed')
    assert.equal(record.error?.code, 'E_PLUGIN_BOOT_FAILED')
    assert.include(record.error!.message, 'Plugin "fixture-boot-throws"')
    assert.include(record.error!.message, 'cannot reach the fixture service')
  })

  test('boots the valid plugin', ({ assert }) => {
    assert.equal(pluginHost.get('fixture-notes')!.status, 'booted')
    assert.isNull(pluginHost.get('fixture-notes')!.error)
  })

  test('application still serves requests', async ({ client }) => {
    const response = await client.get('/health')
    response.assertStatus(200)
  })
})

test.group('Plugin host admin page', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('lists failures with their rule', async ({ client, assert }) => {
    const { owner } = await tenantWithNotes(false)
    const response = await client.get('/settings/plugins').loginAs(owner)
    response.assertStatus(200)

    const page = inertiaPage(response.text())
    assert.equal(page.component, 'settings/plugins')
    const byName = Object.fromEntries(
      page.props.plugins.map((plugin: any) => [plugin.name, plugin])
    )
    assert.equal(byName['fixture-old-core'].error.code, 'E_PLUGIN_CORE_UNSUPPORTED')
    assert.equal(byName['fixture-missing-dep'].error.code, 'E_PLUGIN_DEPENDENCY_MISSING')
    assert.equal(byName['fixture-boot-throws'].error.code, 'E_PLUGIN_BOOT_FAILED')
    assert.isFalse(byName['fixture-notes'].enabled)
  })

  test('descriptions follow the reader language', async ({ client, assert }) => {
    const { owner } = await tenantWithNotes(false)
    const descriptions = async () => {
      const response = await client.get('/settings/plugins').loginAs(owner)
      response.assertStatus(200)
      const { plugins } = inertiaPage(response.text()).props
      return Object.fromEntries(plugins.map((plugin: any) => [plugin.name, plugin.description]))
    }

    const english = await descriptions()
    owner.locale = 'pt-BR'
    await owner.save()
    const portuguese = await descriptions()

    for (const name of ['audit', 'reports', 'sandbox', 'webhooks', 'whatsapp']) {
      assert.isString(english[name], name)
      assert.isString(portuguese[name], name)
      assert.notEqual(portuguese[name], english[name], `${name} has no Portuguese description`)
      assert.notMatch(english[name], /append-only|baileys|domain event/i, name)
    }
    assert.include(portuguese.webhooks, 'Avisa seus outros sistemas')
    assert.equal(
      english['fixture-notes'],
      'Test plugin with a node type, an event subscriber, a page and a table'
    )
  })

  test('a failed plugin route answers 404', async ({ client }) => {
    const { owner } = await tenantWithNotes(false)
    const response = await client.get('/plugins/fixture-boot-throws').loginAs(owner)
    response.assertStatus(404)
  })

  test('switch changes the tenant state', async ({ client, assert }) => {
    const { owner, tenant } = await tenantWithNotes(false)
    const response = await client
      .put('/settings/plugins/fixture-notes')
      .form({ enabled: true })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    assert.isTrue(await pluginHost.isEnabledFor('fixture-notes', tenant.id))
  })
})

test.group('Plugin contributions', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('palette lists the plugin node type', async ({ client, assert }) => {
    const { owner } = await tenantWithNotes(true)
    const response = await client.get('/flow/node-types').loginAs(owner)
    response.assertStatus(200)

    const entry = response.body().nodeTypes.find((type: any) => type.type === 'fixture-notes.note')
    assert.equal(entry.plugin, 'fixture-notes')
    assert.equal(entry.label, 'Note')
    assert.deepEqual(
      entry.ports.map((port: any) => port.label),
      ['Kept', 'Skipped']
    )
    assert.equal(entry.fields[1].options[1].label, 'Skipped')
  })

  test('palette translates core types', async ({ client, assert }) => {
    const { owner } = await tenantWithNotes(true)
    owner.locale = 'pt-BR'
    await owner.save()
    const response = await client.get('/flow/node-types').loginAs(owner)
    const types = response.body().nodeTypes.map((type: any) => type.type)
    assert.includeMembers(types, ['send', 'wait', 'wait_window', 'quiet_hours', 'branch_on_reply'])
    const send = response.body().nodeTypes.find((type: any) => type.type === 'send')
    assert.equal(send.label, 'Enviar mensagem')
    assert.equal(send.category.label, 'Mensagens')
  })

  test('palette defaults follow the language', async ({ client, assert }) => {
    const { owner } = await tenantWithNotes(true)
    const expected = {
      'en': { text: 'Write your message here', rule: 'Yes', keywords: ['yes'] },
      'pt-BR': { text: 'Escreva sua mensagem aqui', rule: 'Sim', keywords: ['sim'] },
    }
    for (const [locale, words] of Object.entries(expected)) {
      owner.locale = locale
      await owner.save()
      const response = await client.get('/flow/node-types').loginAs(owner)
      const byType = (type: string) =>
        response.body().nodeTypes.find((entry: any) => entry.type === type)

      assert.equal(byType('send').defaults.message.text, words.text, locale)
      const branch = byType('branch_on_reply')
      assert.equal(branch.defaults.rules[0].name, words.rule, locale)
      assert.deepEqual(branch.defaults.rules[0].keywords, words.keywords, locale)
      assert.equal(branch.ports[0].label, words.rule, locale)
      assert.deepEqual(byType('fixture-notes.note').defaults, { text: 'Called', port: 'kept' })
    }
  })

  test('resolve words errors in the language', async ({ client, assert }) => {
    const { owner } = await tenantWithNotes(true)
    owner.locale = 'pt-BR'
    await owner.save()
    const rules = [{ id: 'x', name: 'X', match: 'pattern', keywords: [], pattern: '(a+)+$' }]
    const response = await client
      .post('/flow/node-types/branch_on_reply/resolve')
      .json({ config: { timeout: { amount: 1, unit: 'hours' }, rules } })
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    const [error] = response.body().errors
    assert.equal(error.field, 'rules.0.pattern')
    assert.equal(error.rule, 'pattern_slow')
    assert.match(
      error.message,
      /^“Expressão regular” não pode ser \(a\+\)\+\$: a expressão regular/
    )
  })

  test('plugin executor runs a step', async ({ assert }) => {
    const entry = nodeTypes.getOrFail('fixture-notes.note')
    const config = await nodeTypes.validateConfig('fixture-notes.note', {
      text: 'x',
      port: 'skipped',
    })
    const { context } = createNodeContext({ config })
    assert.deepEqual(await entry.definition.execute(context as never), {
      kind: 'goto',
      port: 'skipped',
    })
  })

  test('resolve validates a configuration', async ({ client, assert }) => {
    const { owner } = await tenantWithNotes(true)
    const bad = await client
      .post('/flow/node-types/branch_on_reply/resolve')
      .json({ config: { timeout: { amount: 1, unit: 'hours' }, rules: 'x' } })
      .loginAs(owner)
      .withCsrfToken()
    bad.assertStatus(422)
    assert.equal(bad.body().code, 'E_NODE_CONFIG_INVALID')

    const rules = [{ id: 'ok', name: 'OK', match: 'keywords', keywords: ['ok'], pattern: null }]
    const good = await client
      .post('/flow/node-types/branch_on_reply/resolve')
      .json({ config: { timeout: { amount: 1, unit: 'hours' }, rules } })
      .loginAs(owner)
      .withCsrfToken()
    good.assertStatus(200)
    assert.deepEqual(
      good.body().ports.map((port: any) => port.id),
      ['ok', 'any', 'no_reply']
    )
  })

  test('subscriber receives a real event', async ({ assert }) => {
    const { tenant } = await tenantWithNotes(true)
    await emitDomainEvent('contact:created', {
      tenantId: tenant.id,
      contactId: 41,
      source: 'api',
      userId: null,
    })

    const rows = await db.from('fixture_notes_events').where('tenant_id', tenant.id)
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].contact_id, 41)
    assert.equal(rows[0].source, 'api')
  })

  test('page renders over HTTP', async ({ client, assert }) => {
    const { owner, tenant } = await tenantWithNotes(true)
    await pluginHost.tenantState.setSettings(tenant.id, 'fixture-notes', { greeting: 'Olá' })
    const response = await client.get('/plugins/fixture-notes').loginAs(owner)
    response.assertStatus(200)

    const page = inertiaPage(response.text())
    assert.equal(page.component, 'plugins/fixture-notes/index')
    assert.equal(page.props.greeting, 'Olá')
    assert.equal(page.props.tenant, tenant.name)
    assert.deepInclude(page.props.pluginNav, {
      plugin: 'fixture-notes',
      href: '/plugins/fixture-notes',
      label: 'Notes',
      icon: '✎',
    })
  })

  test('public route takes a callback POST', async ({ client }) => {
    const response = await client
      .post('/hooks/fixture-notes/callbacks')
      .json({ event: 'delivered', id: 'ABC' })
      .redirects(0)
    response.assertStatus(200)
    response.assertBody({ received: { event: 'delivered', id: 'ABC' } })
  })
})

test.group('Plugin tenant switches', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('disabling for A keeps it for B', async ({ client, assert }) => {
    const a = await tenantWithNotes(true)
    const b = await tenantWithNotes(true)
    await pluginHost.tenantState.setEnabled(a.tenant.id, 'fixture-notes', false)

    const paletteA = await client.get('/flow/node-types').loginAs(a.owner)
    const paletteB = await client.get('/flow/node-types').loginAs(b.owner)
    const typesOf = (response: typeof paletteA) =>
      response.body().nodeTypes.map((type: any) => type.type)
    assert.notInclude(typesOf(paletteA), 'fixture-notes.note')
    assert.include(typesOf(paletteB), 'fixture-notes.note')

    const pageA = await client.get('/plugins/fixture-notes').loginAs(a.owner)
    const pageB = await client.get('/plugins/fixture-notes').loginAs(b.owner)
    pageA.assertStatus(404)
    pageB.assertStatus(200)

    await emitDomainEvent('contact:created', {
      tenantId: a.tenant.id,
      contactId: 1,
      source: 'manual',
      userId: null,
    })
    await emitDomainEvent('contact:created', {
      tenantId: b.tenant.id,
      contactId: 2,
      source: 'manual',
      userId: null,
    })
    assert.lengthOf(await db.from('fixture_notes_events').where('tenant_id', a.tenant.id), 0)
    assert.lengthOf(await db.from('fixture_notes_events').where('tenant_id', b.tenant.id), 1)
  })

  test('opt-in plugin starts disabled', async ({ client, assert }) => {
    const { owner, tenant } = await tenantWithNotes(false)
    assert.isFalse(await pluginHost.isEnabledFor('fixture-notes', tenant.id))
    const response = await client.get('/plugins/fixture-notes').loginAs(owner)
    response.assertStatus(404)
  })
})

test.group('Plugin navigation', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('entries follow the role ability', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const navOf = async (user: typeof owner) => {
      const page = await client.get('/').loginAs(user).headers(INERTIA_HEADERS)
      return (page.body().props.pluginNav as { plugin: string }[]).map((entry) => entry.plugin)
    }

    const { user: admin } = await addMember(tenant.id, 'admin')
    for (const user of [owner, admin]) {
      const plugins = await navOf(user)
      assert.include(plugins, 'webhooks')
      assert.include(plugins, 'audit')
    }
    for (const role of ['editor', 'agent', 'viewer'] as const) {
      const { user } = await addMember(tenant.id, role)
      const plugins = await navOf(user)
      assert.notInclude(plugins, 'webhooks', role)
      assert.notInclude(plugins, 'audit', role)

      const forbidden = await client.get('/plugins/webhooks/endpoints').loginAs(user)
      forbidden.assertStatus(403)
    }
  })

  test('entry without ability shows to every role', async ({ client, assert }) => {
    const { tenant } = await tenantWithNotes(true)
    const { user: viewer } = await addMember(tenant.id, 'viewer')
    const page = await client.get('/').loginAs(viewer).headers(INERTIA_HEADERS)
    const plugins = (page.body().props.pluginNav as { plugin: string }[]).map(
      (entry) => entry.plugin
    )
    assert.include(plugins, 'fixture-notes')
  })

  test('unknown ability is rejected', ({ assert }) => {
    const manifest = { name: 'nav-probe', version: '1.0.0', core: '^0.1.0' }
    const host = { isEnabledFor: async () => true, tenantSettings: async () => ({}) }
    const api = new PluginApiImpl(manifest as never, '/tmp', logger, host)

    api.nav({ label: 'probe.nav', ability: 'manageTenant' })
    assert.equal(api.contributions.nav[0].ability, 'manageTenant')
    assert.throws(() => api.nav({ label: 'probe.nav', ability: 'editEverything' as never }))
    try {
      api.nav({ label: 'probe.nav', ability: 'editEverything' as never })
    } catch (error) {
      assert.instanceOf(error, PluginError)
      assert.equal((error as PluginError).code, 'E_PLUGIN_CONTRIBUTION_INVALID')
      assert.include((error as PluginError).message, 'nav-probe')
      assert.include((error as PluginError).message, 'editEverything')
    }
  })
})
