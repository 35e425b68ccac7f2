import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Template from '#models/template'
import { runInTenant } from '#tenancy/tenant_context'
import { computeProgress } from '#engine/campaign_progress'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { columnTotal, csvRecords } from '#tests/helpers/reports'
import { templateSendFlow } from '#tests/helpers/campaigns'
import { pairedSandbox, waitFor } from '#tests/helpers/channels'
import {
  campaignMessages,
  phoneNumber,
  publishedCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
  waitForCampaignState,
  waitForSends,
} from '#tests/helpers/engine'

test.group('Reports step failures', (group) => {
  useEngineRoles(group)

  test('report agrees with the campaign page', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Reports')
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    // The third contact has no name, so the template's `{{name}}` has no value for them.
    const { listId } = await seedAudience(tenant.id, [
      { phone: phoneNumber(84, 1), name: 'Ana' },
      { phone: phoneNumber(84, 2), name: 'Bia' },
      { phone: phoneNumber(84, 3) },
    ])
    const template = await runInTenant(tenant.id, () =>
      Template.create({ name: 'Saudação', body: 'Oi {{name}}' })
    )
    const campaign = await publishedCampaign(tenant.id, owner.id, templateSendFlow(template.id), {
      listIds: [listId],
      channelInstanceIds: [instance.id],
    })

    await startCampaign(campaign, owner.id)
    await waitForSends(campaign, 2, 'the sends of the contacts with a name')
    await waitForCampaignState(campaign, 'finished')
    await waitFor(async () => {
      const messages = await campaignMessages(campaign)
      return messages.every((message) => message.status === 'read')
    }, 'the two messages to be read')
    await waitFor(async () => {
      const run = await db.from('campaign_runs').where('campaign_id', campaign.id).first()
      return run && Number(run.failed) === 1
    }, 'the stored progress to count the failure')

    // The campaign's figures: its progress totals and its messages page.
    const progress = await runInTenant(tenant.id, () => computeProgress(campaign))
    assert.equal(progress.totals.failed, 1)
    const messagesPage = await client
      .get(`/campaigns/${campaign.id}/messages`)
      .loginAs(owner)
      .headers(INERTIA_HEADERS)
    messagesPage.assertStatus(200)
    const counts = messagesPage.body().props.counts
    assert.equal(counts.failed + counts.failedBeforeSending, progress.totals.failed)
    assert.equal(counts.sent, 2)

    // The report page.
    const reportPage = await client
      .get(`/plugins/reports/campaigns/${campaign.id}`)
      .loginAs(owner)
      .headers(INERTIA_HEADERS)
    reportPage.assertStatus(200)
    const props = reportPage.body().props
    assert.equal(props.funnel.failed, progress.totals.failed)
    assert.equal(props.funnel.sent, counts.sent)
    assert.deepEqual(props.failures, [{ code: 'E_TEMPLATE_RENDER', explained: true, failed: 1 }])
    const hello = props.steps.find((step: { id: string }) => step.id === 'hello')
    assert.equal(hello.failed, 1)
    assert.equal(hello.sent, 2)
    assert.deepEqual(
      props.instances.map((row: { instanceId: number; failed: number }) => [
        row.instanceId,
        row.failed,
      ]),
      [[instance.id, 1]]
    )
    assert.equal(columnTotal(props.daily, 'failed'), 1)
    assert.equal(columnTotal(props.hourly, 'failed'), 1)

    // The report's CSV exports.
    const base = `/plugins/reports/campaigns/${campaign.id}/export?report=`
    const funnel = await csvRecords(client, `${base}funnel`, owner)
    const failedRow = funnel.find((record) => record.Stage === 'Failed')
    assert.equal(Number(failedRow?.Count), progress.totals.failed)
    const failures = await csvRecords(client, `${base}failures`, owner)
    assert.deepEqual(failures, [
      {
        'Failure code': 'E_TEMPLATE_RENDER',
        'Reason':
          'Not sent: the message could not be filled in for the contact, or its template no longer exists.',
        'Failed': '1',
      },
    ])
    const nodes = await csvRecords(client, `${base}nodes`, owner)
    assert.lengthOf(nodes, 1)
    assert.equal(nodes[0].Failed, '1')
    assert.equal(nodes[0].Sent, '2')
    const instances = await csvRecords(client, `${base}instances`, owner)
    assert.equal(columnTotal(instances, 'Failed'), 1)
    assert.equal(columnTotal(await csvRecords(client, `${base}daily`, owner), 'Failed'), 1)
    assert.equal(columnTotal(await csvRecords(client, `${base}hourly`, owner), 'Failed'), 1)
  }).timeout(60_000)
})
