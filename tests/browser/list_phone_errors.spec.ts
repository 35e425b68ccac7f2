import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Contact from '#models/contact'
import ContactList from '#models/contact_list'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { assertMessageBeside, capture } from '#tests/helpers/browser_pages'

const TYPED = ['(11) 91234-0011', '(11) 91234-0010', 'abc', '123', '11 91234-0012'].join('\n')

/** Creates a list and the contacts with the numbers ending in 0011 and 0012. */
async function listWithContacts(tenantId: number) {
  return runInTenant(tenantId, async () => {
    await Contact.createMany([
      { phone: '+5511912340011', timezone: 'America/Sao_Paulo' },
      { phone: '+5511912340012', timezone: 'America/Sao_Paulo' },
    ])
    return ContactList.create({ name: 'Feira de maio' })
  })
}

async function memberCount(listId: number) {
  const rows = await db.from('contact_list_members').where('contact_list_id', listId)
  return rows.length
}

test.group('List phone errors page', () => {
  test('invalid and unknown numbers apart', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Lists')
    const list = await listWithContacts(tenant.id)
    await browserContext.loginAs(owner)

    const page = await visit(`/lists/${list.id}`)
    const phones = page.locator('[data-test-id="list-phones"]')
    await phones.fill(TYPED)
    await page.locator('form button[type="submit"]').click()

    await assertMessageBeside(
      assert,
      phones,
      page.locator('[data-test-id="error-phones"]'),
      '"abc", "123" are not phone numbers. Include the area code, such as (11) 98765-4321, ' +
        'or the country code, such as +1 415 555 0100.\n' +
        'No contact has the number (11) 91234-0010. Create the contact first, then add it here.'
    )
    assert.equal(await phones.inputValue(), TYPED)
    assert.equal(
      await page.locator('[data-test-id="flash-success"]').innerText(),
      '2 contacts added.'
    )
    assert.equal(await memberCount(list.id), 2)
    await capture(page, 'list-phone-errors-en')
  }).timeout(60_000)

  test('one invalid number in Portuguese', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Listas')
    owner.locale = 'pt-BR'
    await owner.save()
    const list = await listWithContacts(tenant.id)
    await browserContext.loginAs(owner)

    const page = await visit(`/lists/${list.id}`)
    const phones = page.locator('[data-test-id="list-phones"]')
    await phones.fill('abc-defg')
    await page.locator('form button[type="submit"]').click()

    await assertMessageBeside(
      assert,
      phones,
      page.locator('[data-test-id="error-phones"]'),
      '"abc-defg" não é um telefone. Inclua o DDD, como (11) 98765-4321, ' +
        'ou o código do país, como +1 415 555 0100.'
    )
    assert.equal(await phones.inputValue(), 'abc-defg')
    assert.equal(await page.locator('[data-test-id="flash-success"]').count(), 0)
    assert.equal(await memberCount(list.id), 0)

    await phones.fill('(11) 91234-0011\n(11) 91234-0012')
    await page.locator('form button[type="submit"]').click()
    await page.locator('[data-test-id="flash-success"]').waitFor()
    assert.equal(
      await page.locator('[data-test-id="flash-success"]').innerText(),
      '2 contatos adicionados.'
    )
    assert.equal(await page.locator('[data-test-id="error-phones"]').count(), 0)
    assert.equal(await phones.inputValue(), '')
    assert.equal(await memberCount(list.id), 2)
    await capture(page, 'list-phone-errors-pt-BR')
  }).timeout(60_000)
})
