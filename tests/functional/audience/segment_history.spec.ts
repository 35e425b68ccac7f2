import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { saveContact } from '#services/contacts/contact_service'
import { createAudienceTenant, storeMessages } from '#tests/helpers/audience'
import { createCampaign } from '#tests/helpers/campaigns'
import { parseSegmentRules } from '#services/segments/segment_rules'
import { loadSegmentContext, segmentQuery } from '#services/segments/audience_query'

/**
 * Creates a tenant whose contacts have a message history on two numbers:
 * - Ana got Promo on number 1 and replied;
 * - Bia got Promo and did not reply;
 * - Caio wrote first, and no campaign ever wrote to him;
 * - Duda got Promo, then Natal, on number 1, and replied once (to Natal);
 * - Edu got Promo on number 2 and wrote on number 1, which never sent him a campaign;
 * - Fabi's only send failed;
 * - Gil has no message.
 */
async function seedHistory() {
  const { tenant, owner } = await createAudienceTenant()
  const promo = await createCampaign(tenant.id, { name: 'Promo' })
  const natal = await createCampaign(tenant.id, { name: 'Natal' })
  const seeded = await runInTenant(tenant.id, async () => {
    const firstNumber = await ChannelInstance.create({
      name: 'Loja 1',
      channel: 'sandbox',
      config: {},
    })
    const secondNumber = await ChannelInstance.create({
      name: 'Loja 2',
      channel: 'sandbox',
      config: {},
    })
    const names = ['Ana', 'Bia', 'Caio', 'Duda', 'Edu', 'Fabi', 'Gil']
    const ids: Record<string, number> = {}
    for (const [index, name] of names.entries()) {
      const contact = await saveContact(tenant, { name, phone: `1199100000${index}` })
      ids[name] = contact.id
    }
    return { one: firstNumber.id, two: secondNumber.id, ids }
  })
  const { one, two, ids } = seeded
  await storeMessages(tenant.id, [
    {
      contactId: ids.Ana,
      instanceId: one,
      direction: 'out',
      campaignId: promo.id,
      at: '2025-03-01T12:00:00Z',
    },
    { contactId: ids.Ana, instanceId: one, direction: 'in', at: '2025-03-01T12:05:00Z' },
    {
      contactId: ids.Bia,
      instanceId: one,
      direction: 'out',
      campaignId: promo.id,
      at: '2025-03-01T12:00:00Z',
    },
    { contactId: ids.Caio, instanceId: one, direction: 'in', at: '2025-03-02T09:00:00Z' },
    {
      contactId: ids.Duda,
      instanceId: one,
      direction: 'out',
      campaignId: promo.id,
      at: '2025-03-01T12:00:00Z',
    },
    {
      contactId: ids.Duda,
      instanceId: one,
      direction: 'out',
      campaignId: natal.id,
      at: '2025-03-10T12:00:00Z',
    },
    { contactId: ids.Duda, instanceId: one, direction: 'in', at: '2025-03-10T12:30:00Z' },
    {
      contactId: ids.Edu,
      instanceId: two,
      direction: 'out',
      campaignId: promo.id,
      at: '2025-03-01T12:00:00Z',
    },
    { contactId: ids.Edu, instanceId: one, direction: 'in', at: '2025-03-01T13:00:00Z' },
    {
      contactId: ids.Fabi,
      instanceId: one,
      direction: 'out',
      campaignId: promo.id,
      at: '2025-03-20T12:00:00Z',
      sent: false,
    },
  ])
  return { tenant, owner, promo: promo.id, natal: natal.id }
}

/** Names of the contacts that match one rule, sorted, as the audience query finds them. */
async function matching(tenantId: number, rule: Record<string, unknown>) {
  return runInTenant(tenantId, async () => {
    const rules = await parseSegmentRules({ match: 'all', rules: [rule] })
    const contacts = await segmentQuery(rules, await loadSegmentContext())
    return contacts.map((contact) => contact.name).sort()
  })
}

test.group('Segments on message history', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('replies belong to the latest campaign', async ({ client, assert }) => {
    const { tenant, owner, promo, natal } = await seedHistory()

    assert.deepEqual(await matching(tenant.id, { type: 'replied', op: 'yes' }), ['Ana', 'Duda'])
    // Duda's reply belongs to Natal, the later message on that number.
    assert.deepEqual(await matching(tenant.id, { type: 'replied', op: 'yes', value: promo }), [
      'Ana',
    ])
    assert.deepEqual(
      await matching(tenant.id, { type: 'replied', op: 'yes', value: String(natal) }),
      ['Duda']
    )
    assert.deepEqual(await matching(tenant.id, { type: 'replied', op: 'no', value: '' }), [
      'Bia',
      'Caio',
      'Edu',
      'Fabi',
      'Gil',
    ])

    const response = await client
      .post('/segments/count')
      .json({ rules: { match: 'all', rules: [{ type: 'replied', op: 'yes', value: promo }] } })
      .loginAs(owner)
      .withCsrfToken()
    response.assertStatus(200)
    assert.equal(response.body().count, 1)
  })

  test('last contacted counts accepted sends', async ({ assert }) => {
    const { tenant } = await seedHistory()
    const rule = (op: string, value: string) => ({ type: 'last_contacted', op, value })

    // Fabi's only send failed, so she was never contacted.
    assert.deepEqual(await matching(tenant.id, rule('after', '2025-03-01')), ['Duda'])
    assert.deepEqual(await matching(tenant.id, rule('after', '2025-03-10')), [])
    assert.deepEqual(await matching(tenant.id, rule('before', '2025-03-10')), ['Ana', 'Bia', 'Edu'])
    assert.deepEqual(await matching(tenant.id, rule('before', '2025-03-11')), [
      'Ana',
      'Bia',
      'Duda',
      'Edu',
    ])
    assert.deepEqual(await matching(tenant.id, rule('before', '2025-03-01')), [])
  })

  test('last contacted uses workspace days', async ({ assert }) => {
    const { tenant } = await createAudienceTenant()
    assert.equal(tenant.timezone, 'America/Sao_Paulo')
    const { contactId, instanceId } = await runInTenant(tenant.id, async () => {
      const instance = await ChannelInstance.create({
        name: 'Loja',
        channel: 'sandbox',
        config: {},
      })
      const contact = await saveContact(tenant, { name: 'Ana', phone: '11991000000' })
      return { contactId: contact.id, instanceId: instance.id }
    })
    // 01:30 UTC on 10 March is 22:30 on 9 March in São Paulo.
    await storeMessages(tenant.id, [
      { contactId, instanceId, direction: 'out', at: '2025-03-10T01:30:00Z' },
    ])
    const rule = (op: string, value: string) => ({ type: 'last_contacted', op, value })

    assert.deepEqual(await matching(tenant.id, rule('before', '2025-03-10')), ['Ana'])
    assert.deepEqual(await matching(tenant.id, rule('after', '2025-03-09')), [])
    assert.deepEqual(await matching(tenant.id, rule('after', '2025-03-08')), ['Ana'])
  })

  test('replied rule needs a campaign id', async ({ client, assert }) => {
    const { owner } = await seedHistory()
    const response = await client
      .post('/segments/count')
      .json({ rules: { match: 'all', rules: [{ type: 'replied', op: 'yes', value: 'Promo' }] } })
      .loginAs(owner)
      .withCsrfToken()
    response.assertStatus(422)
    assert.equal(response.body().path, 'rules.0')
  })
})
