import { test } from '@japa/runner'
import type { Page } from 'playwright'
import Flow from '#models/flow'
import CustomField from '#models/custom_field'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createCampaign, graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import type { FlowGraph, FlowNode } from '#flow/flow_graph'
import {
  connectPorts,
  dropNode,
  openPanel,
  select,
  tidy,
  waitReadyToPublish,
  waitSaved,
  writeMessage,
} from '#tests/helpers/flow_canvas'
import { capture } from '#tests/helpers/browser_pages'

async function openEditor(visit: any, browserContext: any, locale: string, graph?: FlowGraph) {
  const { tenant, owner } = await createTenantWithOwner('Logic')
  const campaign = await createCampaign(tenant.id)
  if (graph) {
    await runInTenant(tenant.id, async () => {
      const flow = await Flow.findByOrFail('campaign_id', campaign.id)
      flow.graph = graph
      await flow.save()
    })
  }
  owner.locale = locale
  await owner.save()
  await browserContext.loginAs(owner)
  const page: Page = await visit(`/campaigns/${campaign.id}/flow`)
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.locator('[data-test-id="flow-node-start"]').waitFor()
  return { page, campaign, tenant }
}

const TAG_OPERATORS = ['contains', 'not_contains', 'is_empty', 'is_filled']
const NUMBER_OPERATORS = ['is', 'is_not', 'is_empty', 'is_filled', 'greater', 'less']

function valuesOf(options: Element[]) {
  return options.map((option) => (option as HTMLOptionElement).value)
}

/** Places a node on row `row` of the canvas, so no card covers another. */
function placed(node: FlowNode, row: number): FlowNode {
  return { ...node, position: { x: 40 + (row % 2) * 240, y: 160 + row * 180 } }
}

/** Builds a flow with one node of each logic type, for looking at their forms. */
function logicFlow(): FlowGraph {
  return {
    nodes: [
      graphNode('start', 'start'),
      placed(
        graphNode('check', 'logic.condition', {
          match: 'any',
          rules: [
            { field: 'city', operator: 'is', value: 'São Paulo' },
            { field: 'custom', customField: 'plano', operator: 'contains', value: 'ouro' },
          ],
        }),
        0
      ),
      placed(
        graphNode('ab', 'logic.split', {
          paths: [
            { id: 'a', name: 'Cupom', percent: 30 },
            { id: 'b', name: '', percent: 70 },
          ],
        }),
        1
      ),
      placed(graphNode('bought', 'logic.goal', { label: 'Comprou' }), 2),
      placed(sendNode('other', 'Olá'), 3),
    ],
    edges: [
      graphEdge('start', 'next', 'check'),
      graphEdge('check', 'yes', 'ab'),
      graphEdge('ab', 'a', 'bought'),
      graphEdge('ab', 'b', 'other'),
    ],
  }
}

test.group('Logic nodes in the flow editor', () => {
  test('adds, fills and publishes a condition', async ({ visit, browserContext, assert }) => {
    const { page, campaign, tenant } = await openEditor(visit, browserContext, 'en')
    await runInTenant(tenant.id, () =>
      CustomField.create({ key: 'gasto', label: 'Gasto', type: 'number', options: [] })
    )
    await page.reload()

    const condition = await dropNode(page, 'logic.condition')
    await connectPorts(page, 'start', 'next', condition)
    await tidy(page)
    await select(page, condition)
    await page.locator('[data-test-id="field-match-input"]').selectOption('any')
    await page.locator('[data-test-id="field-rules.0.field-input"]').selectOption('city')
    await page.locator('[data-test-id="field-rules.0.operator-input"]').selectOption('is')
    await page.locator('[data-test-id="field-rules.0.value-input"]').fill('São Paulo')
    await page.locator('[data-test-id="field-rules-add"]').click()
    const operator = page.locator('[data-test-id="field-rules.1.operator-input"]')
    await page.locator('[data-test-id="field-rules.1.field-input"]').selectOption('tags')
    assert.deepEqual(await operator.locator('option').evaluateAll(valuesOf), TAG_OPERATORS)
    await page.locator('[data-test-id="field-rules.1.field-input"]').selectOption('gasto')
    assert.deepEqual(await operator.locator('option').evaluateAll(valuesOf), NUMBER_OPERATORS)
    await operator.selectOption('greater')
    await page.locator('[data-test-id="field-rules.1.value-input"]').fill('100')
    const card = page.locator(`[data-test-id="flow-node-${condition}"] .flow-node-subtitle`)
    assert.equal(await card.innerText(), 'City is São Paulo · +1 rule')

    const messages: Record<string, string> = { yes: 'Offer for you', no: 'News for everyone' }
    for (const [port, text] of Object.entries(messages)) {
      const send = await dropNode(page, 'send')
      await connectPorts(page, condition, port, send)
      await tidy(page)
      await writeMessage(page, send, text)
    }
    await waitSaved(page)
    await waitReadyToPublish(page)
    await page.locator('[data-test-id="flow-publish"]').click()
    await page
      .locator('[data-test-id="flow-notice"]')
      .getByText('Published as version 1.')
      .waitFor()

    const flow = await runInTenant(tenant.id, () => Flow.findByOrFail('campaign_id', campaign.id))
    const stored = flow.graph.nodes.find((node) => node.id === condition)!
    assert.equal(stored.config.match, 'any')
    const rules = stored.config.rules as { field: string; operator: string; value: string }[]
    assert.deepEqual(
      rules.map((rule) => `${rule.field} ${rule.operator} ${rule.value}`),
      ['city is São Paulo', 'gasto greater 100']
    )
    const ports = flow.graph.edges.filter((edge) => edge.source === condition)
    assert.sameMembers(
      ports.map((edge) => edge.sourcePort),
      ['yes', 'no']
    )
  })

  test('split card names every path', async ({ visit, browserContext, assert }) => {
    for (const locale of ['en', 'pt-BR']) {
      const { page } = await openEditor(visit, browserContext, locale)
      const split = await dropNode(page, 'logic.split')
      await connectPorts(page, 'start', 'next', split)
      await tidy(page)
      await select(page, split)
      const card = page.locator(`[data-test-id="flow-node-${split}"] .flow-node-subtitle`)

      await page.locator('[data-test-id="field-paths.0.name-input"]').fill('')
      assert.equal(await card.innerText(), 'A 50 % · B 50 %', locale)
      await page.locator('[data-test-id="field-paths.1.name-input"]').fill('Cupom')
      assert.equal(await card.innerText(), 'A 50 % · Cupom 50 %', locale)

      await page.locator('[data-test-id="field-paths-add"]').click()
      assert.equal(await card.innerText(), 'A 50 % · Cupom 50 % · C', locale)
      await page.locator('[data-test-id="field-paths.1.percent-input"]').fill('30')
      await page.locator('[data-test-id="field-paths.2.percent-input"]').fill('20')
      assert.equal(await card.innerText(), 'A 50 % · Cupom 30 % · C 20 %', locale)

      // The ports come from the server once the draft is saved, labelled as the summary reads.
      await page.locator(`[data-test-id="flow-port-${split}-item_3"]`).waitFor()
      const ports = page.locator(`[data-test-id="flow-node-${split}"] .flow-port-label`)
      assert.deepEqual(await ports.allInnerTexts(), ['A', 'Cupom', 'C'], locale)
      // The form's item titles count by the same letters.
      const titles = page.locator('[data-test-id^="field-paths-item-"] > legend')
      const word = locale === 'en' ? 'Path' : 'Caminho'
      assert.deepEqual(
        await titles.allInnerTexts(),
        ['A', 'B', 'C'].map((letter) => `${word} ${letter}`),
        locale
      )
      await capture(page, `logic-split-letters-${locale}`)
      await page.close()
    }
  })

  test('forms fit narrow and wide windows in both languages', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const titles: Record<string, Record<string, string>> = {
      'en': { check: 'Condition', ab: 'Random split', bought: 'Goal reached' },
      'pt-BR': { check: 'Condição', ab: 'Divisão aleatória', bought: 'Meta atingida' },
    }
    const summaries: Record<string, Record<string, string>> = {
      'en': { check: 'City is São Paulo · +1 rule', ab: 'Cupom 30 % · B 70 %' },
      'pt-BR': { check: 'Cidade é São Paulo · +1 regra', ab: 'Cupom 30 % · B 70 %' },
    }
    for (const locale of ['en', 'pt-BR']) {
      const { page } = await openEditor(visit, browserContext, locale, logicFlow())
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: width < 500 ? 844 : 900 })
        for (const [nodeId, title] of Object.entries(titles[locale])) {
          const panel = await openPanel(page, assert, { nodeId, title, width })
          const card = page.locator(`[data-test-id="flow-node-${nodeId}"] .flow-node-subtitle`)
          if (summaries[locale][nodeId]) {
            assert.equal(await card.innerText(), summaries[locale][nodeId])
          }
          if (nodeId === 'check') {
            // The version 1 rule names "plano", which the tenant lacks: the picker shows it missing.
            const picker = panel.locator('[data-test-id="field-rules.1.field-input"]')
            assert.include(await picker.locator('option:checked').innerText(), 'plano')
            const keyError = panel.locator('[data-test-id="field-rules.1.field-error"]')
            assert.include(await keyError.innerText(), 'plano')
            assert.equal(await panel.locator('[data-test-id="field-rules-error"]').count(), 0)
          }
          await capture(page, `logic-${nodeId}-${width}-${locale}`)
        }
      }
      await page.close()
    }
  })
})
