import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import CustomField from '#models/custom_field'
import ContactList from '#models/contact_list'
import { runInTenant } from '#tenancy/tenant_context'
import { addToLists, saveContact } from '#services/contacts/contact_service'
import { optOut } from '#services/contacts/opt_out'
import { createAudienceTenant } from '#tests/helpers/audience'
import { apiRequest, createTokenFor } from '#tests/helpers/api'

async function seedAudience() {
  const { tenant, owner } = await createAudienceTenant()
  const ids = await runInTenant(tenant.id, async () => {
    await CustomField.create({ key: 'score', label: 'Score', type: 'number', options: [] })
    const ana = await saveContact(tenant, {
      name: 'Ana',
      phone: '11990000001',
      city: 'Santos',
      tags: ['vip'],
      fields: { score: '10' },
    })
    await saveContact(tenant, {
      name: 'Bia',
      phone: '11990000002',
      city: 'Recife',
      tags: ['vip', 'late'],
      fields: { score: '3' },
    })
    const caio = await saveContact(tenant, {
      name: 'Caio',
      phone: '11990000003',
      city: 'Santos',
      fields: { score: '7' },
    })
    const dani = await saveContact(tenant, {
      name: 'Dani',
      phone: '11990000004',
      city: 'Santos',
      tags: ['vip'],
      fields: { score: '9' },
    })
    await optOut(dani, { reason: 'keyword', keyword: 'stop' })
    const list = await ContactList.create({ name: 'Clientes' })
    await addToLists([ana.id, caio.id, dani.id], [list.id])
    return { list: list.id }
  })
  return { tenant, owner, ...ids }
}

test.group('Segments count', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('and, or and nested groups', async ({ client, assert }) => {
    const { owner } = await seedAudience()
    const count = async (rules: unknown) => {
      const response = await client
        .post('/segments/count')
        .json({ rules })
        .loginAs(owner)
        .withCsrfToken()
      response.assertStatus(200)
      return response.body().count
    }

    assert.equal(await count({ match: 'all', rules: [] }), 3)
    assert.equal(
      await count({ match: 'all', rules: [{ type: 'tag', op: 'has', value: 'vip' }] }),
      2
    )
    assert.equal(
      await count({
        match: 'all',
        rules: [
          { type: 'tag', op: 'has', value: 'vip' },
          { type: 'city', op: 'is', value: 'Santos' },
        ],
      }),
      1
    )
    assert.equal(
      await count({
        match: 'any',
        rules: [
          { type: 'tag', op: 'has', value: 'late' },
          {
            match: 'all',
            rules: [
              { type: 'field', key: 'score', op: 'gt', value: '5' },
              { type: 'tag', op: 'has_not', value: 'vip' },
            ],
          },
        ],
      }),
      2
    )
    assert.equal(
      await count({ match: 'all', rules: [{ type: 'consent', op: 'is', value: 'opted_out' }] }),
      0
    )
  })

  test('list audience leaves opted-out members out', async ({ client, assert }) => {
    const { owner, list } = await seedAudience()
    const response = await client
      .post('/segments/count')
      .json({ rules: { match: 'all', rules: [{ type: 'list', op: 'in', value: list }] } })
      .loginAs(owner)
      .withCsrfToken()
    assert.equal(response.body().count, 2)
  })

  test('invalid rule names its path', async ({ client, assert }) => {
    const { owner } = await seedAudience()
    const response = await client
      .post('/segments/count')
      .json({
        rules: {
          match: 'all',
          rules: [
            { type: 'tag', op: 'has', value: 'vip' },
            { type: 'tag', op: 'has' },
          ],
        },
      })
      .loginAs(owner)
      .withCsrfToken()
    response.assertStatus(422)
    assert.equal(response.body().path, 'rules.1')
  })

  test('save names a taken name and a rule at once', async ({ client, assert }) => {
    const { owner, tenant } = await seedAudience()
    await runInTenant(tenant.id, async () => {
      const { default: Segment } = await import('#models/segment')
      await Segment.create({ name: 'VIP', rules: { match: 'all', rules: [] } })
    })

    const form = await client
      .post('/segments')
      .json({
        name: 'VIP',
        rules: { match: 'all', rules: [{ match: 'any', rules: [{ type: 'city', op: 'is' }] }] },
      })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)

    form.assertStatus(302)
    const errors = (form.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.deepEqual(errors, {
      'name': ['“VIP” is already taken.'],
      'rules.0.rules.0': [
        'Rule 1.1 (City is): the value is missing. Fill it in or remove the rule.',
      ],
    })
    // Field errors are shown beside their fields, not as the page's message.
    assert.notProperty(form.flashMessages().errorsBag ?? {}, 'rules.0.rules.0')
    const saved = await runInTenant(tenant.id, async () => {
      const { default: Segment } = await import('#models/segment')
      return Segment.query()
    })
    assert.lengthOf(saved, 1)
  })

  test('save names every bad rule', async ({ client, assert }) => {
    const { owner, tenant } = await seedAudience()
    const rules = {
      match: 'all',
      rules: [
        { type: 'city', op: 'is' },
        { type: 'city', op: 'is', value: 'Recife' },
        { match: 'any', rules: [{ type: 'city', op: 'is' }, { match: 'some' }] },
      ],
    }
    const form = await client
      .post('/segments')
      .json({ name: 'Várias regras', rules })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)

    form.assertStatus(302)
    const errors = (form.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.deepEqual(Object.keys(errors), ['rules.0', 'rules.2.rules.0', 'rules.2.rules.1.rules'])
    assert.deepEqual(errors['rules.0'], [
      'Rule 1 (City is): the value is missing. Fill it in or remove the rule.',
    ])
    assert.deepEqual(errors['rules.2.rules.0'], [
      'Rule 3.1 (City is): the value is missing. Fill it in or remove the rule.',
    ])

    const unchosen = await client
      .post('/segments')
      .json({ name: 'Sem campo', rules: { match: 'all', rules: [{ type: 'field', op: 'is' }] } })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    const fieldErrors = (unchosen.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.deepEqual(fieldErrors['rules.0'], [
      'Rule 1 (Custom field is): choose the custom field, or remove the rule.',
    ])

    const { plain } = await createTokenFor(tenant.id, 'write')
    const api = await apiRequest(client, 'POST', '/api/v1/segments', plain, {
      name: 'Várias regras',
      rules,
    })
    assert.equal(api.status(), 422)
    assert.lengthOf(api.body().errors, 3)
  })

  test('impossible dates rejected', async ({ client, assert }) => {
    const { owner, tenant } = await seedAudience()
    const { plain } = await createTokenFor(tenant.id, 'write')
    const rulesWith = (value: string) => ({
      match: 'all',
      rules: [
        { type: 'tag', op: 'has', value: 'vip' },
        { type: 'created', op: 'before', value },
      ],
    })

    for (const value of ['2025-02-30', '2025-13-01']) {
      const count = await client
        .post('/segments/count')
        .json({ rules: rulesWith(value) })
        .loginAs(owner)
        .withCsrfToken()
      const form = await client
        .post('/segments')
        .json({ name: `Datas ${value}`, rules: rulesWith(value) })
        .loginAs(owner)
        .withCsrfToken()
        .redirects(0)
      const api = await apiRequest(client, 'POST', '/api/v1/segments', plain, {
        name: `Datas ${value}`,
        rules: rulesWith(value),
      })

      const message = `Rule 2 (Added before): "${value}" is not a date that exists.`
      count.assertStatus(422)
      assert.equal(count.body().path, 'rules.1')
      assert.include(count.body().message, message)
      form.assertStatus(302)
      const errors = (form.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
      assert.include(errors['rules.1'][0], message)
      assert.equal(api.status(), 422, value)
      assert.equal(api.body().errors[0].code, 'E_SEGMENT_INVALID')
      assert.include(api.body().errors[0].message, message)
    }
    const saved = await runInTenant(tenant.id, async () => {
      const { default: Segment } = await import('#models/segment')
      return Segment.query()
    })
    assert.lengthOf(saved, 0)
  })

  test('impossible date named in portuguese', async ({ client, assert }) => {
    const { owner } = await seedAudience()
    owner.locale = 'pt-BR'
    await owner.save()

    const response = await client
      .post('/segments/count')
      .json({
        rules: {
          match: 'all',
          rules: [{ type: 'last_contacted', op: 'after', value: '2024-04-31' }],
        },
      })
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    assert.include(
      response.body().message,
      'Regra 1 (Último contato depois de): "2024-04-31" não é uma data que existe.'
    )
  })

  test('number values in plain form', async ({ client, assert }) => {
    const { owner } = await seedAudience()
    const count = (value: string) =>
      client
        .post('/segments/count')
        .json({
          rules: { match: 'all', rules: [{ type: 'field', key: 'score', op: 'gt', value }] },
        })
        .loginAs(owner)
        .withCsrfToken()

    const plain = await count('7.5')
    plain.assertStatus(200)
    assert.equal(plain.body().count, 1, 'Ana, because Dani opted out')
    const comma = await count('7,5')
    assert.equal(comma.body().count, 1)

    for (const value of ['1.000,00', 'abc', '1,000.00']) {
      const rejected = await count(value)
      rejected.assertStatus(422)
      assert.equal(rejected.body().path, 'rules.0')
      assert.equal(
        rejected.body().message,
        `Rule 1 (Custom field greater than): "${value}" is not a number. ` +
          'Type a number such as 1,234.56.'
      )
    }
  })

  test('empty value is an error', async ({ client, assert }) => {
    const { owner } = await seedAudience()
    owner.locale = 'pt-BR'
    await owner.save()
    const response = await client
      .post('/segments/count')
      .json({
        rules: {
          match: 'any',
          rules: [
            { type: 'city', op: 'is', value: 'Santos' },
            { match: 'all', rules: [{ type: 'field', key: 'score', op: 'lt', value: ' ' }] },
          ],
        },
      })
      .loginAs(owner)
      .withCsrfToken()
    response.assertStatus(422)
    assert.equal(response.body().path, 'rules.1.rules.0')
    assert.equal(
      response.body().message,
      'Regra 2.1 (Campo personalizado menor que): falta o valor. Preencha-o ou remova a regra.'
    )
  })

  test('other tenant contacts never counted', async ({ client, assert }) => {
    await seedAudience()
    const { owner } = await createAudienceTenant()
    const response = await client
      .post('/segments/count')
      .json({ rules: { match: 'all', rules: [] } })
      .loginAs(owner)
      .withCsrfToken()
    assert.equal(response.body().count, 0)
  })
})

test.group('Contacts search', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('phone in any format finds the contact', async ({ client, assert }) => {
    const { owner } = await seedAudience()
    for (const q of ['(11) 99000-0002', '+55 11 990000002', 'Bia', 'late']) {
      const response = await client
        .get('/contacts')
        .qs({ q })
        .headers({ 'x-inertia': 'true', 'x-inertia-version': '1' })
        .loginAs(owner)
      assert.equal(response.status(), 200, response.text().slice(0, 2000))
      assert.deepEqual(
        response.body().props.contacts.map((contact: { name: string }) => contact.name),
        ['Bia'],
        q
      )
    }
  })

  test('deleting erases the contact', async ({ client, assert }) => {
    const { owner, tenant } = await seedAudience()
    const { default: Contact } = await import('#models/contact')
    const bia = await runInTenant(tenant.id, () => Contact.findByOrFail('name', 'Bia'))
    const response = await client.delete(`/contacts/${bia.id}`).loginAs(owner).withCsrfToken()
    response.assertStatus(200)
    assert.isNull(await runInTenant(tenant.id, () => Contact.find(bia.id)))
  })
})
