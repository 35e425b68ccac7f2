import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { applyReceipt, createOutboundMessage, markFailed } from '#services/channels/message_service'
import { csvField, defuseFormula, restoreDefused } from '#services/csv_cells'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { createPublishedCampaign, graphNode, sendNode } from '#tests/helpers/campaigns'
import { createContact } from '#tests/helpers/inbox'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { exportRecords } from '#tests/helpers/exports'
import Flow from '#models/flow'
import FlowVersion from '#models/flow_version'
import Template from '#models/template'

/** Creates a campaign with three messages: read at node `hello`, delivered and failed at `later`. */
async function campaignWithMessages() {
  const { tenant, owner } = await createTenantWithOwner()
  const campaign = await createPublishedCampaign(tenant.id)
  const instance = await runInTenant(tenant.id, () =>
    ChannelInstance.create({ name: `Messages ${Date.now()}`, channel: 'sandbox', status: 'open' })
  )
  const send = async (name: string, nodeId: string) => {
    const contact = await createContact(tenant.id, name)
    return runInTenant(tenant.id, () =>
      createOutboundMessage({
        instance,
        address: contact.phone,
        body: 'Oferta',
        contactId: contact.id,
        campaignId: campaign.id,
        nodeId,
      })
    )
  }
  const read = await send('Ana', 'hello')
  const delivered = await send('=cmd|calc', 'later')
  const failed = await send('Caio', 'later')
  await runInTenant(tenant.id, async () => {
    await applyReceipt(instance.id, {
      providerMessageId: read.providerMessageId,
      status: 'read',
      at: new Date(),
    })
    await applyReceipt(instance.id, {
      providerMessageId: delivered.providerMessageId,
      status: 'delivered',
      at: new Date(),
    })
    await markFailed(failed, { code: 'E_NOT_ON_WHATSAPP', reason: 'no WhatsApp, account' })
  })
  return { tenant, owner, campaign, read, delivered, failed, send }
}

function csvRows(text: string) {
  return text.trim().split('\r\n')
}

test.group('Campaign messages', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('export lists every message', async ({ client, assert }) => {
    const { tenant, campaign, read, delivered, failed } = await campaignWithMessages()
    const editor = await addMember(tenant.id, 'editor')

    const response = await client.get(`/campaigns/${campaign.id}/messages.csv`).loginAs(editor.user)

    response.assertStatus(200)
    assert.include(response.header('content-type'), 'text/csv')
    const { records, headers, separator } = exportRecords(response.text(), 'campaign_messages')
    assert.equal(separator, ',')
    assert.deepEqual(headers, [
      'Message id',
      'Contact',
      'Number',
      'Step id',
      'Step',
      'Status',
      'Queued (UTC)',
      'Sent (UTC)',
      'Delivered (UTC)',
      'Read (UTC)',
      'Failed or cancelled (UTC)',
      'Failure code',
      'Failure',
      'Reason given by the channel',
    ])
    assert.deepEqual(
      records.map((row) => Number(row.message_id)),
      [read.id, delivered.id, failed.id]
    )
    const [readRow, deliveredRow, failedRow] = records
    assert.equal(readRow.contact_name, 'Ana')
    assert.equal(readRow.node_id, 'hello')
    assert.equal(readRow.step, 'hello')
    assert.equal(readRow.status, 'Read')
    assert.match(readRow.read_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    assert.equal(readRow.failure, '')
    assert.equal(deliveredRow.contact_name, "'=cmd|calc")
    assert.equal(deliveredRow.node_id, 'later')
    assert.equal(deliveredRow.status, 'Delivered')
    assert.equal(deliveredRow.read_at, '')
    assert.equal(failedRow.contact_name, 'Caio')
    assert.equal(failedRow.status, 'Failed')
    assert.equal(failedRow.failure_code, 'E_NOT_ON_WHATSAPP')
    assert.equal(failedRow.failure, 'This number is not on WhatsApp.')
    assert.equal(failedRow.failure_reason, 'no WhatsApp, account')
    assert.include(
      response.text(),
      ',E_NOT_ON_WHATSAPP,This number is not on WhatsApp.,"no WhatsApp, account"'
    )
  })

  test('export in Portuguese', async ({ client, assert }) => {
    const { tenant, owner, campaign, failed } = await campaignWithMessages()
    await runInTenant(tenant.id, async () => {
      const flow = await Flow.findByOrFail('campaign_id', campaign.id)
      flow.graph = {
        nodes: [graphNode('start', 'start'), sendNode('later', 'Até amanhã!')],
        edges: [],
      }
      await flow.save()
    })
    owner.locale = 'pt-BR'
    await owner.save()

    const response = await client.get(`/campaigns/${campaign.id}/messages.csv`).loginAs(owner)

    response.assertStatus(200)
    const text = response.text()
    assert.isTrue(text.startsWith('\uFEFFId da mensagem;Contato;Número;Id da etapa;Etapa;Status;'))
    const { records, separator, headers } = exportRecords(text, 'campaign_messages')
    assert.equal(separator, ';')
    assert.include(headers, 'Motivo informado pelo canal')
    assert.deepEqual(
      records.map((row) => row.status),
      ['Lida', 'Entregue', 'Falhou']
    )
    assert.deepEqual(
      records.map((row) => row.step),
      ['hello', 'Enviar mensagem · Até amanhã!', 'Enviar mensagem · Até amanhã!']
    )
    const failedRow = records.find((row) => Number(row.message_id) === failed.id)!
    assert.equal(failedRow.failure_code, 'E_NOT_ON_WHATSAPP')
    assert.equal(failedRow.failure, 'Este número não está no WhatsApp.')
    assert.equal(failedRow.failure_reason, 'no WhatsApp, account')
  })

  test('export needs an editor', async ({ client, assert }) => {
    const { tenant, owner, campaign } = await campaignWithMessages()
    const viewer = await addMember(tenant.id, 'viewer')
    const agent = await addMember(tenant.id, 'agent')
    const url = `/campaigns/${campaign.id}/messages.csv`

    const asViewer = await client.get(url).loginAs(viewer.user)
    const asAgent = await client.get(url).loginAs(agent.user)
    const asOwner = await client.get(url).loginAs(owner)

    asViewer.assertStatus(403)
    assert.notInclude(asViewer.text(), 'Ana')
    asAgent.assertStatus(403)
    asOwner.assertStatus(200)
  })

  test('page offers the export to editors only', async ({ client, assert }) => {
    const { tenant, campaign } = await campaignWithMessages()
    const viewer = await addMember(tenant.id, 'viewer')
    const editor = await addMember(tenant.id, 'editor')
    const url = `/campaigns/${campaign.id}/messages`

    const asViewer = await client.get(url).loginAs(viewer.user).headers(INERTIA_HEADERS)
    const asEditor = await client.get(url).loginAs(editor.user).headers(INERTIA_HEADERS)

    asViewer.assertStatus(200)
    assert.isFalse(asViewer.body().props.canExport)
    assert.lengthOf(asViewer.body().props.messages, 3)
    assert.isTrue(asEditor.body().props.canExport)
  })

  test('export filters by status and node', async ({ client, assert }) => {
    const { owner, campaign, delivered, failed } = await campaignWithMessages()

    const byStatus = await client
      .get(`/campaigns/${campaign.id}/messages.csv?status=failed`)
      .loginAs(owner)
    const byNode = await client
      .get(`/campaigns/${campaign.id}/messages.csv?nodeId=later`)
      .loginAs(owner)

    const statusRows = csvRows(byStatus.text()).slice(1)
    assert.lengthOf(statusRows, 1)
    assert.isTrue(statusRows[0].startsWith(`${failed.id},`))
    const nodeRows = csvRows(byNode.text()).slice(1)
    assert.deepEqual(
      nodeRows.map((row) => Number(row.split(',')[0])),
      [delivered.id, failed.id]
    )
  })

  test('page filters and counts for viewers', async ({ client, assert }) => {
    const { tenant, campaign, read } = await campaignWithMessages()
    const viewer = await addMember(tenant.id, 'viewer')

    const response = await client
      .get(`/campaigns/${campaign.id}/messages?status=read`)
      .loginAs(viewer.user)
      .headers({ 'x-inertia': 'true', 'x-inertia-version': '1' })

    response.assertStatus(200)
    const { component, props } = response.body()
    assert.equal(component, 'campaigns/messages')
    assert.deepEqual(
      props.messages.map((row: { id: number }) => row.id),
      [read.id]
    )
    assert.deepEqual(props.counts, {
      total: 3,
      sent: 2,
      delivered: 2,
      read: 1,
      failed: 1,
      cancelled: 0,
      failedBeforeSending: 0,
    })
    assert.deepEqual(props.steps, [
      { nodeId: 'hello', name: 'hello' },
      { nodeId: 'later', name: 'later' },
    ])
  })

  test('page names steps as the editor', async ({ client, assert }) => {
    const { tenant, owner, campaign, send } = await campaignWithMessages()
    await send('Bia', 'gone')
    await runInTenant(tenant.id, async () => {
      const template = await Template.create({ name: 'Boas-vindas', body: 'Olá {{name}}' })
      const flow = await Flow.findByOrFail('campaign_id', campaign.id)
      flow.graph = {
        nodes: [
          graphNode('start', 'start'),
          graphNode('hello', 'send', {
            message: { templateId: template.id, text: null },
            media: null,
            instanceId: null,
          }),
        ],
        edges: [],
      }
      await flow.save()
      await FlowVersion.create({
        campaignId: campaign.id,
        number: 2,
        graph: {
          nodes: [graphNode('start', 'start'), sendNode('later', 'Até amanhã!')],
          edges: [],
        },
        plan: { format: 1, entryNodeId: 'start', nodes: {} },
      })
    })
    owner.locale = 'pt-BR'
    await owner.save()

    const response = await client
      .get(`/campaigns/${campaign.id}/messages`)
      .loginAs(owner)
      .headers(INERTIA_HEADERS)

    response.assertStatus(200)
    const { props } = response.body()
    assert.deepEqual(props.steps, [
      { nodeId: 'gone', name: 'gone' },
      { nodeId: 'hello', name: 'Enviar mensagem · Boas-vindas' },
      { nodeId: 'later', name: 'Enviar mensagem · Até amanhã!' },
    ])
    const stepOf = (name: string) =>
      props.messages.find((row: { contactName: string }) => row.contactName === name).stepName
    assert.equal(stepOf('Ana'), 'Enviar mensagem · Boas-vindas')
    assert.equal(stepOf('Caio'), 'Enviar mensagem · Até amanhã!')
    assert.equal(stepOf('Bia'), 'gone')
  })

  test('csv fields are quoted and defused', ({ assert }) => {
    assert.equal(csvField('plain'), 'plain')
    assert.equal(csvField('a,b'), '"a,b"')
    assert.equal(csvField('say "hi"'), '"say ""hi"""')
    assert.equal(csvField('=SUM(A1)'), "'=SUM(A1)")
    assert.equal(csvField('+5511987650001'), '+5511987650001')
    assert.equal(csvField('+55 11 98765-0001'), "'+55 11 98765-0001")
    assert.equal(csvField('+1+cmd'), "'+1+cmd")
    assert.equal(csvField(null), '')
  })

  test('defused cells are restored', ({ assert }) => {
    for (const text of ['=SUM(A1)', '+1+cmd', '-2', '@x', '\t=1', 'plain', "'quoted", '']) {
      assert.equal(restoreDefused(defuseFormula(text)), text, JSON.stringify(text))
    }
    assert.equal(restoreDefused("'+5511 +5521"), '+5511 +5521')
    assert.equal(restoreDefused("'Ana"), "'Ana")
  })
})
