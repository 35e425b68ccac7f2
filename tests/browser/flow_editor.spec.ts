import { test } from '@japa/runner'
import type { Page } from 'playwright'
import Flow from '#models/flow'
import FlowVersion from '#models/flow_version'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createCampaign, graphEdge, graphNode, replyFlow, sendNode } from '#tests/helpers/campaigns'
import type { FlowGraph } from '#flow/flow_graph'
import {
  configureSimNao,
  connectPorts,
  dropNode,
  dropPortAt,
  nodeCenter,
  nodeIdsOfType,
  select,
  tidy,
  waitReadyToPublish,
  waitSaved,
  writeMessage,
} from '#tests/helpers/flow_canvas'
import { capture } from '#tests/helpers/browser_pages'
import { publishedCampaign } from '#tests/helpers/engine'
import type { CampaignProgressPayload } from '#flow/progress'

const VIEWPORT = { width: 1680, height: 1050 }

/** Returns whether two boxes on the page overlap. */
function boxesOverlap(
  a: { x: number; y: number; width: number; height: number },
  b: { x: number; y: number; width: number; height: number }
) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

/** Boxes of every step drawn on the canvas, in page pixels. */
async function nodeBoxes(page: Page) {
  const boxes = []
  for (const node of await page.locator('.vue-flow__node').all()) {
    boxes.push({ id: await node.getAttribute('data-id'), box: (await node.boundingBox())! })
  }
  return boxes
}

async function openEditor(visit: any, browserContext: any, graph?: FlowGraph, locale = 'en') {
  const { tenant, owner } = await createTenantWithOwner('Flow')
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
  await page.setViewportSize(VIEWPORT)
  await page.locator('[data-test-id="flow-node-start"]').waitFor()
  return { page, campaign, tenant }
}

async function storedGraph(tenantId: number, campaignId: number) {
  const flow = await runInTenant(tenantId, () => Flow.findByOrFail('campaign_id', campaignId))
  return flow.graph
}

test.group('Flow editor building', () => {
  test('builds, publishes and reloads the reply flow', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const { page, campaign, tenant } = await openEditor(visit, browserContext)

    const ask = await dropNode(page, 'send')
    await connectPorts(page, 'start', 'next', ask)
    await tidy(page)
    await writeMessage(page, ask, 'Hi {{name|there}}, will you come? Reply SIM or NÃO')

    const branch = await dropNode(page, 'branch_on_reply')
    await connectPorts(page, ask, 'sent', branch)
    await tidy(page)
    await configureSimNao(page, branch, { amount: 1, unit: 'hours' })
    assert.equal(
      await page.locator('[data-test-id="field-rules-item-1"] legend').innerText(),
      'Reply rule 2'
    )

    const replies: Record<string, string> = {
      yes: 'Great, see you there!',
      item_2: 'Sorry to hear that.',
      no_reply: 'We did not hear from you.',
    }
    for (const [port, text] of Object.entries(replies)) {
      const send = await dropNode(page, 'send')
      await connectPorts(page, branch, port, send)
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

    await page.reload()
    await page.locator('[data-test-id="flow-node-start"]').waitFor()
    assert.lengthOf(await nodeIdsOfType(page, 'send'), 4)
    assert.lengthOf(await nodeIdsOfType(page, 'branch_on_reply'), 1)
    assert.equal(await page.locator('.vue-flow__edge').count(), 5)
    await page.locator('[data-test-id="flow-version-1"]').waitFor()

    const graph = await storedGraph(tenant.id, campaign.id)
    const ports = graph.edges
      .filter((edge) => edge.source === branch)
      .map((edge) => edge.sourcePort)
    assert.sameMembers(ports, ['yes', 'item_2', 'no_reply'])
    const version = await runInTenant(tenant.id, () =>
      FlowVersion.query().where('campaign_id', campaign.id).where('number', 1).firstOrFail()
    )
    const rules = version.plan.nodes[branch].config.rules as { name: string; keywords: string[] }[]
    assert.deepEqual(
      rules.map((rule) => [rule.name, rule.keywords]),
      [
        ['SIM', ['SIM']],
        ['NÃO', ['NÃO']],
      ]
    )
    assert.deepEqual(version.plan.nodes[branch].config.timeout, { amount: 1, unit: 'hours' })
    assert.equal(version.plan.entryNodeId, ask)
  })

  test('undoes a deletion', async ({ visit, browserContext, assert }) => {
    const { page, campaign, tenant } = await openEditor(visit, browserContext, replyFlow())
    await tidy(page)
    await page.locator('[data-test-id="flow-fit"]').click()
    await select(page, 'yes')
    await page.keyboard.press('Delete')
    await page.locator('[data-test-id="flow-node-yes"]').waitFor({ state: 'detached' })
    await waitSaved(page)
    let graph = await storedGraph(tenant.id, campaign.id)
    assert.notInclude(
      graph.nodes.map((node) => node.id),
      'yes'
    )
    assert.notInclude(
      graph.edges.map((edge) => edge.target),
      'yes'
    )

    await page.keyboard.press('Control+z')
    await page.locator('[data-test-id="flow-node-yes"]').waitFor()
    await waitSaved(page)
    graph = await storedGraph(tenant.id, campaign.id)
    assert.include(
      graph.nodes.map((node) => node.id),
      'yes'
    )
    assert.deepInclude(graph.edges, graphEdge('branch', 'sim', 'yes'))
    assert.equal(await page.locator('.vue-flow__edge').count(), 5)
  })
})

/** Each graph breaks one rule; the message must show in the list and on the named node. */
const brokenFlows: { title: string; graph: FlowGraph; nodeId: string; text: string }[] = [
  {
    title: 'entry not connected',
    graph: { nodes: [graphNode('start', 'start')], edges: [] },
    nodeId: 'start',
    text: 'Start is not connected to anything',
  },
  {
    title: 'unreachable node',
    graph: { nodes: [graphNode('start', 'start'), sendNode('lonely', 'Hi')], edges: [] },
    nodeId: 'lonely',
    text: 'No contact can reach this step',
  },
  {
    title: 'required port unconnected',
    graph: {
      nodes: [
        graphNode('start', 'start'),
        graphNode('pause', 'wait', { duration: { amount: 1, unit: 'hours' } }),
      ],
      edges: [graphEdge('start', 'next', 'pause')],
    },
    nodeId: 'pause',
    text: 'must lead somewhere',
  },
  {
    title: 'missing configuration',
    graph: {
      nodes: [
        graphNode('start', 'start'),
        graphNode('empty', 'send', {
          message: { templateId: null, text: '' },
          media: null,
          instanceId: null,
        }),
      ],
      edges: [graphEdge('start', 'next', 'empty')],
    },
    nodeId: 'empty',
    text: 'pick a saved template or write a text',
  },
  {
    title: 'invalid configuration',
    graph: {
      nodes: [
        graphNode('start', 'start'),
        graphNode('pause', 'wait', { duration: { amount: 0, unit: 'hours' } }),
      ],
      edges: [graphEdge('start', 'next', 'pause'), graphEdge('pause', 'next', 'pause')],
    },
    nodeId: 'pause',
    text: 'it must be more than zero',
  },
  {
    title: 'unknown variable',
    graph: {
      nodes: [graphNode('start', 'start'), sendNode('hello', 'Hi {{nickname}}')],
      edges: [graphEdge('start', 'next', 'hello')],
    },
    nodeId: 'hello',
    text: 'The message uses nickname',
  },
  {
    title: 'loop without wait',
    graph: {
      nodes: [graphNode('start', 'start'), sendNode('retry', 'Hello')],
      edges: [graphEdge('start', 'next', 'retry'), graphEdge('retry', 'failed', 'retry')],
    },
    nodeId: 'retry',
    text: 'loop that can repeat forever',
  },
]

test.group('Flow editor validation', () => {
  for (const broken of brokenFlows) {
    test(broken.title, async ({ visit, browserContext }) => {
      const { page } = await openEditor(visit, browserContext, broken.graph)
      const node = page.locator(`[data-test-id="flow-node-${broken.nodeId}"]`)
      await node.and(page.locator('[data-invalid="true"]')).waitFor()

      const listed = page.locator(
        `[data-test-id="flow-problems"] li[data-node-id="${broken.nodeId}"]`
      )
      await listed.getByText(broken.text).waitFor()

      await select(page, broken.nodeId)
      if (broken.nodeId !== 'start') {
        await page.locator('[data-test-id="flow-panel-problems"]').getByText(broken.text).waitFor()
      }
    })
  }

  test('no entry is listed for the flow', async ({ visit, browserContext }) => {
    const opened = await openEditorWithoutStart(visit, browserContext)
    await opened
      .locator('[data-test-id="flow-problem-no_entry"]')
      .getByText('The flow has no Start step.')
      .waitFor()
  })
})

test.group('Flow editor in Portuguese', () => {
  test('new steps start in Portuguese', async ({ visit, browserContext, assert }) => {
    const { page } = await openEditor(visit, browserContext, undefined, 'pt-BR')

    const send = await dropNode(page, 'send')
    await connectPorts(page, 'start', 'next', send)
    await tidy(page)
    await select(page, send)
    assert.equal(
      await page.locator('[data-test-id="field-message-text"]').inputValue(),
      'Escreva sua mensagem aqui'
    )

    const branch = await dropNode(page, 'branch_on_reply')
    await connectPorts(page, send, 'sent', branch)
    await tidy(page)
    await select(page, branch)
    assert.equal(
      await page.locator('[data-test-id="field-rules.0.name-input"]').inputValue(),
      'Sim'
    )
    const chips = page.locator('[data-test-id="field-rules.0.keywords"] .flow-chip')
    assert.equal(await chips.count(), 1)
    assert.include(await chips.innerText(), 'sim')
    await page.locator(`[data-test-id="flow-port-${branch}-yes"]`).getByText('Sim').waitFor()

    await waitSaved(page)
    await page
      .locator(`[data-test-id="flow-problems"] li[data-node-id="${send}"]`)
      .getByText('Troque o texto de exemplo pela sua mensagem')
      .waitFor()
    await capture(page, 'flow-editor-new-steps-pt-BR')
  })

  test('configuration problems read in Portuguese', async ({ visit, browserContext, assert }) => {
    const graph: FlowGraph = {
      nodes: [
        graphNode('start', 'start'),
        graphNode('empty', 'send', {
          message: { templateId: null, text: '' },
          media: null,
          instanceId: null,
        }),
        graphNode('branch', 'branch_on_reply', {
          timeout: { amount: 1, unit: 'hours' },
          rules: [{ id: 'x', name: 'X', match: 'pattern', keywords: [], pattern: '(a+)+$' }],
        }),
      ],
      edges: [graphEdge('start', 'next', 'empty'), graphEdge('empty', 'sent', 'branch')],
    }
    const { page } = await openEditor(visit, browserContext, graph, 'pt-BR')
    const listed = (nodeId: string) =>
      page.locator(`[data-test-id="flow-problems"] li[data-node-id="${nodeId}"]`)

    await listed('empty')
      .getByText('“Mensagem” não é válido: escolha um modelo salvo ou escreva um texto.')
      .waitFor()
    await listed('branch').getByText('“Expressão regular” não pode ser (a+)+$:').waitFor()
    // Each step reads apart by its summary, or by its id while it has none.
    const named = (nodeId: string) => listed(nodeId).locator('button').first().innerText()
    assert.equal(await named('empty'), 'Enviar mensagem · empty')
    assert.match(await named('branch'), /^Ramificar pela resposta · \S/)

    await select(page, 'branch')
    await page
      .locator('[data-test-id="flow-panel-problems"]')
      .getByText('escreva-a sem a repetição interna')
      .waitFor()
    await capture(page, 'flow-editor-problems-pt-BR')
  })

  test('badge shows the published version at once', async ({ visit, browserContext, assert }) => {
    const { page } = await openEditor(visit, browserContext, replyFlow(), 'pt-BR')
    const badge = page.locator('[data-test-id="campaign-state"]')
    assert.equal(await badge.getAttribute('data-state'), 'draft')
    assert.equal(await badge.innerText(), 'Rascunho')

    await page.locator('[data-test-id="flow-publish"]').click()
    await page
      .locator('[data-test-id="flow-notice"]')
      .getByText('Publicado como versão 1.')
      .waitFor()
    await page.locator('[data-test-id="campaign-state"][data-state="published"]').waitFor()
    assert.equal(await badge.innerText(), 'Publicada · versão 1')
    await capture(page, 'flow-editor-published-pt-BR')
  })
})

/** Opens the editor of a campaign in `state` whose draft is its published version 1. */
async function openPublished(
  visit: any,
  browserContext: any,
  state: 'running' | 'finished' | 'cancelled',
  locale = 'en'
) {
  const { tenant, owner } = await createTenantWithOwner('Flow')
  owner.locale = locale
  await owner.save()
  const campaign = await publishedCampaign(tenant.id, owner.id, replyFlow(), { state })
  await browserContext.loginAs(owner)
  const page: Page = await visit(`/campaigns/${campaign.id}/flow`)
  await page.setViewportSize(VIEWPORT)
  await page.locator('[data-test-id="flow-node-start"]').waitFor()
  return page
}

test.group('Flow editor publishing', () => {
  test('{locale} publish waits for a change')
    .with([
      { locale: 'en', note: 'No changes since version 1' },
      { locale: 'pt-BR', note: 'Nenhuma alteração desde a versão 1' },
    ])
    .run(async ({ visit, browserContext, assert }, { locale, note }) => {
      const page = await openPublished(visit, browserContext, 'running', locale)
      const publishButton = page.locator('[data-test-id="flow-publish"]')
      const unchanged = page.locator('[data-test-id="publish-unchanged"]')

      assert.isTrue(await publishButton.isDisabled())
      assert.notInclude(await publishButton.getAttribute('class'), 'primary')
      assert.equal(await unchanged.innerText(), note)
      assert.equal(await publishButton.getAttribute('aria-describedby'), 'publish-unchanged')
      await capture(page, `flow-editor-publish-unchanged-${locale}`)

      await dropNode(page, 'send')
      await waitSaved(page)
      assert.isTrue(await publishButton.isEnabled())
      assert.include(await publishButton.getAttribute('class'), 'primary')
      assert.equal(await unchanged.count(), 0)
      await capture(page, `flow-editor-publish-changed-${locale}`)

      await page.locator('[data-test-id="flow-undo"]').click()
      await waitSaved(page)
      await unchanged.waitFor()
      assert.isTrue(await publishButton.isDisabled())
    })
    .timeout(60_000)
})

test.group('Flow editor of ended campaigns', () => {
  test('{state} campaign has no palette')
    .with([
      { state: 'finished' as const, locale: 'en' },
      { state: 'cancelled' as const, locale: 'pt-BR' },
    ])
    .run(async ({ visit, browserContext, assert }, { state, locale }) => {
      const page = await openPublished(visit, browserContext, state, locale)
      await page.locator('[data-test-id="flow-ended"]').waitFor()

      assert.equal(await page.locator('.flow-palette').count(), 0)
      const workspace = (await page.locator('.flow-workspace').boundingBox())!
      const canvas = (await page.locator('[data-test-id="flow-canvas"]').boundingBox())!
      assert.isBelow(canvas.x - workspace.x, 1, 'the canvas starts at the left edge')
      await capture(page, `flow-editor-${state}-${locale}`)
    })
    .timeout(60_000)
})

async function openEditorWithoutStart(visit: any, browserContext: any) {
  const { tenant, owner } = await createTenantWithOwner('Flow')
  const campaign = await createCampaign(tenant.id)
  await runInTenant(tenant.id, async () => {
    const flow = await Flow.findByOrFail('campaign_id', campaign.id)
    flow.graph = { nodes: [sendNode('alone', 'Hi')], edges: [] }
    await flow.save()
  })
  await browserContext.loginAs(owner)
  const page: Page = await visit(`/campaigns/${campaign.id}/flow`)
  await page.setViewportSize(VIEWPORT)
  return page
}

test.group('Flow editor live overlay', () => {
  test('shows waiting and port counts per node', async ({ visit, browserContext, assert }) => {
    const { page, campaign, tenant } = await openEditor(visit, browserContext, replyFlow())
    const { default: transmit } = await import('@adonisjs/transmit/services/main')
    const { campaignProgressChannel } = await import('#flow/progress')
    const payload: CampaignProgressPayload = {
      nodes: {
        ask: { waiting: 0, ports: { sent: 40, failed: 2 } },
        branch: { waiting: 17, ports: { sim: 12, nao: 6, no_reply: 5 } },
      },
      totals: { enrolled: 42, active: 17, completed: 23, sent: 63, failed: 2 },
    }

    // The page subscribes after it loads; broadcast until the overlay shows the figures.
    const waiting = page.locator(
      '[data-test-id="flow-node-branch"] [data-test-id="flow-node-waiting"]'
    )
    for (let attempt = 0; attempt < 50 && (await waiting.count()) === 0; attempt++) {
      transmit.broadcast(campaignProgressChannel(tenant.id, campaign.id), payload as any)
      await page.waitForTimeout(200)
    }
    assert.equal(await waiting.textContent(), '17 waiting')
    assert.equal(
      await page.locator('[data-test-id="flow-port-count-branch-sim"]').textContent(),
      '12'
    )
    assert.equal(
      await page.locator('[data-test-id="flow-port-count-ask-failed"]').textContent(),
      '2'
    )
    // Every enrolled journey left the start, which runs no step of its own.
    assert.equal(
      await page.locator('[data-test-id="flow-port-count-start-next"]').textContent(),
      '42'
    )
    await page.locator('[data-test-id="flow-totals"]').getByText('42 started').waitFor()
  })
})

/** Builds a chain of `count` send nodes after the entry, one below the other. */
function chainFlow(count: number): FlowGraph {
  const nodes = [graphNode('start', 'start')]
  const edges = []
  let previous = { id: 'start', port: 'next' }
  for (let index = 0; index < count; index++) {
    const node = sendNode(`send-${index}`, `Message ${index}`)
    node.position = { x: 0, y: (index + 1) * 150 }
    nodes.push(node)
    edges.push(graphEdge(previous.id, previous.port, node.id))
    previous = { id: node.id, port: 'sent' }
  }
  return { nodes, edges }
}

test.group('Flow editor minimap', () => {
  test('small flow shows it, toggle hides it', async ({ visit, browserContext, assert }) => {
    const { page } = await openEditor(visit, browserContext, replyFlow())
    const minimap = page.locator('[data-test-id="flow-minimap"]')
    await minimap.waitFor()
    await page.locator('[data-test-id="flow-minimap-toggle"]').click()
    await minimap.waitFor({ state: 'detached' })
    assert.equal(await minimap.count(), 0)
  })

  test('large flow opens without it', async ({ visit, browserContext, assert }) => {
    const { page } = await openEditor(visit, browserContext, chainFlow(120))
    const minimap = page.locator('[data-test-id="flow-minimap"]')
    assert.equal(await minimap.count(), 0)
    await page.locator('[data-test-id="flow-minimap-toggle"]').click()
    await minimap.waitFor()
    assert.equal(await minimap.count(), 1)
  })

  test('hidden minimap stays hidden on reload', async ({ visit, browserContext, assert }) => {
    const { page } = await openEditor(visit, browserContext, replyFlow())
    const minimap = page.locator('[data-test-id="flow-minimap"]')
    const toggle = page.locator('[data-test-id="flow-minimap-toggle"]')
    await minimap.waitFor()
    await toggle.click()
    await minimap.waitFor({ state: 'detached' })

    await page.reload()
    await page.locator('[data-test-id="flow-node-start"]').waitFor()
    await page.waitForTimeout(300)
    assert.equal(await minimap.count(), 0)
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false')

    await toggle.click()
    await minimap.waitFor()
    await page.reload()
    await minimap.waitFor()
    assert.equal(await minimap.count(), 1)
  })

  test('tidy keeps steps clear of it', async ({ visit, browserContext, assert }) => {
    const { page } = await openEditor(visit, browserContext, chainFlow(6))
    const minimap = page.locator('[data-test-id="flow-minimap"]')
    for (const size of [
      { width: 1024, height: 768 },
      { width: 1680, height: 1050 },
    ]) {
      await page.setViewportSize(size)
      await minimap.waitFor()
      await tidy(page)
      await page.waitForTimeout(200)
      const covered = (await minimap.boundingBox())!
      for (const { id, box } of await nodeBoxes(page)) {
        assert.isFalse(boxesOverlap(box, covered), `${id} is under the minimap at ${size.width}`)
      }
      await capture(page, `flow-tidy-minimap-${size.width}`)
    }
  })
})

/** Start, then Send `ask` and a Send `later` that nothing leads to yet, side by side. */
function looseSendFlow(): FlowGraph {
  const ask = sendNode('ask', 'Will you come?')
  ask.position = { x: 0, y: 200 }
  const later = sendNode('later', 'Thanks for your answer.')
  later.position = { x: 420, y: 200 }
  return {
    nodes: [graphNode('start', 'start'), ask, later],
    edges: [graphEdge('start', 'next', 'ask')],
  }
}

async function edgeIds(page: Page) {
  const ids = await page
    .locator('.vue-flow__edge')
    .evaluateAll((elements) => elements.map((element) => element.getAttribute('data-id')!))
  return ids.sort()
}

test.group('Flow editor connecting', () => {
  test('port dropped on node body connects', async ({ visit, browserContext, assert }) => {
    const { page, campaign, tenant } = await openEditor(visit, browserContext, looseSendFlow())
    const target = await nodeCenter(page, 'later')
    const input = (await page
      .locator('[data-test-id="flow-node-later"] .flow-handle-in')
      .boundingBox())!
    // The editor opens at zoom 1 or less, so 40 pixels is beyond the 32-unit snapping radius.
    assert.isAbove(target.y - (input.y + input.height / 2), 40)

    await dropPortAt(page, 'ask', 'sent', target)
    await page.locator('.vue-flow__edge[data-id="ask-sent-later"]').waitFor()
    await waitSaved(page)
    await capture(page, 'flow-connect-node-body')

    assert.deepEqual(await edgeIds(page), ['ask-sent-later', 'start-next-ask'])
    const graph = await storedGraph(tenant.id, campaign.id)
    assert.deepInclude(graph.edges, graphEdge('ask', 'sent', 'later'))
    assert.lengthOf(graph.edges, 2)
  })

  test('drop off any input connects nothing', async ({ visit, browserContext, assert }) => {
    const { page, campaign, tenant } = await openEditor(visit, browserContext, looseSendFlow())
    const canvas = (await page.locator('[data-test-id="flow-canvas"]').boundingBox())!
    const ask = (await page.locator('[data-test-id="flow-node-ask"]').boundingBox())!

    // Empty canvas below the nodes, the start node (it has no input), and the port's own node.
    await dropPortAt(page, 'ask', 'failed', {
      x: ask.x + ask.width / 2,
      y: canvas.y + canvas.height - 40,
    })
    await dropPortAt(page, 'later', 'sent', await nodeCenter(page, 'start'))
    const startPort = (await page.locator('[data-test-id="flow-handle-start-next"]').boundingBox())!
    await dropPortAt(page, 'later', 'sent', {
      x: startPort.x + startPort.width / 2,
      y: startPort.y + startPort.height / 2,
    })
    await dropPortAt(page, 'ask', 'failed', await nodeCenter(page, 'ask'))
    // A drop that does connect, so the page has handled the drops before it.
    await dropPortAt(page, 'later', 'failed', await nodeCenter(page, 'ask'))
    await page.locator('.vue-flow__edge[data-id="later-failed-ask"]').waitFor()
    await waitSaved(page)

    assert.deepEqual(await edgeIds(page), ['later-failed-ask', 'start-next-ask'])
    const graph = await storedGraph(tenant.id, campaign.id)
    assert.sameDeepMembers(graph.edges, [
      graphEdge('start', 'next', 'ask'),
      graphEdge('later', 'failed', 'ask'),
    ])
  })
})

/** The Branch on reply ports of `replyFlow` as the node draws them, with the Send each leads to. */
const BRANCH_CHILDREN = [
  { port: 'sim', child: 'yes' },
  { port: 'nao', child: 'no' },
  { port: 'any', child: 'other' },
  { port: 'no_reply', child: 'silent' },
]

/** Builds the reply flow with every branch port connected, its edges and children in reverse port order. */
function crossedBranchFlow(): FlowGraph {
  const graph = replyFlow()
  graph.nodes.push(sendNode('other', 'Please answer SIM or NÃO.'))
  graph.edges.push(graphEdge('branch', 'any', 'other'))
  graph.edges.reverse()
  for (const node of graph.nodes) {
    const index = BRANCH_CHILDREN.findIndex(({ child }) => child === node.id)
    node.position = index === -1 ? { x: 450, y: 0 } : { x: 900 - index * 300, y: 600 }
  }
  graph.nodes.find((node) => node.id === 'ask')!.position.y = 200
  graph.nodes.find((node) => node.id === 'branch')!.position.y = 400
  return graph
}

test.group('Flow editor tidy', () => {
  test('tidy orders branch children by port', async ({ visit, browserContext, assert }) => {
    const { page, campaign, tenant } = await openEditor(visit, browserContext, crossedBranchFlow())
    const portXs = []
    for (const { port } of BRANCH_CHILDREN) {
      const handle = (await page
        .locator(`[data-test-id="flow-handle-branch-${port}"]`)
        .boundingBox())!
      portXs.push(handle.x)
    }
    for (let index = 1; index < portXs.length; index++) {
      assert.isBelow(portXs[index - 1], portXs[index], 'the branch draws its ports left to right')
    }
    const first = await nodeCenter(page, 'yes')
    const last = await nodeCenter(page, 'silent')
    assert.isAbove(first.x, last.x, 'the edges start out crossed')

    await tidy(page)
    await waitSaved(page)
    await capture(page, 'flow-tidy-branch')

    const centres = []
    for (const { child } of BRANCH_CHILDREN) centres.push(await nodeCenter(page, child))
    const graph = await storedGraph(tenant.id, campaign.id)
    const stored = BRANCH_CHILDREN.map(
      ({ child }) => graph.nodes.find((node) => node.id === child)!.position
    )
    for (let index = 1; index < BRANCH_CHILDREN.length; index++) {
      const left = BRANCH_CHILDREN[index - 1].child
      const right = BRANCH_CHILDREN[index].child
      assert.isBelow(
        centres[index - 1].x,
        centres[index].x,
        `${left} is left of ${right} on the page`
      )
      assert.isBelow(
        stored[index - 1].x,
        stored[index].x,
        `${left} is left of ${right} when stored`
      )
      assert.equal(stored[index - 1].y, stored[index].y, `${left} and ${right} share a row`)
    }
  })
})

test.group('Flow editor layout', () => {
  test('canvas keeps its room on narrow windows', async ({ visit, browserContext, assert }) => {
    const { page } = await openEditor(visit, browserContext, replyFlow(), 'pt-BR')
    const canvas = page.locator('[data-test-id="flow-canvas"]')
    const minimumWidths = [
      { width: 1440, canvas: 500 },
      { width: 1024, canvas: 400 },
      { width: 768, canvas: 400 },
      { width: 390, canvas: 300 },
    ]
    for (const { width, canvas: minimum } of minimumWidths) {
      await page.setViewportSize({ width, height: width < 500 ? 844 : 800 })
      await page.waitForTimeout(200)
      const box = (await canvas.boundingBox())!
      assert.isAtLeast(box.width, minimum, `canvas width at ${width}`)
      assert.isAtLeast(box.height, 300, `canvas height at ${width}`)
      assert.isTrue(await page.locator('[data-test-id="palette-send"]').isVisible())
      assert.isTrue(await page.locator('[data-test-id="flow-panel"]').isVisible())
      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        window: window.innerWidth,
      }))
      assert.isAtMost(widths.page, widths.window, `page is wider than ${width}`)
      await capture(page, `flow-editor-${width}-pt-BR`)
    }
  })

  test('new steps never land on each other', async ({ visit, browserContext, assert }) => {
    const { page } = await openEditor(visit, browserContext)
    const item = page.locator('[data-test-id="palette-send"]')
    for (let count = 0; count < 4; count++) {
      await item.focus()
      await page.keyboard.press('Enter')
    }
    await page.locator('[data-test-id^="flow-node-send-"]').nth(3).waitFor()
    const boxes = await nodeBoxes(page)
    assert.lengthOf(boxes, 5)
    for (const [index, first] of boxes.entries()) {
      for (const second of boxes.slice(index + 1)) {
        assert.isFalse(boxesOverlap(first.box, second.box), `${first.id} covers ${second.id}`)
      }
    }
    await capture(page, 'flow-new-steps')
  })
})
