import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { runInTenant } from '#tenancy/tenant_context'
import { saveContact } from '#services/contacts/contact_service'
import { contactSearchQuery } from '#services/contacts/contact_search'
import { createAudienceTenant } from '#tests/helpers/audience'

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
})
