import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { runInTenant } from '#tenancy/tenant_context'
import { saveContact } from '#services/contacts/contact_service'
import { contactSearchQuery } from '#services/contacts/contact_search'
import { INERTIA_HEADERS, createAudienceTenant } from '#tests/helpers/audience'

test.group('Contacts search', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('wildcards in the term are literal', async ({ assert }) => {
    const { tenant } = await createAudienceTenant()
    const names = await runInTenant(tenant.id, async () => {
      await saveContact(tenant, { name: 'Academia 100% Fit', phone: '(11) 98765-1001' })
      await saveContact(tenant, { name: 'Academia 1000 Fit', phone: '(11) 98765-1002' })
      await saveContact(tenant, { name: 'ana_maria', phone: '(11) 98765-1003' })
      await saveContact(tenant, { name: 'anaXmaria', phone: '(11) 98765-1004' })
      await saveContact(tenant, { name: 'Loja! Centro', phone: '(11) 98765-1005' })
      const search = async (q: string) => {
        const found = await contactSearchQuery({ q }, tenant.defaultCountry).orderBy('name')
        return found.map((contact) => contact.name)
      }
      return {
        percent: await search('100%'),
        underscore: await search('a_m'),
        bang: await search('a!'),
      }
    })

    assert.deepEqual(names.percent, ['Academia 100% Fit'])
    assert.deepEqual(names.underscore, ['ana_maria'])
    assert.deepEqual(names.bang, ['Loja! Centro'])
  })

  test('repeated filter parameters are ignored', async ({ client, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    await runInTenant(tenant.id, () =>
      saveContact(tenant, { name: 'Bruna Reis', phone: '(11) 98765-1010' })
    )
    const query = 'q[]=a&consent[]=opted_in&tag[x]=1&createdAfter[]=2024-01-01&list[]=3'

    const page = await client.get(`/contacts?${query}`).headers(INERTIA_HEADERS).loginAs(owner)
    const exported = await client.get(`/contacts/export.csv?${query}`).loginAs(owner)
    const again = await client.get('/contacts/export.csv?q=Bruna').loginAs(owner)

    page.assertStatus(200)
    assert.equal(page.body().props.pagination.total, 1)
    exported.assertStatus(200)
    assert.include(exported.text(), 'Bruna Reis')
    again.assertStatus(200)
    assert.include(again.text(), 'Bruna Reis')
  })
})
