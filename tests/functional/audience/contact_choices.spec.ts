import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { sqlTime } from '#services/channels/sql_time'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { insertContacts } from '#tests/helpers/audience'
import { campaignSettings, createCampaign } from '#tests/helpers/campaigns'
import { useSqliteServer } from '#tests/helpers/sqlite_server'
import { signUp } from '#tests/helpers/web_session'

/**
 * More contacts than the template preview (200) and the simulator (500)
 * used to load. They are all named "Cliente …", so the contacts below sort
 * after them.
 */
const CROWD = 520

const SEARCHED = { name: 'Zuleica Ávila', phone: '+5511990009999' }
const OPTED_OUT = { name: 'Zilda Avila', phone: '+5511990008888', consent: 'opted_out' as const }

type Choices = { contacts: { id: number; name: string | null; phone: string }[] }

/** Checks the pickers' search through `get`, which returns the JSON of a path. */
async function checkSearches(assert: Assert, get: (path: string) => Promise<Choices>) {
  const names = async (path: string) => {
    const { contacts } = await get(path)
    return contacts.map((contact) => contact.name)
  }

  const first = await names('/contacts/choices')
  assert.lengthOf(first, 20)
  assert.equal(first[0], 'Cliente 0001')
  assert.equal(first[19], 'Cliente 0020')

  const search = (term: string, reachable = false) =>
    names(`/contacts/choices?search=${encodeURIComponent(term)}${reachable ? '&reachable=1' : ''}`)
  assert.deepEqual(await search('avila'), ['Zilda Avila', SEARCHED.name])
  assert.deepEqual(await search('ÁVILA', true), [SEARCHED.name])
  assert.deepEqual(await search('11 99000-9999'), [SEARCHED.name])
  assert.deepEqual(await search('100%'), [])

  // "Cliente 0500" to "Cliente 0520" match, one more than a search returns.
  const crowd = await search('cliente 05')
  assert.lengthOf(crowd, 20)
  assert.deepEqual(crowd.slice(0, 3), ['Cliente 0500', 'Cliente 0501', 'Cliente 0502'])
}

test.group('Contact choices', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('search finds contacts past the first', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await insertContacts(tenant.id, CROWD, [SEARCHED, OPTED_OUT])
    const other = await createTenantWithOwner('Other agency')
    await insertContacts(other.tenant.id, 0, [{ name: 'Ávila Neto', phone: SEARCHED.phone }])

    await checkSearches(assert, async (path) => {
      const response = await client.get(path).loginAs(owner)
      response.assertStatus(200)
      return response.body()
    })
  })

  test('audience search ignores accents', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const [wantedId, optedOutId] = await insertContacts(tenant.id, 30, [SEARCHED, OPTED_OUT])
    const [listId] = await db
      .table('contact_lists')
      .insert({ tenant_id: tenant.id, name: 'Clientes', created_at: sqlTime() })
    await db.table('contact_list_members').insert(
      [wantedId, optedOutId].map((contactId) => ({
        tenant_id: tenant.id,
        contact_list_id: listId,
        contact_id: contactId,
        created_at: sqlTime(),
      }))
    )
    const campaign = await createCampaign(tenant.id, { listIds: [Number(listId)] })

    const response = await client
      .get(`/campaigns/${campaign.id}/audience/contacts?search=${encodeURIComponent('ÁVILA')}`)
      .loginAs(owner)

    response.assertStatus(200)
    assert.deepEqual(response.body().contacts, [
      { id: wantedId, name: SEARCHED.name, phone: SEARCHED.phone },
    ])
  })
})

/** Port of the SQLite server, apart from the suite's own and the other SQLite tests'. */
const PORT = Number(process.env.PORT ?? 3334) + 31
const CONNECTION = 'sqlite_contact_choices'

// SQLite compares names byte by byte, so the search lists each letter's case and accent variants.
test.group('Contact choices on SQLite', (group) => {
  const base = `http://127.0.0.1:${PORT}`
  const { withServerOutput } = useSqliteServer(group, {
    name: 'contact-choices',
    port: PORT,
    roles: ['web', 'worker'],
    connection: CONNECTION,
  })

  test('search ignores case and accents', async ({ assert }) => {
    const session = await signUp(base, `sqlite.choices.${Date.now()}`)
    const tenant = await db.connection(CONNECTION).from('tenants').orderBy('id', 'desc').first()
    await insertContacts(tenant.id, CROWD, [SEARCHED, OPTED_OUT], CONNECTION)

    await withServerOutput(() =>
      checkSearches(assert, (path) => session.json<Choices>('GET', path))
    )
  }).timeout(120_000)

  test('audience search ignores accents', async ({ assert }) => {
    const session = await signUp(base, `sqlite.audience.${Date.now()}`)
    const sqlite = db.connection(CONNECTION)
    const tenant = await sqlite.from('tenants').orderBy('id', 'desc').first()
    const [wantedId] = await insertContacts(tenant.id, 30, [SEARCHED, OPTED_OUT], CONNECTION)
    await session.request('POST', '/lists', { name: 'Clientes' })
    const list = await sqlite.from('contact_lists').where('tenant_id', tenant.id).first()
    await session.request('POST', `/lists/${list.id}/contacts`, {
      phones: [SEARCHED.phone, OPTED_OUT.phone, '+5511980000001'],
    })
    const created = await session.request('POST', '/campaigns', {
      ...campaignSettings('Sábado'),
      listIds: [list.id],
    })
    const campaignId = created.headers.get('location')?.match(/^\/campaigns\/(\d+)/)?.[1]

    const found = await withServerOutput(() =>
      session.json<Choices>('GET', `/campaigns/${campaignId}/audience/contacts?search=avila`)
    )
    assert.deepEqual(found.contacts, [{ id: wantedId, name: SEARCHED.name, phone: SEARCHED.phone }])
  }).timeout(120_000)
})
