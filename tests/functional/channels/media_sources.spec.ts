import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import { randomUUID } from 'node:crypto'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { validateFlow } from '#flow/flow_validator'
import { createOutboundMessage } from '#services/channels/message_service'
import { validationContextFor } from '#services/campaigns/flow_validation_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createCampaign, graphEdge, graphNode } from '#tests/helpers/campaigns'
import { uniqueMobile } from '#tests/helpers/inbox'

/** Stores a file the way template media is stored, under the tenant's folder. */
async function storedFile(tenantId: number, text: string) {
  const key = `templates/${tenantId}/${randomUUID()}.png`
  await drive.use().put(key, text)
  return key
}

/** Validates a flow whose one send node carries `source` as its media, in the tenant's scope. */
async function mediaProblems(tenantId: number, source: string) {
  const campaign = await createCampaign(tenantId)
  const graph = {
    nodes: [
      graphNode('start', 'start'),
      graphNode('send', 'send', {
        message: { templateId: null, text: 'Veja' },
        media: { source, mimeType: 'image/png', fileName: 'foto.png' },
        instanceId: null,
      }),
    ],
    edges: [graphEdge('start', 'next', 'send')],
  }
  return runInTenant(tenantId, async () => {
    await campaign.refresh()
    const validation = await validateFlow(graph, await validationContextFor(campaign, graph))
    return validation.problems.filter((found) => found.field === 'media.source')
  })
}

test.group('Media sources', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('flow rejects another tenant file', async ({ assert }) => {
    const alpha = await createTenantWithOwner('Alpha')
    const beta = await createTenantWithOwner('Beta')
    const foreign = await storedFile(beta.tenant.id, 'beta secret')

    const problems = await mediaProblems(alpha.tenant.id, foreign)

    assert.lengthOf(problems, 1)
    assert.equal(problems[0].nodeId, 'send')
    assert.equal(problems[0].message, 'flow_nodes.issues.media_source')
    assert.equal(problems[0].values.source, foreign)
  })

  test('flow accepts own files and https', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const own = await storedFile(tenant.id, 'own file')

    assert.lengthOf(await mediaProblems(tenant.id, own), 0)
    assert.lengthOf(await mediaProblems(tenant.id, 'https://example.com/foto.png'), 0)
    assert.lengthOf(await mediaProblems(tenant.id, 'http://example.com/foto.png'), 1)
    assert.lengthOf(await mediaProblems(tenant.id, `templates/${tenant.id}0/x.png`), 1)
  })

  test('flow rejects private media URLs', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()

    for (const url of [
      'https://169.254.169.254/latest/meta-data/foto.png',
      'https://10.0.0.5/foto.png',
      'https://[::1]/foto.png',
      'https://[::ffff:7f00:1]/foto.png',
      'https://localhost/foto.png',
      'https://media.localhost./foto.png',
    ]) {
      const problems = await mediaProblems(tenant.id, url)
      assert.lengthOf(problems, 1, url)
      assert.equal(problems[0].message, 'flow_nodes.issues.media_url_blocked', url)
      assert.equal(problems[0].values.source, url)
    }
    const withUser = await mediaProblems(tenant.id, 'https://ana:x@example.com/foto.png')
    assert.equal(withUser[0].message, 'flow_nodes.issues.media_source')
  })

  test('inbox serves no other tenant file', async ({ client, assert }) => {
    const alpha = await createTenantWithOwner('Alpha')
    const beta = await createTenantWithOwner('Beta')
    const foreign = await storedFile(beta.tenant.id, 'beta secret')
    const own = await storedFile(alpha.tenant.id, 'alpha file')

    const [stolen, kept] = await runInTenant(alpha.tenant.id, async () => {
      const instance = await ChannelInstance.create({
        name: 'Media',
        channel: 'sandbox',
        status: 'closed',
      })
      const send = (source: string) =>
        createOutboundMessage({
          instance,
          address: uniqueMobile(),
          body: null,
          media: { source, mimeType: 'text/plain', fileName: 'nota.txt' },
        })
      return [await send(foreign), await send(own)]
    })

    const rejected = await client.get(`/inbox/messages/${stolen.id}/media`).loginAs(alpha.owner)
    rejected.assertStatus(404)
    assert.notInclude(rejected.text(), 'beta secret')

    const served = await client.get(`/inbox/messages/${kept.id}/media`).loginAs(alpha.owner)
    served.assertStatus(200)
    assert.equal(served.text(), 'alpha file')
  })
})
