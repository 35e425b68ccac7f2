import { test } from '@japa/runner'
import ChannelInstance from '#models/channel_instance'
import Flow from '#models/flow'
import Template from '#models/template'
import { runInTenant } from '#tenancy/tenant_context'
import { createOutboundMessage } from '#services/channels/message_service'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createPublishedCampaign, graphEdge, graphNode } from '#tests/helpers/campaigns'
import { createContact } from '#tests/helpers/inbox'
import { capture } from '#tests/helpers/browser_pages'
import AuditEntry from '../../plugins/audit/models/audit_entry.js'

/**
 * Creates a campaign whose draft sends the saved template "Boas-vindas" at step
 * `hello`, with one message from that step and one from a step since
 * deleted, for an owner reading in Portuguese.
 */
async function campaignWithSteps() {
  const { tenant, owner } = await createTenantWithOwner('Steps')
  owner.locale = 'pt-BR'
  await owner.save()
  const campaign = await createPublishedCampaign(tenant.id)
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
      edges: [graphEdge('start', 'next', 'hello')],
    }
    await flow.save()
  })

  const instance = await runInTenant(tenant.id, () =>
    ChannelInstance.create({ name: `Steps ${Date.now()}`, channel: 'sandbox', status: 'open' })
  )
  for (const [name, nodeId] of [
    ['Ana', 'hello'],
    ['Bruno', 'removed-step'],
  ]) {
    const contact = await createContact(tenant.id, name)
    await runInTenant(tenant.id, () =>
      createOutboundMessage({
        instance,
        address: contact.phone,
        body: 'Olá',
        contactId: contact.id,
        campaignId: campaign.id,
        nodeId,
      })
    )
  }
  return { tenant, owner, campaign }
}

test.group('Step names', () => {
  test('messages page names each step', async ({ visit, browserContext, assert }) => {
    const { owner, campaign } = await campaignWithSteps()
    await browserContext.loginAs(owner)
    const page = await visit(`/campaigns/${campaign.id}/messages`)
    await page.setViewportSize({ width: 1280, height: 800 })

    const steps = page.locator('[data-test-id="message-step"]')
    await steps.first().waitFor()
    const cells = await steps.allInnerTexts()
    assert.deepEqual(
      cells.map((text) => text.trim()),
      ['Enviar mensagem · Boas-vindas', 'removed-step']
    )
    const options = await page.locator('[data-test-id="filter-node"] option').allInnerTexts()
    assert.deepEqual(
      options.map((text) => text.trim()),
      ['Qualquer', 'Enviar mensagem · Boas-vindas', 'removed-step']
    )
    await capture(page, 'campaign-messages-steps-pt-BR')
  }).timeout(60_000)

  test('audit log names the exported step', async ({ visit, browserContext, assert }) => {
    const { tenant, owner, campaign } = await campaignWithSteps()
    const entry = await AuditEntry.create({
      tenantId: tenant.id,
      action: 'messages.exported',
      actorId: owner.id,
      actorLabel: owner.email,
      targetType: 'campaign',
      targetId: String(campaign.id),
      ipAddress: '127.0.0.1',
      after: { filters: { status: 'read', nodeId: 'hello' } },
    })
    await browserContext.loginAs(owner)
    const page = await visit('/plugins/audit/entries')
    await page.setViewportSize({ width: 1280, height: 800 })

    await page.locator(`[data-test-id="audit-toggle-${entry.id}"]`).click()
    const diff = page.locator(`[data-test-id="audit-diff-${entry.id}"]`)
    await diff.waitFor()
    const text = await diff.innerText()
    assert.include(text, 'Enviar mensagem · Boas-vindas')
    assert.notInclude(text, '"hello"')
    await capture(page, 'audit-log-steps-pt-BR')
  }).timeout(60_000)
})
