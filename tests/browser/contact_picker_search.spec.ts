import { test } from '@japa/runner'
import type { Page } from 'playwright'
import db from '@adonisjs/lucid/services/db'
import Flow from '#models/flow'
import { emptyGraph } from '#flow/flow_graph'
import { sqlTime } from '#services/channels/sql_time'
import { runInTenant } from '#tenancy/tenant_context'
import { createInstance } from '#services/channels/instance_service'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { insertContacts } from '#tests/helpers/audience'
import { capture } from '#tests/helpers/browser_pages'
import { createCampaign, sendNode } from '#tests/helpers/campaigns'
import { select as selectNode } from '#tests/helpers/flow_canvas'

/** More contacts than the template preview (200) and the simulator (500) used to load. */
const CROWD = 520

const SEARCHED = { name: 'Zuleica Ávila', phone: '+5511990009999' }

/** Returns the texts of a select's options, in the order shown. */
function optionTexts(page: Page, selector: string) {
  return page
    .locator(`${selector} option`)
    .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).label))
}

test.group('Contact picker search', () => {
  test('template preview finds any contact', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const [wantedId] = await insertContacts(tenant.id, CROWD, [SEARCHED])
    await browserContext.loginAs(owner)

    const page = await visit('/templates/new')
    const select = page.locator('[data-test-id="preview-contact"]')
    await select.locator('option').first().waitFor({ state: 'attached' })
    const first = await optionTexts(page, '[data-test-id="preview-contact"]')
    assert.lengthOf(first, 20)
    assert.equal(first[0], 'Cliente 0001')
    assert.notInclude(first, SEARCHED.name)

    await page.locator('[data-test-id="preview-contact-search"]').fill('avila')
    await page.locator(`[data-test-id="preview-contact"] option[value="${wantedId}"]`).waitFor({
      state: 'attached',
    })
    assert.equal(await select.inputValue(), String(wantedId))
    assert.deepEqual(await optionTexts(page, '[data-test-id="preview-contact"]'), [SEARCHED.name])
    await page.locator('.phone-contact', { hasText: SEARCHED.name }).waitFor()
    await capture(page, 'contact-search-template')

    await page.locator('[data-test-id="preview-contact-search"]').fill('ninguém')
    await page.locator('[data-test-id="preview-contact-none"]').waitFor()
    assert.equal(await select.inputValue(), String(wantedId), 'the chosen contact stays')
  })

  test('send step finds any audience contact', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await insertContacts(tenant.id, CROWD, [SEARCHED])
    const [listId] = await db
      .table('contact_lists')
      .insert({ tenant_id: tenant.id, name: 'Todos', created_at: sqlTime() })
    const contacts = await db.from('contacts').where('tenant_id', tenant.id).select('id')
    await db.table('contact_list_members').insert(
      contacts.map((contact) => ({
        tenant_id: tenant.id,
        contact_list_id: listId,
        contact_id: contact.id,
        created_at: sqlTime(),
      }))
    )
    const campaign = await createCampaign(tenant.id, { listIds: [Number(listId)] })
    await runInTenant(tenant.id, async () => {
      const flow = await Flow.findByOrFail('campaignId', campaign.id)
      const graph = emptyGraph()
      // An unknown variable, so the message field is marked as a problem.
      const message = 'Oi {{name}} {{cupom_inexistente}}'
      flow.graph = { ...graph, nodes: [...graph.nodes, sendNode('hello', message)] }
      await flow.save()
    })
    await browserContext.loginAs(owner)

    const page = await visit(`/campaigns/${campaign.id}/flow`)
    await selectNode(page, 'hello')
    const picker = page.locator('[data-test-id="preview-contact"]')
    await picker.locator('option').nth(1).waitFor({ state: 'attached' })
    assert.notInclude(await optionTexts(page, '[data-test-id="preview-contact"]'), SEARCHED.name)

    await page.locator('[data-test-id="field-message-contact-search"]').fill('AVILA')
    await page
      .locator('[data-test-id="preview-contact"] option', { hasText: SEARCHED.name })
      .waitFor({ state: 'attached' })
    await page.locator('.phone-contact', { hasText: SEARCHED.name }).waitFor()
    const bubble = page.locator(
      '[data-test-id="field-message-preview"] [data-test-id="phone-bubble"]'
    )
    await bubble.filter({ hasText: `Oi ${SEARCHED.name}` }).waitFor({ state: 'attached' })
    await capture(page, 'contact-search-send-step')

    // The message is what is wrong, never the preview's search box inside its field.
    await page.locator('[data-test-id="field-message"].invalid').waitFor()
    const border = await page
      .locator('[data-test-id="field-message-contact-search"]')
      .evaluate((input) => getComputedStyle(input).borderTopColor)
    assert.notEqual(border, 'rgb(198, 40, 40)')
  })

  test('simulator finds any contact', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const [wantedId] = await insertContacts(tenant.id, CROWD, [SEARCHED])
    await runInTenant(tenant.id, () =>
      createInstance({ name: 'Sandbox', channel: 'sandbox', config: {} })
    )
    await browserContext.loginAs(owner)

    const page = await visit('/simulator')
    const select = page.locator('[data-test-id="simulator-contact"]')
    await select.locator('option').first().waitFor({ state: 'attached' })
    assert.notInclude(await optionTexts(page, '[data-test-id="simulator-contact"]'), SEARCHED.name)

    await page.locator('[data-test-id="simulator-contact-search"]').fill('ÁVILA')
    await page
      .locator(`[data-test-id="simulator-contact"] option[value="${wantedId}"]`)
      .waitFor({ state: 'attached' })
    assert.equal(await select.inputValue(), String(wantedId))
    await capture(page, 'contact-search-simulator')

    await page.locator('[data-test-id="simulator-contact-search"]').fill('99000-9999')
    await page
      .locator('[data-test-id="simulator-contact"] option:nth-child(2)')
      .waitFor({ state: 'detached' })
    assert.deepEqual(await optionTexts(page, '[data-test-id="simulator-contact"]'), [
      `${SEARCHED.name} · ${SEARCHED.phone}`,
    ])
  })
})
