import { test } from '@japa/runner'
import type { Page } from 'playwright'
import CustomField from '#models/custom_field'
import ContactList from '#models/contact_list'
import Flow from '#models/flow'
import FlowVersion from '#models/flow_version'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createCampaign, graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import type { FlowGraph, FlowNode } from '#flow/flow_graph'
import { openPanel, select, waitReadyToPublish, waitSaved } from '#tests/helpers/flow_canvas'
import { capture } from '#tests/helpers/browser_pages'

/** Places a node on row `row` of the canvas, so no card covers another. */
function placed(node: FlowNode, row: number): FlowNode {
  return { ...node, position: { x: 40 + (row % 2) * 240, y: 160 + row * 180 } }
}

/** Builds a flow that updates the contact, calls a URL and sends on success. */
function actionsFlow(listName: string): FlowGraph {
  return {
    nodes: [
      graphNode('start', 'start'),
      placed(
        graphNode('tag', 'contact-actions.update_contact', {
          addTags: ['cliente'],
          removeTags: ['lead'],
          fieldKey: 'plano',
          fieldValue: 'Ouro para {{name|você}}',
          listName,
        }),
        0
      ),
      placed(
        graphNode('call', 'contact-actions.http_request', {
          url: 'https://crm.example.com/hooks/disparador',
          method: 'POST',
          timeoutSeconds: 10,
          extras: [{ id: 'origem', name: 'origem', value: 'campanha {{name}}' }],
        }),
        1
      ),
      placed(sendNode('thanks', 'Obrigado, {{name|você}}!'), 2),
    ],
    edges: [
      graphEdge('start', 'next', 'tag'),
      graphEdge('tag', 'next', 'call'),
      graphEdge('call', 'success', 'thanks'),
    ],
  }
}

async function openEditor(visit: any, browserContext: any, locale: string) {
  const { tenant, owner } = await createTenantWithOwner('Actions')
  const campaign = await createCampaign(tenant.id)
  await runInTenant(tenant.id, async () => {
    await CustomField.create({ key: 'plano', label: 'Plano', type: 'text', options: [] })
    await ContactList.create({ name: 'Clientes ouro' })
    const flow = await Flow.findByOrFail('campaign_id', campaign.id)
    flow.graph = actionsFlow('Clientes ouro')
    await flow.save()
  })
  owner.locale = locale
  await owner.save()
  await browserContext.loginAs(owner)
  const page: Page = await visit(`/campaigns/${campaign.id}/flow`)
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.locator('[data-test-id="flow-node-start"]').waitFor()
  return { page, campaign, tenant }
}

test.group('Contact action nodes in the flow editor', () => {
  test('forms fit in both languages', async ({ visit, browserContext, assert }) => {
    const titles: Record<string, Record<string, string>> = {
      'en': { tag: 'Update contact', call: 'HTTP request' },
      'pt-BR': { tag: 'Atualizar contato', call: 'Requisição HTTP' },
    }
    for (const locale of ['en', 'pt-BR']) {
      const { page } = await openEditor(visit, browserContext, locale)
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: width < 500 ? 844 : 900 })
        for (const [nodeId, title] of Object.entries(titles[locale])) {
          const panel = await openPanel(page, assert, { nodeId, title, width })
          if (nodeId === 'tag') {
            // The version 1 list name opens as the list picked by id.
            const list = panel.locator('[data-test-id="field-listId-input"]')
            assert.equal(await list.locator('option:checked').innerText(), 'Clientes ouro')
            const card = page.locator('[data-test-id="flow-node-tag"] .flow-node-subtitle')
            assert.equal(await card.innerText(), '+cliente −lead · Plano · Clientes ouro')
          }
          await capture(page, `contact-actions-${nodeId}-${width}-${locale}`)
        }
      }
      await page.close()
    }
  })

  test('publishes a flow with both steps', async ({ visit, browserContext, assert }) => {
    const { page, campaign, tenant } = await openEditor(visit, browserContext, 'en')
    const vip = await runInTenant(tenant.id, () => ContactList.create({ name: 'VIP' }))
    await page.reload()
    await select(page, 'tag')
    await page.locator('[data-test-id="field-listId-input"]').selectOption(String(vip.id))
    await page.locator('[data-test-id="field-fieldKey-input"]').selectOption('plano')
    const card = page.locator('[data-test-id="flow-node-tag"] .flow-node-subtitle')
    assert.equal(await card.innerText(), '+cliente −lead · Plano · VIP')
    await waitSaved(page)

    await waitReadyToPublish(page)
    await page.locator('[data-test-id="flow-publish"]').click()
    await page
      .locator('[data-test-id="flow-notice"]')
      .getByText('Published as version 1.')
      .waitFor()

    const version = await runInTenant(tenant.id, () =>
      FlowVersion.query().where('campaign_id', campaign.id).firstOrFail()
    )
    assert.sameMembers(
      version.graph.nodes.map((node) => node.type),
      ['start', 'contact-actions.update_contact', 'contact-actions.http_request', 'send']
    )
    assert.equal(version.plan.nodes.tag.config.listId, vip.id)
    assert.equal(version.plan.nodes.tag.typeVersion, 2)
  })
})
