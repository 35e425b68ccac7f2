import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import Contact from '#models/contact'
import type User from '#models/user'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'

/** Posts the new-contact form and returns the errors it raised, by field. */
async function postContact(client: ApiClient, owner: User, input: Record<string, unknown>) {
  const response = await client
    .post('/contacts')
    .json({ phone: '+5511912340001', ...input })
    .loginAs(owner)
    .withCsrfToken()
    .redirects(0)
  response.assertStatus(302)
  return (response.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
}

test.group('Contact form errors', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('invalid phone is a field error', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const errors = await postContact(client, owner, { name: 'Ana', phone: 'abc' })
    assert.deepEqual(errors.phone, [
      '"abc" is not a phone number. Include the area code, such as (11) 98765-4321, ' +
        'or the country code, such as +1 415 555 0100.',
    ])
    assert.lengthOf(await runInTenant(tenant.id, () => Contact.all()), 0)
  })

  test('taken list name is a field error', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const post = () =>
      client.post('/lists').form({ name: 'Clientes' }).loginAs(owner).withCsrfToken().redirects(0)
    const first = await post()
    first.assertStatus(302)

    const second = await post()
    second.assertStatus(302)
    const errors = (second.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.deepEqual(errors.name, ['“Clientes” is already taken.'])
    assert.notProperty(second.flashMessages().errorsBag ?? {}, 'name')
  })

  test('long name is rejected', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const errors = await postContact(client, owner, { name: 'a'.repeat(3000) })
    assert.deepEqual(errors.name, ['Use at most 160 characters for the name.'])
    assert.lengthOf(await runInTenant(tenant.id, () => Contact.all()), 0)
  })

  test('misspelt time zone gets a suggestion', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const errors = await postContact(client, owner, { timezone: 'America/Sao_Polo' })
    assert.deepEqual(errors.timezone, [
      '“America/Sao_Polo” is not a time zone. Did you mean America/Sao_Paulo? ' +
        'Type it in the time zone as the IANA list spells it.',
    ])

    const unknown = await postContact(client, owner, { timezone: 'Mars/Olympus' })
    assert.deepEqual(unknown.timezone, [
      '“Mars/Olympus” is not a time zone of the IANA list. ' +
        'Type one in the time zone, such as America/Sao_Paulo.',
    ])
  })

  test('time zone errors in Portuguese', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    owner.locale = 'pt-BR'
    await owner.save()
    const errors = await postContact(client, owner, { timezone: 'america/sao_polo' })
    assert.deepEqual(errors.timezone, [
      '“america/sao_polo” não é um fuso horário. Você quis dizer America/Sao_Paulo? ' +
        'Digite-o em Fuso horário como a lista IANA escreve.',
    ])
  })

  test('language must be a supported locale', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const errors = await postContact(client, owner, { language: 'português' })
    assert.deepEqual(errors.language, ['Choose one of the listed options for the language.'])
    assert.lengthOf(await runInTenant(tenant.id, () => Contact.all()), 0)

    const saved = await postContact(client, owner, { language: 'pt-BR' })
    assert.deepEqual(saved, {})
    const [contact] = await runInTenant(tenant.id, () => Contact.all())
    assert.equal(contact.language, 'pt-BR')
  })

  test('edit form checks the same fields', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await postContact(client, owner, { name: 'Ana' })
    const contact = await runInTenant(tenant.id, () => Contact.firstOrFail())
    const response = await client
      .put(`/contacts/${contact.id}`)
      .json({ phone: contact.phone, name: 'Ana', timezone: 'Europe/Lisbn', language: 'pt' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    const errors = response.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.match(errors.timezone[0], /Did you mean Europe\/Lisbon\?/)
    assert.deepEqual(errors.language, ['Choose one of the listed options for the language.'])
  })
})
