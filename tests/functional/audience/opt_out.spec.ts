import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import emitter from '@adonisjs/core/services/emitter'
import Contact from '#models/contact'
import { runInTenant } from '#tenancy/tenant_context'
import { DEFAULT_OPT_OUT_KEYWORDS, audienceSettings } from '#services/contacts/audience_settings'
import { handleInboundForOptOut, isOptOutMessage } from '#services/contacts/opt_out'
import { saveContact } from '#services/contacts/contact_service'
import { addMember } from '#tests/helpers/accounts'
import { createAudienceTenant } from '#tests/helpers/audience'

test.group('Opt-out keywords', () => {
  const cases: [string, boolean][] = [
    ['stop', true],
    ['STOP!', true],
    [' Stop ', true],
    ['Sair', true],
    ['PARAR', true],
    ['descadastrar.', true],
    ['Cancelár', true],
    ['We have got to STOP this bill', false],
    ['não quero sair agora', false],
    ['', false],
  ]
  for (const [message, expected] of cases) {
    test(`"${message}"`, ({ assert }) => {
      assert.equal(isOptOutMessage(message, DEFAULT_OPT_OUT_KEYWORDS), expected)
    })
  }
})

test.group('Opt-out handling', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('inbound keyword opts the contact out', async ({ assert }) => {
    const { tenant } = await createAudienceTenant()
    const events: unknown[] = []
    const unsubscribe = emitter.on('contact:opted_out', (event) => {
      events.push(event)
    })
    try {
      await runInTenant(tenant.id, async () => {
        await saveContact(tenant, { name: 'Rita', phone: '(11) 98888-0001' })
        const result = await handleInboundForOptOut('+5511988880001', ' Parar! ', 'BR')
        assert.isTrue(result.optedOut)
        const contact = await Contact.query().firstOrFail()
        assert.equal(contact.consent, 'opted_out')
        assert.equal(contact.consentSource, 'keyword')
      })
    } finally {
      unsubscribe()
    }
    assert.lengthOf(events, 1)
  })

  test('sentence with keyword changes nothing', async ({ assert }) => {
    const { tenant } = await createAudienceTenant()
    await runInTenant(tenant.id, async () => {
      await saveContact(tenant, { name: 'Rui', phone: '(11) 98888-0002' })
      const result = await handleInboundForOptOut(
        '+5511988880002',
        'We have got to STOP this bill',
        'BR'
      )
      assert.isFalse(result.optedOut)
      const contact = await Contact.query().firstOrFail()
      assert.equal(contact.consent, 'unknown')
    })
  })

  test('operator opts out and back in', async ({ client, assert }) => {
    const { tenant } = await createAudienceTenant()
    const agent = await addMember(tenant.id, 'agent')
    const contact = await runInTenant(tenant.id, () =>
      saveContact(tenant, { name: 'Lia', phone: '(11) 98888-0003' })
    )
    const out = await client
      .post(`/contacts/${contact.id}/opt-out`)
      .loginAs(agent.user)
      .withCsrfToken()
    out.assertStatus(200)
    await contact.refresh()
    assert.equal(contact.consent, 'opted_out')

    const back = await client
      .post(`/contacts/${contact.id}/opt-in`)
      .loginAs(agent.user)
      .withCsrfToken()
    back.assertStatus(200)
    await contact.refresh()
    assert.equal(contact.consent, 'opted_in')
    assert.equal(contact.consentSource, 'operator')
  })

  test('keywords need a letter or digit', async ({ client, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    const save = (keywords: string) =>
      client
        .put('/contacts/opt-out')
        .accept('json')
        .json({ keywords, reply: null })
        .loginAs(owner)
        .withCsrfToken()

    const empty = await save(' ,,, ; ,')
    const saved = await save('SAIR, ;, pare\nSAIR')

    empty.assertStatus(422)
    assert.equal(empty.body().errors[0].field, 'keywords')
    assert.include(empty.body().errors[0].message, 'SAIR')
    const settings = await runInTenant(tenant.id, () => audienceSettings())
    assert.deepEqual(settings.optOutKeywords, ['SAIR', 'pare'])
    assert.oneOf(saved.status(), [200, 302])
  })

  test('viewer cannot opt out', async ({ client, assert }) => {
    const { tenant } = await createAudienceTenant()
    const viewer = await addMember(tenant.id, 'viewer')
    const contact = await runInTenant(tenant.id, () =>
      saveContact(tenant, { name: 'Téo', phone: '(11) 98888-0004' })
    )
    const response = await client
      .post(`/contacts/${contact.id}/opt-out`)
      .loginAs(viewer.user)
      .withCsrfToken()
      .header('accept', 'application/json')
    response.assertStatus(403)
    await contact.refresh()
    assert.equal(contact.consent, 'unknown')
  })
})
