import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ApiClient } from '@japa/api-client'
import Campaign from '#models/campaign'
import Flow from '#models/flow'
import FlowVersion from '#models/flow_version'
import Template from '#models/template'
import type User from '#models/user'
import { FlowInvalidException } from '#flow/flow_compiler'
import { runInTenant } from '#tenancy/tenant_context'
import { publishDraft } from '#services/campaigns/flow_publisher'
import { deletionHooks, templateIdsOf } from '#services/templates/template_usage'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createCampaign, templateSendFlow } from '#tests/helpers/campaigns'

/** Saves a draft that sends the template and publishes it. Resolves with the publish's error, or `null`. */
async function publishWithTemplate(campaign: Campaign, templateId: number, userId: number) {
  try {
    await runInTenant(campaign.tenantId, async () => {
      const flow = await Flow.findByOrFail('campaign_id', campaign.id)
      flow.graph = templateSendFlow(templateId)
      await flow.save()
      await publishDraft(await Campaign.findOrFail(campaign.id), userId)
    })
    return null
  } catch (error) {
    return error as Error
  }
}

function deleteTemplate(client: ApiClient, owner: User, templateId: number) {
  return client.delete(`/templates/${templateId}`).loginAs(owner).withCsrfToken().redirects(0)
}

/** Whether a published version of the campaign sends the template. */
async function publishedWith(campaign: Campaign, templateId: number) {
  const versions = await runInTenant(campaign.tenantId, () =>
    FlowVersion.query().where('campaign_id', campaign.id)
  )
  return versions.some((version) => templateIdsOf(version.graph).has(templateId))
}

test.group('Template deletion during publish', (group) => {
  group.each.teardown(() => {
    deletionHooks.afterUsageCheck = undefined
  })

  test('deletion first rejects the publish', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const template = await runInTenant(tenant.id, () =>
      Template.create({ name: 'Oferta', body: 'Oi {{name|cliente}}' })
    )
    const campaign = await createCampaign(tenant.id)
    let publishing: Promise<Error | null> | undefined
    deletionHooks.afterUsageCheck = async () => {
      deletionHooks.afterUsageCheck = undefined
      // The check found no campaign using the template; a publish that names it starts now.
      publishing = publishWithTemplate(campaign, template.id, owner.id)
      await sleep(500)
    }

    const response = await deleteTemplate(client, owner, template.id)

    response.assertStatus(302)
    assert.isNull(await runInTenant(tenant.id, () => Template.find(template.id)))
    const error = await publishing!
    assert.instanceOf(error, FlowInvalidException)
    const problems = (error as FlowInvalidException).problems
    assert.deepEqual(
      problems.map((item) => [item.code, item.nodeId, item.values.id]),
      [['template_missing', 'hello', template.id]]
    )
    assert.include(error!.message, 'hello')
    assert.isFalse(await publishedWith(campaign, template.id))
  }).timeout(20_000)

  test('concurrent runs never publish a deleted template', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    for (let round = 0; round < 15; round++) {
      const template = await runInTenant(tenant.id, () =>
        Template.create({ name: `Oferta ${round}`, body: 'Oi {{name|cliente}}' })
      )
      const campaign = await createCampaign(tenant.id)

      const [publishError, deletion] = await Promise.all([
        publishWithTemplate(campaign, template.id, owner.id),
        deleteTemplate(client, owner, template.id),
      ])

      deletion.assertStatus(302)
      const kept = await runInTenant(tenant.id, () => Template.find(template.id))
      const published = await publishedWith(campaign, template.id)
      if (published) {
        assert.isNull(publishError, `round ${round}`)
        assert.isNotNull(kept, `round ${round}: published with a deleted template`)
        assert.isNull(kept!.archivedAt, `round ${round}: published with an archived template`)
      } else {
        assert.instanceOf(publishError, FlowInvalidException, `round ${round}`)
        assert.isNull(kept, `round ${round}: neither the publish nor the deletion won`)
      }
    }
  }).timeout(60_000)
})
