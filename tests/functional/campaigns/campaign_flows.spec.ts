import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type User from '#models/user'
import Flow from '#models/flow'
import FlowVersion from '#models/flow_version'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner, addMember } from '#tests/helpers/accounts'
import { createCampaign, graphEdge, graphNode, replyFlow, sendNode } from '#tests/helpers/campaigns'
import type { FlowGraph } from '#flow/flow_graph'
import type { FlowProblem } from '#flow/flow_problems'
import Template from '#models/template'
import i18nManager from '@adonisjs/i18n/services/main'

function saveFlow(client: any, user: User, campaignId: number, graph: FlowGraph, revision: number) {
  return client
    .put(`/campaigns/${campaignId}/flow`)
    .accept('json')
    .json({ graph, revision })
    .loginAs(user)
    .withCsrfToken()
}

function publish(client: any, user: User, campaignId: number) {
  return client
    .post(`/campaigns/${campaignId}/versions`)
    .accept('json')
    .loginAs(user)
    .withCsrfToken()
}

test.group('Campaign flows save', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('drops edges of deleted nodes and reports Branch unreachable', async ({
    client,
    assert,
  }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    const branch = graphNode('branch', 'branch_on_reply', {
      timeout: { amount: 1, unit: 'hours' },
      rules: [],
    })
    const before: FlowGraph = {
      nodes: [graphNode('start', 'start'), sendNode('a', 'A'), sendNode('b', 'B'), branch],
      edges: [
        graphEdge('start', 'next', 'a'),
        graphEdge('start', 'next', 'b'),
        graphEdge('a', 'sent', 'branch'),
        graphEdge('b', 'sent', 'branch'),
      ],
    }
    const first = await saveFlow(client, owner, campaign.id, before, 0)
    first.assertStatus(200)

    // The client sends the nodes without A and B but, as a stale client might, keeps their edges.
    const after = { nodes: [before.nodes[0], branch], edges: before.edges }
    const second = await saveFlow(client, owner, campaign.id, after, first.body().revision)
    second.assertStatus(200)

    const stored = await runInTenant(tenant.id, () => Flow.findByOrFail('campaign_id', campaign.id))
    const ids = new Set(stored.graph.nodes.map((node) => node.id))
    assert.deepEqual([...ids].sort(), ['branch', 'start'])
    for (const edge of stored.graph.edges) {
      assert.isTrue(ids.has(edge.source), `edge ${edge.id} has a missing source`)
      assert.isTrue(ids.has(edge.target), `edge ${edge.id} has a missing target`)
    }

    const page = await client
      .get(`/campaigns/${campaign.id}/flow`)
      .loginAs(owner)
      .headers({ 'x-inertia': 'true', 'x-inertia-version': '1' })
    const problems = page.body().props.problems as { code: string; nodeId: string }[]
    assert.deepInclude(
      problems.map((item) => ({ code: item.code, nodeId: item.nodeId })),
      { code: 'unreachable', nodeId: 'branch' }
    )
  })

  test('rejects a save based on an old revision', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    const graph = replyFlow()
    const first = await saveFlow(client, owner, campaign.id, graph, 0)
    first.assertStatus(200)

    const stale = await saveFlow(client, owner, campaign.id, graph, 0)
    stale.assertStatus(409)
    assert.equal(stale.body().code, 'E_FLOW_CONFLICT')
    assert.equal(stale.body().revision, 1)
  })

  test('rejects a malformed graph', async ({ client }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    const response = await client
      .put(`/campaigns/${campaign.id}/flow`)
      .accept('json')
      .json({ revision: 0, graph: { nodes: [{ id: 'x y', type: 'send' }], edges: 'none' } })
      .loginAs(owner)
      .withCsrfToken()
    response.assertStatus(422)
  })

  test('rejects an inherited node id', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    const node = { type: 'start', position: { x: 0, y: 0 }, config: {} }
    const response = await client
      .put(`/campaigns/${campaign.id}/flow`)
      .accept('json')
      .json({
        revision: 0,
        graph: {
          nodes: [
            { ...node, id: 'start' },
            { ...node, id: '__proto__' },
          ],
          edges: [],
        },
      })
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    const error = response
      .body()
      .errors.find((item: { field: string }) => item.field.endsWith('id'))
    assert.equal(error.field, 'graph.nodes.1.id')
    assert.include(error.message, 'another id')
  })

  test('returns ports of a branch from its rules', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    const response = await saveFlow(client, owner, campaign.id, replyFlow(), 0)
    const ports = response.body().ports.branch.map((port: { id: string }) => port.id)
    assert.deepEqual(ports, ['sim', 'nao', 'any', 'no_reply'])
    assert.deepEqual(response.body().problems, [])
  })
})

test.group('Campaign flows publish', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('refuses a send failing into itself and names it', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    const graph: FlowGraph = {
      nodes: [graphNode('start', 'start'), sendNode('retry', 'Hello')],
      edges: [graphEdge('start', 'next', 'retry'), graphEdge('retry', 'failed', 'retry')],
    }
    await saveFlow(client, owner, campaign.id, graph, 0)

    const response = await publish(client, owner, campaign.id)
    response.assertStatus(422)
    assert.equal(response.body().code, 'E_FLOW_INVALID')
    assert.deepEqual(
      response.body().problems.map((item: any) => `${item.code}@${item.nodeId}`),
      ['unbounded_loop@retry']
    )
    const versions = await runInTenant(tenant.id, () =>
      FlowVersion.query().where('campaign_id', campaign.id)
    )
    assert.lengthOf(versions, 0)
  })

  test('publishes version 1, then 2, keeping 1 readable', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    const graph = replyFlow()
    await saveFlow(client, owner, campaign.id, graph, 0)

    const first = await publish(client, owner, campaign.id)
    first.assertStatus(201)
    assert.equal(first.body().version.number, 1)

    const edited = structuredClone(graph)
    edited.nodes[3].config.message = { templateId: null, text: 'Perfect, see you!' }
    await saveFlow(client, owner, campaign.id, edited, 1)
    const second = await publish(client, owner, campaign.id)
    second.assertStatus(201)
    assert.equal(second.body().version.number, 2)

    const one = await client
      .get(`/campaigns/${campaign.id}/versions/1`)
      .accept('json')
      .loginAs(owner)
    one.assertStatus(200)
    assert.equal(one.body().version.plan.nodes.yes.config.message.text, 'Great, see you there!')
    assert.deepEqual(one.body().version.plan.nodes.branch.next, {
      sim: 'yes',
      nao: 'no',
      any: null,
      no_reply: 'silent',
    })
    assert.equal(one.body().version.plan.entryNodeId, 'ask')

    const two = await client
      .get(`/campaigns/${campaign.id}/versions/2`)
      .accept('json')
      .loginAs(owner)
    assert.equal(two.body().version.plan.nodes.yes.config.message.text, 'Perfect, see you!')

    await campaign.refresh()
    assert.equal(campaign.currentVersionId, second.body().version.id)
  })

  test('restores a version into the draft', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    await saveFlow(client, owner, campaign.id, replyFlow(), 0)
    await publish(client, owner, campaign.id)
    const emptied = { nodes: [graphNode('start', 'start')], edges: [] }
    await saveFlow(client, owner, campaign.id, emptied, 1)

    const response = await client
      .post(`/campaigns/${campaign.id}/versions/1/restore`)
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()
    response.assertStatus(200)
    assert.equal(response.body().revision, 3)

    const stored = await runInTenant(tenant.id, () => Flow.findByOrFail('campaign_id', campaign.id))
    assert.lengthOf(stored.graph.nodes, 6)
    assert.isNotNull(stored.basedOnVersionId)
  })

  test('tells whether the draft changed since publishing', async ({ client, assert }) => {
    const { owner, tenant } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    const editorPage = () =>
      client
        .get(`/campaigns/${campaign.id}/flow`)
        .loginAs(owner)
        .headers({ 'x-inertia': 'true', 'x-inertia-version': '1' })

    const unpublished = await saveFlow(client, owner, campaign.id, replyFlow(), 0)
    assert.isFalse(unpublished.body().matchesCurrentVersion)
    const published = await publish(client, owner, campaign.id)
    assert.isTrue(published.body().matchesCurrentVersion)
    const unchangedPage = await editorPage()
    assert.isTrue(unchangedPage.body().props.draft.matchesCurrentVersion)

    // The editor may send the same graph in another order, with keys in another order.
    const reordered: FlowGraph = {
      edges: [...replyFlow().edges].reverse(),
      nodes: [...replyFlow().nodes].reverse().map(({ config, position, type, id }) => ({
        config,
        position,
        type,
        id,
        maxVisits: null,
      })),
    }
    const same = await saveFlow(client, owner, campaign.id, reordered, 1)
    assert.isTrue(same.body().matchesCurrentVersion)

    const moved = structuredClone(reordered)
    moved.nodes[0].position = { x: 999, y: 999 }
    const changed = await saveFlow(client, owner, campaign.id, moved, 2)
    assert.isFalse(changed.body().matchesCurrentVersion)
    const changedPage = await editorPage()
    assert.isFalse(changedPage.body().props.draft.matchesCurrentVersion)

    const restored = await client
      .post(`/campaigns/${campaign.id}/versions/1/restore`)
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()
    assert.isTrue(restored.body().matchesCurrentVersion)
  })

  test('lists versions newest first', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    await saveFlow(client, owner, campaign.id, replyFlow(), 0)
    await publish(client, owner, campaign.id)
    await publish(client, owner, campaign.id)
    const response = await client
      .get(`/campaigns/${campaign.id}/versions`)
      .accept('json')
      .loginAs(owner)
    assert.deepEqual(
      response.body().versions.map((version: { number: number }) => version.number),
      [2, 1]
    )
  })
})

test.group('Campaign flows roles', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('viewer reads the editor but cannot save', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user } = await addMember(tenant.id, 'viewer')
    const campaign = await createCampaign(tenant.id)

    const page = await client
      .get(`/campaigns/${campaign.id}/flow`)
      .loginAs(user)
      .headers({ 'x-inertia': 'true', 'x-inertia-version': '1' })
    page.assertStatus(200)
    assert.isFalse(page.body().props.canEdit)

    const save = await saveFlow(client, user, campaign.id, replyFlow(), 0)
    save.assertStatus(403)
    const published = await publish(client, user, campaign.id)
    published.assertStatus(403)
  })

  test('editor saves and publishes', async ({ client }) => {
    const { tenant } = await createTenantWithOwner()
    const { user } = await addMember(tenant.id, 'editor')
    const campaign = await createCampaign(tenant.id)
    const saved = await saveFlow(client, user, campaign.id, replyFlow(), 0)
    saved.assertStatus(200)
    const published = await publish(client, user, campaign.id)
    published.assertStatus(201)
  })
})

test.group('Campaign flows of ended campaigns', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('{state} campaign keeps its flow final')
    .with([
      { state: 'finished', text: 'finished, so its flow can no longer change' },
      { state: 'cancelled', text: 'was cancelled, so its flow can no longer change' },
    ])
    .run(async ({ client, assert }, { state, text }) => {
      const { tenant, owner } = await createTenantWithOwner()
      const campaign = await createCampaign(tenant.id)
      await saveFlow(client, owner, campaign.id, replyFlow(), 0)
      await publish(client, owner, campaign.id)
      await runInTenant(tenant.id, async () => {
        campaign.state = state as 'finished' | 'cancelled'
        await campaign.save()
      })

      const page = await client
        .get(`/campaigns/${campaign.id}/flow`)
        .loginAs(owner)
        .headers({ 'x-inertia': 'true', 'x-inertia-version': '1' })
      page.assertStatus(200)
      assert.isFalse(page.body().props.canEdit)

      const save = await saveFlow(client, owner, campaign.id, replyFlow(), 1)
      save.assertStatus(409)
      assert.equal(save.body().code, 'E_CAMPAIGN_ENDED')
      assert.include(save.body().message, text)

      const second = await publish(client, owner, campaign.id)
      second.assertStatus(409)
      assert.equal(second.body().code, 'E_CAMPAIGN_ENDED')
      const restore = await client
        .post(`/campaigns/${campaign.id}/versions/1/restore`)
        .accept('json')
        .loginAs(owner)
        .withCsrfToken()
      restore.assertStatus(409)

      const versions = await runInTenant(tenant.id, () =>
        FlowVersion.query().where('campaign_id', campaign.id)
      )
      assert.lengthOf(versions, 1)
    })
})

test.group('Campaign flows variables', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  /** A flow of one Send step, `hello`, with an inline text, followed by a saved template. */
  function twoSends(text: string, templateId: number): FlowGraph {
    return {
      nodes: [
        graphNode('start', 'start'),
        sendNode('hello', text),
        graphNode('reminder', 'send', {
          message: { templateId, text: null },
          media: null,
          instanceId: null,
        }),
      ],
      edges: [graphEdge('start', 'next', 'hello'), graphEdge('hello', 'sent', 'reminder')],
    }
  }

  test('publishes campaign variables with a fallback', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id, { variables: { cupom: 'SOL10' } })
    const template = await runInTenant(tenant.id, () =>
      Template.create({ name: 'Lembrete', body: 'Vale até {{campaign.data_fim|domingo}}' })
    )
    const graph = twoSends('Use {{campaign.cupom}} até {{campaign.data_fim|domingo}}', template.id)
    await saveFlow(client, owner, campaign.id, graph, 0)

    const response = await publish(client, owner, campaign.id)
    response.assertStatus(201)
    assert.equal(response.body().version.number, 1)
  })

  test('rejects a campaign variable without a fallback', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    const template = await runInTenant(tenant.id, () =>
      Template.create({ name: 'Lembrete', body: 'Vale até {{campaign.data_fim}}' })
    )
    const graph = twoSends('Use {{campaign.cupom}}, {{cpf|sem CPF}}', template.id)
    await saveFlow(client, owner, campaign.id, graph, 0)

    const response = await publish(client, owner, campaign.id)
    response.assertStatus(422)
    const problems = response.body().problems as FlowProblem[]
    const summary = problems.map((item) => `${item.code}@${item.nodeId}:${item.values.name}`)
    assert.sameMembers(summary, [
      'unknown_campaign_variable@hello:campaign.cupom',
      'unknown_variable@hello:cpf',
      'unknown_campaign_variable@reminder:campaign.data_fim',
    ])
    const cupom = problems.find((item) => item.values.name === 'campaign.cupom')!
    assert.equal(cupom.message, 'flow.problems.unknown_campaign_variable')
    assert.equal(cupom.values.variable, 'cupom')
  })

  test('names the fix for an unknown campaign variable', async ({ assert }) => {
    const values = { name: 'campaign.data_fim', variable: 'data_fim' }
    const english = i18nManager.locale('en').t('flow.problems.unknown_campaign_variable', values)
    assert.equal(
      english,
      'The message uses campaign.data_fim, but this campaign has no variable data_fim. ' +
        'Add it under Settings → Campaign variables, or add a fallback such as ' +
        '{{campaign.data_fim|text}}.'
    )
    const portuguese = i18nManager
      .locale('pt-BR')
      .t('flow.problems.unknown_campaign_variable', values)
    assert.equal(
      portuguese,
      'A mensagem usa campaign.data_fim, mas esta campanha não tem a variável data_fim. ' +
        'Adicione-a em Configurações → Variáveis da campanha ou coloque um valor padrão, ' +
        'como {{campaign.data_fim|texto}}.'
    )
  })
})
