import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Campaign, { type CampaignState } from '#models/campaign'
import Flow from '#models/flow'
import FlowVersion from '#models/flow_version'
import Template from '#models/template'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import { runInTenant } from '#tenancy/tenant_context'
import { campaignStepNames } from '#services/campaigns/campaign_steps'
import { templateUsage } from '#services/templates/template_usage'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createCampaign, templateSendFlow } from '#tests/helpers/campaigns'
import { apiRequest, createTokenFor } from '#tests/helpers/api'
import { INERTIA_HEADERS } from '#tests/helpers/audience'

/** Deletes a template through the templates page, without following the redirect. */
function deleteThroughPage(client: ApiClient, owner: User, templateId: number) {
  return client.delete(`/templates/${templateId}`).loginAs(owner).withCsrfToken().redirects(0)
}

/**
 * Creates a campaign in `state` that sends the template: in its draft
 * flow, or only in a published version when `draft` is false.
 */
async function campaignUsing(
  tenantId: number,
  templateId: number,
  state: CampaignState,
  name: string,
  draft = true
) {
  const campaign = await createCampaign(tenantId, { name, state })
  return runInTenant(tenantId, async () => {
    const flow = await Flow.findByOrFail('campaign_id', campaign.id)
    if (draft) {
      flow.graph = templateSendFlow(templateId)
      await flow.save()
    }
    const version = await FlowVersion.create({
      campaignId: campaign.id,
      number: 1,
      graph: templateSendFlow(templateId),
      plan: { format: 1, entryNodeId: 'start', nodes: {} },
    })
    await Campaign.query().where('id', campaign.id).update({ current_version_id: version.id })
    return campaign
  })
}

async function createTemplate(tenantId: number, name: string) {
  return runInTenant(tenantId, () => Template.create({ name, body: `Texto de ${name}` }))
}

async function findTemplate(tenantId: number, id: number) {
  return runInTenant(tenantId, () => Template.find(id))
}

test.group('Template deletion', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('use by running campaign rejects it', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const template = await createTemplate(tenant.id, 'Temporário')
    await campaignUsing(tenant.id, template.id, 'running', 'Black Friday', false)
    await campaignUsing(tenant.id, template.id, 'draft', 'Natal')

    const response = await deleteThroughPage(client, owner, template.id)

    response.assertStatus(302)
    const error = String(response.flashMessages().error ?? '')
    assert.include(error, '“Black Friday”')
    assert.include(error, '“Natal”')
    assert.include(error, 'another template')
    const kept = await findTemplate(tenant.id, template.id)
    assert.isNotNull(kept)
    assert.isNull(kept!.archivedAt)
  })

  test('use by ended campaigns archives it', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const template = await createTemplate(tenant.id, 'Temporário')
    const finished = await campaignUsing(tenant.id, template.id, 'finished', 'Páscoa')
    await campaignUsing(tenant.id, template.id, 'cancelled', 'Carnaval', false)

    const response = await deleteThroughPage(client, owner, template.id)

    response.assertStatus(302)
    assert.equal(response.header('location'), '/templates')
    assert.include(String(response.flashMessages().success), 'archived')
    const archived = await findTemplate(tenant.id, template.id)
    assert.isNotNull(archived, 'the template row was deleted')
    assert.isNotNull(archived!.archivedAt)

    const names = await campaignStepNames(tenant.id, finished.id, ['hello'], (key, values) =>
      key === 'flow.step_name' ? `${values!.type} · ${values!.summary}` : key
    )
    assert.equal(names.get('hello'), 'flow_nodes.send.label · Temporário')

    const list = await client.get('/templates').loginAs(owner).headers(INERTIA_HEADERS)
    const listed = list.body().props.templates.map((row: { id: number }) => row.id)
    assert.notInclude(listed, template.id)
    const page = await client.get(`/templates/${template.id}`).loginAs(owner)
    page.assertStatus(404)

    // The name is free again for a new template.
    const created = await client
      .post('/templates')
      .form({ name: 'Temporário', body: 'Outro texto' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    created.assertStatus(302)
    const live = await runInTenant(tenant.id, () =>
      Template.query().where('name', 'Temporário').whereNull('archived_at')
    )
    assert.lengthOf(live, 1)
    assert.notEqual(live[0].id, template.id)
  })

  test('unused template is deleted', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const template = await createTemplate(tenant.id, 'Solto')
    const other = await createTemplate(tenant.id, 'Outro')
    await campaignUsing(tenant.id, other.id, 'running', 'Outra campanha')

    const response = await deleteThroughPage(client, owner, template.id)

    response.assertStatus(302)
    assert.include(String(response.flashMessages().success), 'deleted')
    assert.isNull(await findTemplate(tenant.id, template.id))
  })

  test('usage matches whole ids only', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const first = await createTemplate(tenant.id, 'Primeiro')
    // Create templates until one's id starts with the digits of the first id.
    let longer: Template | undefined
    for (let index = 0; index < 1000 && !longer; index++) {
      const next = await createTemplate(tenant.id, `Extra ${index}`)
      longer = String(next.id).startsWith(String(first.id)) ? next : undefined
    }
    assert.exists(longer, 'no template id starts with the first id')
    await campaignUsing(tenant.id, longer!.id, 'running', 'Usa o id mais longo')

    const usage = await runInTenant(tenant.id, () => templateUsage(first.id))
    assert.lengthOf(usage.active, 0)
    assert.lengthOf(usage.ended, 0)
    const longerUsage = await runInTenant(tenant.id, () => templateUsage(longer!.id))
    assert.deepEqual(
      longerUsage.active.map((campaign) => campaign.name),
      ['Usa o id mais longo']
    )
  })

  test('edit page lists the campaigns using it', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const template = await createTemplate(tenant.id, 'Listado')
    await campaignUsing(tenant.id, template.id, 'paused', 'Pausada')
    await campaignUsing(tenant.id, template.id, 'finished', 'Concluída')

    const page = await client
      .get(`/templates/${template.id}`)
      .loginAs(owner)
      .headers(INERTIA_HEADERS)

    const usage = page.body().props.template.usage
    assert.deepEqual(
      usage.active.map((campaign: { name: string }) => campaign.name),
      ['Pausada']
    )
    assert.deepEqual(
      usage.ended.map((campaign: { name: string }) => campaign.name),
      ['Concluída']
    )
  })

  test('api rejects deleting a template in use', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write', { createdBy: owner.id })
    const template = await createTemplate(tenant.id, 'Pela API')
    await campaignUsing(tenant.id, template.id, 'scheduled', 'Agendada')

    const rejected = await apiRequest(client, 'DELETE', `/api/v1/templates/${template.id}`, plain)

    rejected.assertStatus(409)
    const [entry] = rejected.body().errors
    assert.equal(entry.code, 'E_TEMPLATE_IN_USE')
    assert.include(entry.message, '"Agendada"')
    assert.isNotNull(await findTemplate(tenant.id, template.id))
  })
})
