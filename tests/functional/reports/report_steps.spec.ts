import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { parse } from 'csv-parse/sync'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { graphEdge, graphNode, replyFlow, sendNode } from '#tests/helpers/campaigns'
import { publishedCampaign } from '#tests/helpers/engine'
import Template from '#models/template'
import { runInTenant } from '#tenancy/tenant_context'
import {
  STEP_ORDER,
  UNREACHED_ORDER,
  seedStepCounters,
  seedUnreachedSteps,
} from '#tests/helpers/reports'

test.group('Report steps', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('steps carry their message preview', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Report steps')
    const longText = `Oi {{name|você}}, ${'temos novidades '.repeat(6)}`
    const template = await runInTenant(tenant.id, () =>
      Template.create({ name: 'Convite de sexta', body: 'Oi {{name|você}}' })
    )
    const campaign = await publishedCampaign(
      tenant.id,
      owner.id,
      {
        nodes: [
          graphNode('start', 'start'),
          sendNode('ask', 'Vem amanhã?\n  Responda SIM ou NÃO'),
          graphNode('later', 'wait', { duration: { amount: 1, unit: 'hours' } }),
          sendNode('long', longText),
          graphNode('invite', 'send', {
            message: { templateId: template.id, text: null },
            media: null,
            instanceId: null,
          }),
        ],
        edges: [
          graphEdge('start', 'next', 'ask'),
          graphEdge('ask', 'sent', 'later'),
          graphEdge('later', 'next', 'long'),
          graphEdge('long', 'sent', 'invite'),
        ],
      },
      { listIds: [] }
    )

    const page = await client
      .get(`/plugins/reports/campaigns/${campaign.id}`)
      .headers(INERTIA_HEADERS)
      .loginAs(owner)
    page.assertStatus(200)
    const nodes = page.body().props.campaign.nodes as {
      id: string
      type: string
      preview: string | null
    }[]
    assert.deepEqual(
      nodes.map((node) => node.id),
      ['ask', 'later', 'long', 'invite']
    )
    assert.equal(nodes[0].preview, 'Vem amanhã? Responda SIM ou NÃO')
    assert.isNull(nodes[1].preview)
    assert.lengthOf(nodes[2].preview!, 60)
    assert.isTrue(nodes[2].preview!.startsWith('Oi {{name|você}}, temos novidades'))
    assert.isTrue(nodes[2].preview!.endsWith('…'))
    assert.equal(nodes[3].preview, 'Convite de sexta')
  })

  test('step CSV names steps and exits', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Report steps')
    owner.locale = 'pt-BR'
    await owner.save()
    const campaign = await publishedCampaign(tenant.id, owner.id, replyFlow(), { listIds: [] })
    await db.table('campaign_node_counters').multiInsert([
      {
        tenant_id: tenant.id,
        campaign_id: campaign.id,
        node_id: 'ask',
        waiting: 0,
        ports: '{"sent":3}',
      },
      {
        tenant_id: tenant.id,
        campaign_id: campaign.id,
        node_id: 'branch',
        waiting: 1,
        ports: '{"sim":1,"no_reply":1}',
      },
    ])

    const response = await client
      .get(`/plugins/reports/campaigns/${campaign.id}/export?report=nodes`)
      .loginAs(owner)
    response.assertStatus(200)
    const text = response.text()
    assert.isTrue(text.startsWith('\uFEFF'))
    assert.notInclude(text, '{"')
    const rows = parse(text, { bom: true, columns: true, delimiter: ';' }) as Record<
      string,
      string
    >[]
    const steps = rows.map((row) => row['Etapa'])
    // The Sends after the branch are listed too, with zeros, as no journey reached them yet.
    assert.lengthOf(steps, 5)
    assert.match(steps[0], /^Enviar mensagem/)
    assert.match(steps[1], /^Ramificar pela resposta/)
    for (const row of rows.slice(2)) {
      assert.match(row['Etapa'], /^Enviar mensagem/)
      assert.equal(row['Enviadas'], '0')
      assert.equal(row['Saíram por “Enviada”'], '0')
      assert.equal(row['Saíram por “SIM”'], '')
    }
    assert.equal(rows[0]['Saíram por “Enviada”'], '3')
    assert.equal(rows[1]['Saíram por “SIM”'], '1')
    assert.equal(rows[1]['Saíram por “Sem resposta”'], '1')
    assert.equal(rows[1]['Aguardando agora'], '1')
    assert.notInclude(text, 'no_reply')
  })

  test('goal steps show names and counts', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Report goals')
    const campaign = await publishedCampaign(
      tenant.id,
      owner.id,
      {
        nodes: [
          graphNode('start', 'start'),
          graphNode('bought', 'logic.goal', { label: 'Bought' }),
        ],
        edges: [graphEdge('start', 'next', 'bought')],
      },
      { listIds: [] }
    )
    await db.table('campaign_node_counters').insert({
      tenant_id: tenant.id,
      campaign_id: campaign.id,
      node_id: 'bought',
      waiting: 0,
      ports: '{}',
      goals: 4,
    })

    const page = await client
      .get(`/plugins/reports/campaigns/${campaign.id}`)
      .headers(INERTIA_HEADERS)
      .loginAs(owner)
    page.assertStatus(200)
    const [step] = page.body().props.steps
    assert.equal(step.name, 'Goal reached · Bought')
    assert.equal(step.goals, 4)
    assert.deepEqual(step.exits, [])

    const response = await client
      .get(`/plugins/reports/campaigns/${campaign.id}/export?report=nodes`)
      .loginAs(owner)
    response.assertStatus(200)
    const rows = parse(response.text(), { bom: true, columns: true }) as Record<string, string>[]
    assert.equal(rows[0]['Step'], 'Goal reached · Bought')
    assert.equal(rows[0]['Reached goal'], '4')
  })

  test('table and CSV list steps alike', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Report step order')
    const campaign = await seedStepCounters(tenant.id, owner.id)

    const page = await client
      .get(`/plugins/reports/campaigns/${campaign.id}`)
      .headers(INERTIA_HEADERS)
      .loginAs(owner)
    page.assertStatus(200)
    const steps = page.body().props.steps as {
      id: string
      name: string
      waiting: number
      exits: { port: string; label: string; journeys: number }[]
    }[]
    assert.deepEqual(
      steps.map((step) => step.id),
      STEP_ORDER
    )
    const byId = new Map(steps.map((step) => [step.id, step]))
    assert.match(byId.get('later')!.name, /^Wait · /)
    assert.match(byId.get('branch')!.name, /^Branch on reply/)
    assert.equal(byId.get('gone')!.name, 'gone')
    assert.deepEqual(
      byId.get('branch')!.exits.map((exit) => [exit.label, exit.journeys]),
      [
        ['SIM', 2],
        ['NÃO', 0],
        ['Any other reply', 2],
        ['No reply', 1],
      ]
    )
    assert.deepEqual(
      byId.get('no')!.exits.map((exit) => [exit.label, exit.journeys]),
      [
        ['Sent', 0],
        ['Failed', 0],
      ]
    )
    assert.deepEqual(byId.get('gone')!.exits, [{ port: 'sent', label: 'sent', journeys: 3 }])

    const response = await client
      .get(`/plugins/reports/campaigns/${campaign.id}/export?report=nodes`)
      .loginAs(owner)
    response.assertStatus(200)
    const rows = parse(response.text(), { bom: true, columns: true }) as Record<string, string>[]
    assert.deepEqual(
      rows.map((row) => row['Step']),
      steps.map((step) => step.name)
    )
    const branch = rows[STEP_ORDER.indexOf('branch')]
    assert.equal(branch['Left by “SIM”'], '2')
    assert.equal(branch['Left by “NÃO”'], '0')
    assert.equal(branch['Left by “Any other reply”'], '2')
    assert.equal(branch['Left by “No reply”'], '1')
    assert.equal(branch['Waiting now'], '1')
    assert.equal(branch['Left by “Sent”'], '')
    assert.equal(rows[STEP_ORDER.indexOf('later')]['Left by “Next”'], '6')
    assert.equal(rows[STEP_ORDER.indexOf('yes')]['Left by “SIM”'], '')
  })

  test('steps nobody reached yet show zeros', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Report unreached steps')
    const campaign = await seedUnreachedSteps(tenant.id, owner.id)

    const page = await client
      .get(`/plugins/reports/campaigns/${campaign.id}`)
      .headers(INERTIA_HEADERS)
      .loginAs(owner)
    page.assertStatus(200)
    const steps = page.body().props.steps as {
      id: string
      name: string
      sent: number
      failed: number
      waiting: number
      goals: number
      exits: { port: string; label: string; journeys: number }[]
    }[]
    assert.deepEqual(
      steps.map((step) => step.id),
      UNREACHED_ORDER
    )
    const byId = new Map(steps.map((step) => [step.id, step]))
    assert.equal(byId.get('ask')!.exits.find((exit) => exit.port === 'sent')!.journeys, 3)
    assert.equal(byId.get('later')!.waiting, 3)
    // The steps after the Wait count nothing yet, and list every exit of the version in use.
    const branch = byId.get('branch')!
    assert.match(branch.name, /^Branch on reply/)
    assert.include(branch, { sent: 0, failed: 0, waiting: 0, goals: 0 })
    assert.deepEqual(
      branch.exits.map((exit) => [exit.port, exit.label, exit.journeys]),
      [
        ['sim', 'SIM', 0],
        ['nao', 'NÃO', 0],
        ['any', 'Any other reply', 0],
        ['no_reply', 'No reply', 0],
      ]
    )
    for (const id of ['yes', 'no', 'silent']) {
      const step = byId.get(id)!
      assert.match(step.name, /^Send message · /, id)
      assert.include(step, { sent: 0, delivered: 0, read: 0, failed: 0, waiting: 0 }, id)
      assert.deepEqual(
        step.exits.map((exit) => [exit.label, exit.journeys]),
        [
          ['Sent', 0],
          ['Failed', 0],
        ],
        id
      )
    }

    const response = await client
      .get(`/plugins/reports/campaigns/${campaign.id}/export?report=nodes`)
      .loginAs(owner)
    response.assertStatus(200)
    const rows = parse(response.text(), { bom: true, columns: true }) as Record<string, string>[]
    assert.deepEqual(
      rows.map((row) => row['Step']),
      steps.map((step) => step.name)
    )
    assert.notInclude(response.text(), 'TALVEZ')
    const row = (id: string) => rows[UNREACHED_ORDER.indexOf(id)]
    assert.equal(row('later')['Waiting now'], '3')
    assert.equal(row('later')['Left by “Next”'], '0')
    assert.include(row('branch'), {
      'Sent': '0',
      'Waiting now': '0',
      'Left by “SIM”': '0',
      'Left by “NÃO”': '0',
      'Left by “Any other reply”': '0',
      'Left by “No reply”': '0',
      'Left by “Sent”': '',
    })
    for (const id of ['yes', 'no', 'silent']) {
      assert.include(row(id), { 'Sent': '0', 'Left by “Sent”': '0', 'Left by “SIM”': '' }, id)
    }
  })
})
