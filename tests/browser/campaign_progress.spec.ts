import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { Page } from 'playwright'
import { runInTenant } from '#tenancy/tenant_context'
import { createInstance } from '#services/channels/instance_service'
import { sqlTime } from '#services/channels/sql_time'
import { publishProgress } from '#engine/campaign_progress'
import { applyAction } from '#services/campaigns/campaign_states'
import transmit from '@adonisjs/transmit/services/main'
import { closeRevokedStreams, streamCheckChannel } from '#services/realtime/stream_access'
import { createRedisConnection } from '#queues/redis_connection'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { oneSendFlow, phoneNumber, publishedCampaign, seedAudience } from '#tests/helpers/engine'
import { capture } from '#tests/helpers/browser_pages'

/** Journeys still to send, paced at one a minute on one number: ten minutes left. */
const WAITING_JOURNEYS = 10

/** Inserts a journey at the campaign's send node for each contact, with `columns` on top. */
async function insertJourneys(
  campaign: { id: number; tenantId: number; currentVersionId: number | null },
  instanceId: number,
  contactIds: number[],
  columns: Record<string, unknown>
) {
  if (contactIds.length === 0) {
    return
  }
  await db.table('journeys').insert(
    contactIds.map((contactId) => ({
      tenant_id: campaign.tenantId,
      campaign_id: campaign.id,
      contact_id: contactId,
      flow_version_id: campaign.currentVersionId,
      instance_id: instanceId,
      node_id: 'hello',
      held: false,
      created_at: sqlTime(),
      ...columns,
    }))
  )
}

/**
 * Creates a campaign paced at one send a minute with WAITING_JOURNEYS
 * journeys at its send node, and publishes its progress before the page
 * opens.
 */
async function campaignWithStoredProgress(locale: 'en' | 'pt-BR', replyWaitHours = 0) {
  const { tenant, owner } = await createTenantWithOwner('Progress')
  owner.locale = locale
  await owner.save()
  const instance = await runInTenant(tenant.id, () =>
    createInstance({ name: 'Sales', channel: 'sandbox' })
  )
  const contacts = Array.from({ length: WAITING_JOURNEYS }, (_, index) => ({
    phone: phoneNumber(61, index),
  }))
  const { listId, contactIds } = await seedAudience(tenant.id, contacts)
  const campaign = await publishedCampaign(tenant.id, owner.id, oneSendFlow(), {
    listIds: [listId],
    channelInstanceIds: [instance.id],
    minIntervalSeconds: 60,
    maxIntervalSeconds: 60,
  })

  const waiting = replyWaitHours > 0 ? 1 : 0
  await insertJourneys(campaign, instance.id, contactIds.slice(waiting), {
    state: 'sending',
    step: 1,
  })
  // A journey that waits for a reply until its timeout, hours after the sends end.
  await insertJourneys(campaign, instance.id, contactIds.slice(0, waiting), {
    state: 'awaiting_reply',
    step: 2,
    resume_at: sqlTime(new Date(Date.now() + replyWaitHours * 3_600_000)),
  })
  await runInTenant(tenant.id, () => publishProgress(tenant.id, campaign.id))
  return { owner, campaign }
}

async function openEditor(
  visit: any,
  browserContext: any,
  locale: 'en' | 'pt-BR',
  replyWaitHours = 0
) {
  const { owner, campaign } = await campaignWithStoredProgress(locale, replyWaitHours)
  await browserContext.loginAs(owner)
  const page: Page = await visit(`/campaigns/${campaign.id}/flow`)
  await page.locator('[data-test-id="flow-rates"]').waitFor()
  return page
}

function text(page: Page, testId: string) {
  return page.locator(`[data-test-id="${testId}"]`).innerText()
}

test.group('Campaign progress rates', () => {
  test('editor shows stored rates in English', async ({ visit, browserContext, assert }) => {
    const page = await openEditor(visit, browserContext, 'en')

    assert.include(await text(page, 'flow-totals'), '10 started')
    assert.equal(await text(page, 'flow-rate-sent'), '0 sent a minute')
    assert.equal(await text(page, 'flow-rate-pace'), 'pace 1 a minute')
    assert.equal(await text(page, 'flow-eta'), 'about 10 min left')
  }).timeout(60_000)

  test('editor shows stored rates in Portuguese', async ({ visit, browserContext, assert }) => {
    const page = await openEditor(visit, browserContext, 'pt-BR')

    assert.include(await text(page, 'flow-totals'), '10 iniciados')
    assert.equal(await text(page, 'flow-rate-sent'), '0 enviadas por minuto')
    assert.equal(await text(page, 'flow-rate-pace'), 'ritmo de 1 por minuto')
    assert.equal(await text(page, 'flow-eta'), 'cerca de 10 min restantes')
  }).timeout(60_000)

  test('time left waits for a reply timeout', async ({ visit, browserContext, assert }) => {
    const page = await openEditor(visit, browserContext, 'en', 2)

    assert.equal(await text(page, 'flow-eta'), 'about 2 hr left')
    assert.include(await text(page, 'flow-eta-waits'), 'contacts wait until')
    const help = await page.locator('[data-test-id="flow-eta"]').getAttribute('title')
    assert.include(help, 'at least until the last contact waiting')
    await capture(page, 'flow-eta-waits-en')

    const portuguese = await openEditor(visit, browserContext, 'pt-BR', 2)
    assert.equal(await text(portuguese, 'flow-eta'), 'cerca de 2 h restantes')
    assert.include(await text(portuguese, 'flow-eta-waits'), 'contatos aguardam até')
    await capture(portuguese, 'flow-eta-waits-pt')
  }).timeout(60_000)
})

test.group('Campaign quiet-hours hold', () => {
  test('campaign list shows the quiet-hours hold', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Quiet')
    owner.locale = 'pt-BR'
    await owner.save()
    const instance = await runInTenant(tenant.id, () =>
      createInstance({ name: 'Sales', channel: 'sandbox' })
    )
    const { listId, contactIds } = await seedAudience(
      tenant.id,
      [0, 1, 2].map((index) => ({ phone: phoneNumber(62, index) }))
    )
    const campaign = await publishedCampaign(tenant.id, owner.id, oneSendFlow(), {
      listIds: [listId],
      channelInstanceIds: [instance.id],
    })
    await db.from('campaigns').where('id', campaign.id).update({ state: 'running' })
    // The journeys a quiet period deferred at their send step: waiting, with no port to follow.
    const resumeAt = new Date(Date.now() + 2 * 24 * 3600_000)
    await insertJourneys(campaign, instance.id, contactIds, {
      state: 'waiting',
      step: 2,
      resume_at: sqlTime(resumeAt),
      pending_port: null,
    })
    await runInTenant(tenant.id, () => publishProgress(tenant.id, campaign.id))

    await browserContext.loginAs(owner)
    const page: Page = await visit('/campaigns')
    const hold = page.locator('[data-test-id="campaign-hold"]')
    await hold.waitFor()
    const day = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'medium' }).format(resumeAt)
    assert.include(await hold.innerText(), 'Horário de silêncio: 3 contatos aguardam até')
    assert.include(await hold.innerText(), day)
    const progress = await text(page, 'campaign-progress')
    assert.include(progress, '0 de 3 concluídos · nenhuma mensagem enviada')
    await capture(page, 'campaign-list-quiet-hours-hold')
  }).timeout(60_000)
})

test.group('Campaign flow after the end', () => {
  test('finished campaign shows a final flow', async ({ visit, browserContext, assert }) => {
    const { owner, campaign } = await campaignWithStoredProgress('pt-BR')
    await db.from('campaigns').where('id', campaign.id).update({ state: 'finished' })
    await browserContext.loginAs(owner)
    const page: Page = await visit(`/campaigns/${campaign.id}/flow`)
    await page.locator('[data-test-id="flow-ended"]').waitFor()

    assert.include(await text(page, 'flow-ended'), 'Esta campanha terminou')
    assert.equal(await text(page, 'flow-totals-badge'), 'Final')
    assert.equal(await page.locator('[data-test-id="flow-publish"]').count(), 0)
    await capture(page, 'flow-editor-finished')
  }).timeout(60_000)

  test('cancelled campaign lists what it sent', async ({ visit, browserContext, assert }) => {
    const { owner, campaign } = await campaignWithStoredProgress('en')
    await db.from('campaigns').where('id', campaign.id).update({ state: 'cancelled' })
    await browserContext.loginAs(owner)
    const page: Page = await visit('/campaigns')
    await page.locator('[data-test-id="campaign-progress"]').waitFor()

    assert.include(await text(page, 'campaign-progress'), 'Cancelled after no message')
  }).timeout(60_000)
})

test.group('Campaign list updates', () => {
  test('campaign list follows a pause made elsewhere', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const { owner, campaign } = await campaignWithStoredProgress('en')
    await db.from('campaigns').where('id', campaign.id).update({ state: 'running' })
    await browserContext.loginAs(owner)
    const page: Page = await visit('/campaigns')
    const state = page.locator(
      `[data-test-id="campaign-row-${campaign.id}"] [data-test-id="campaign-state"]`
    )
    assert.equal(await state.innerText(), 'Running')
    // Wait for the page's live channel, then pause as the API would, outside the page.
    await page.waitForTimeout(500)

    await runInTenant(campaign.tenantId, () => applyAction(campaign.id, 'pause', null))
    await page
      .locator(`[data-test-id="campaign-row-${campaign.id}"] [data-test-id="campaign-state"]`, {
        hasText: 'Paused',
      })
      .waitFor({ timeout: 10_000 })
    const resume = page.locator(`[data-test-id="campaign-row-${campaign.id}"] button`, {
      hasText: 'Resume',
    })
    assert.equal(await resume.count(), 1)
  }).timeout(60_000)

  test('{case} member stops receiving changes')
    .with([{ case: 'removed' }, { case: 'signed-out' }, { case: 'removed elsewhere' }])
    .run(async ({ visit, browserContext, assert }, { case: revocation }) => {
      const { owner, campaign } = await campaignWithStoredProgress('en')
      await db.from('campaigns').where('id', campaign.id).update({ state: 'running' })
      const { user, membership } = await addMember(campaign.tenantId, 'viewer')
      await browserContext.loginAs(user)
      const page: Page = await visit('/campaigns')
      const state = page.locator(
        `[data-test-id="campaign-row-${campaign.id}"] [data-test-id="campaign-state"]`
      )
      assert.equal(await state.innerText(), 'Running')
      await page.waitForTimeout(500)

      if (revocation === 'signed-out') {
        // A password change elsewhere signs this session out.
        await db.from('users').where('id', user.id).increment('session_version', 1)
      } else {
        await db.from('memberships').where('id', membership.id).delete()
      }
      if (revocation === 'removed elsewhere') {
        // Another web process removed the member: its request reaches this one through Redis.
        // The page reconnects at once, so look for its stream's uid rather than a count.
        const tenantStreams = () =>
          [...transmit.getManager().getAllSubscribers()]
            .filter(([, channels]) =>
              [...channels].some((channel) => channel.startsWith(`tenants/${campaign.tenantId}/`))
            )
            .map(([stream]) => stream.getUid())
        const [memberStream] = tenantStreams()
        assert.isDefined(memberStream, 'the page follows no channel of its tenant')
        const otherProcess = createRedisConnection('test-other-web-process')
        await otherProcess.publish(streamCheckChannel(), JSON.stringify({ from: 'other' }))
        otherProcess.disconnect()
        let open = true
        for (let waited = 0; waited < 2000 && open; waited += 50) {
          await page.waitForTimeout(50)
          open = tenantStreams().includes(memberStream)
        }
        assert.isFalse(open, "the removed member's stream stayed open")
      } else {
        assert.isAtLeast(await closeRevokedStreams(), 1)
      }
      await runInTenant(campaign.tenantId, () => applyAction(campaign.id, 'pause', owner.id))
      await page.waitForTimeout(2000)

      assert.equal(await state.innerText(), 'Running')
    })
    .timeout(60_000)
})
