import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Campaign from '#models/campaign'
import Contact from '#models/contact'
import ContactImport from '#models/contact_import'
import FlowVersion from '#models/flow_version'
import Message from '#models/message'
import type { ChannelsRole } from '#processes/channels_role'
import type { WorkerRole } from '#processes/worker_role'
import { runInTenant } from '#tenancy/tenant_context'
import { validateFlow } from '#flow/flow_validator'
import { performAction } from '#services/channels/instance_service'
import { validationContextFor } from '#services/campaigns/flow_validation_context'
import { DEMO_CONTACT_FILES, DEMO_NAMES, seedSandboxDemo } from '#services/demo/sandbox_demo'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { startChannelsRole, waitFor, waitForStatus } from '#tests/helpers/channels'
import { startCampaign, startWorkerRole } from '#tests/helpers/engine'

async function countOf(table: string, tenantId: number) {
  const [{ total }] = await db.from(table).where('tenant_id', tenantId).count('* as total')
  return Number(total)
}

/** Rows of each demo table in the tenant. */
async function countsOf(tenantId: number) {
  const tables = [
    'channel_instances',
    'contact_lists',
    'contact_imports',
    'contacts',
    'templates',
    'campaigns',
    'flow_versions',
  ]
  const counts: Record<string, number> = {}
  for (const table of tables) {
    counts[table] = await countOf(table, tenantId)
  }
  return counts
}

function outbound(tenantId: number, campaignId: number, address?: string) {
  return runInTenant(tenantId, () => {
    const query = Message.query().where('campaign_id', campaignId).where('direction', 'out')
    if (address) {
      query.where('address', address)
    }
    return query.orderBy('id')
  })
}

/*
 * No global transaction: the channels and worker roles of the second test
 * run their own transactions and must see the seeded rows.
 */
test.group('Demo seed', (group) => {
  let channels: ChannelsRole
  let worker: WorkerRole
  group.setup(async () => {
    channels = await startChannelsRole()
    worker = await startWorkerRole()
    return async () => {
      await worker.stop()
      await channels.stop()
    }
  })

  test('seeds every piece once', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const seeded = await seedSandboxDemo(owner)
    const first = await countsOf(tenant.id)

    await runInTenant(tenant.id, async () => {
      assert.equal(seeded.instance.channel, 'sandbox')
      assert.equal(seeded.instance.name, DEMO_NAMES.instance)
      assert.isNotNull(seeded.instance.readCredentials())

      const imports = await ContactImport.query().orderBy('id')
      assert.deepEqual(
        imports.map((entry) => entry.fileName),
        DEMO_CONTACT_FILES
      )
      for (const entry of imports) {
        assert.equal(entry.status, 'finished', entry.fileName)
        assert.isAbove(entry.createdCount, 0, entry.fileName)
      }
      const members = await Contact.query().whereHas('lists', (lists) =>
        lists.where('contact_lists.id', seeded.list.id)
      )
      assert.isAbove(members.length, 10)
      assert.equal(members.length, first.contacts)

      const campaign = await Campaign.findOrFail(seeded.campaign.id)
      assert.equal(campaign.state, 'draft')
      assert.deepEqual(campaign.listIds, [seeded.list.id])
      assert.deepEqual(campaign.channelInstanceIds, [seeded.instance.id])
      const version = await FlowVersion.findOrFail(campaign.currentVersionId)
      assert.equal(version.number, 1)
      const validation = await validateFlow(
        version.graph,
        await validationContextFor(campaign, version.graph)
      )
      assert.deepEqual(validation.problems, [])
      const invite = version.graph.nodes.find((entry) => entry.id === 'invite')!
      assert.deepEqual(invite.config.message, { templateId: seeded.template.id, text: null })
    })

    await seedSandboxDemo(owner)
    assert.deepEqual(await countsOf(tenant.id), first)
  }).timeout(60_000)

  test('demo campaign runs and routes a reply', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { instance, campaign } = await seedSandboxDemo(owner)
    const open = await waitForStatus(tenant.id, instance.id, 'open')
    assert.isNull(open.pairing)

    await startCampaign(campaign, owner.id)
    const [invite] = await waitFor(
      async () => {
        const sent = await outbound(tenant.id, campaign.id)
        return sent.some((message) => message.status === 'delivered' || message.status === 'read')
          ? sent.filter((message) => message.status !== 'queued')
          : null
      },
      'the first invitation to be delivered',
      30_000
    )
    assert.include(invite.body!, 'Responda *SIM* ou *NÃO*')

    await runInTenant(tenant.id, () =>
      performAction(instance, 'reply', { from: invite.address, text: 'sim' })
    )
    const answer = await waitFor(
      async () => {
        const messages = await outbound(tenant.id, campaign.id, invite.address)
        return messages.find((message) => message.nodeId === 'confirmed') ?? null
      },
      'the answer to SIM',
      30_000
    )
    assert.include(answer.body!, 'Até sábado')
  }).timeout(90_000)
})
