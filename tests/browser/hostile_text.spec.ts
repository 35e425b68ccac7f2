import { test } from '@japa/runner'
import ChannelInstance from '#models/channel_instance'
import ConversationNote from '#models/conversation_note'
import { runInTenant } from '#tenancy/tenant_context'
import { createOutboundMessage, storeInbound } from '#services/channels/message_service'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createPublishedCampaign } from '#tests/helpers/campaigns'
import { createContact, uniqueMobile } from '#tests/helpers/inbox'

/**
 * Texts that contacts and senders could write. The markup sets a flag on
 * `window` when a page renders it as HTML, so the test checks whether any
 * of it ran. `placeholder` holds private-use characters, shown as typed.
 */
const PAYLOADS = {
  contact: '<img src=x onerror="window.__ran=\'contact\'">Ana',
  sender: '<svg onload="window.__ran=\'sender\'"></svg>Stranger',
  text: '*<img src=x onerror="window.__ran=\'text\'">* `<b>` ```<script>window.__ran=1</script>```',
  note: '<iframe srcdoc="<script>parent.__ran=\'note\'</script>"></iframe>',
  placeholder: 'a \uE0000\uE000 b',
}

/** Stores an inbound message from `from` on the instance and returns its conversation id. */
function receive(instance: ChannelInstance, from: string, text: string, fromName: string) {
  return runInTenant(instance.tenantId, async () => {
    const { message } = await storeInbound(instance, {
      providerMessageId: `hostile-${Date.now()}-${Math.random()}`,
      from,
      fromName,
      text,
      media: null,
      receivedAt: new Date(),
      inReplyTo: null,
    })
    return message.conversationId!
  })
}

/**
 * Contacts and senders write whatever they like: their names, texts and
 * the notes about them show as text on the inbox and the messages page,
 * and none of it runs as markup.
 */
test.group('Hostile text', () => {
  test('inbox and messages show markup', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createPublishedCampaign(tenant.id)
    const contact = await createContact(tenant.id, PAYLOADS.contact)
    const instance = await runInTenant(tenant.id, async () => {
      const created = await ChannelInstance.create({
        name: 'Hostile',
        channel: 'sandbox',
        status: 'closed',
      })
      await createOutboundMessage({
        instance: created,
        address: contact.phone,
        body: 'Oferta',
        contactId: contact.id,
        campaignId: campaign.id,
        nodeId: 'hello',
      })
      return created
    })
    const known = await receive(instance, contact.phone, PAYLOADS.text, PAYLOADS.contact)
    await receive(instance, contact.phone, PAYLOADS.placeholder, PAYLOADS.contact)
    const stranger = await receive(instance, uniqueMobile(), 'Oi', PAYLOADS.sender)
    await runInTenant(tenant.id, () =>
      ConversationNote.create({ conversationId: known, userId: owner.id, body: PAYLOADS.note })
    )
    await browserContext.loginAs(owner)

    const page = await visit(`/inbox?conversation=${known}`)
    const pane = page.locator(`[data-test-id="conversation-pane"][data-id="${known}"]`)
    await pane.locator('[data-test-id="inbox-message"]').nth(2).waitFor()
    await page.locator('[data-test-id="notes"]').waitFor()

    assert.include(await pane.innerText(), '<img src=x onerror=')
    assert.include(await pane.innerText(), '<script>window.__ran=1</script>')
    assert.include(await pane.innerText(), 'a \uE0000\uE000 b')
    assert.include(await page.locator('[data-test-id="notes"]').innerText(), '<iframe srcdoc=')
    assert.include(await page.locator('[data-test-id="conversation-side"]').innerText(), 'Ana')
    assert.include(await page.locator('body').innerText(), '<svg onload=')
    assert.equal(await pane.locator('img, script, iframe, svg').count(), 0)

    const strangerRow = page.locator(`[data-test-id="conversation-row"][data-id="${stranger}"]`)
    await strangerRow.click()
    const strangerPane = page.locator(`[data-test-id="conversation-pane"][data-id="${stranger}"]`)
    await strangerPane.waitFor()
    assert.include(await strangerPane.innerText(), '<svg onload=')
    assert.isUndefined(await page.evaluate(() => (window as any).__ran))

    const messages = await visit(`/campaigns/${campaign.id}/messages`)
    const table = messages.locator('[data-test-id="messages-table"]')
    await table.waitFor()
    assert.include(await table.innerText(), '<img src=x onerror=')
    assert.equal(await table.locator('img').count(), 0)

    assert.isUndefined(await messages.evaluate(() => (window as any).__ran))
  }).timeout(60_000)

  test('long names keep pages in the window', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const contact = await createContact(tenant.id, 'Bia')
    const instance = await runInTenant(tenant.id, () =>
      ChannelInstance.create({ name: 'X'.repeat(120), channel: 'sandbox', status: 'open' })
    )
    await receive(instance, contact.phone, 'Oi', 'Bia')
    await browserContext.loginAs(owner)

    for (const path of ['/campaigns/new', '/inbox']) {
      const page = await visit(path)
      await page.waitForLoadState('networkidle')
      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        window: window.innerWidth,
      }))
      assert.isAtMost(widths.page, widths.window, `${path} is wider than the window`)
    }
  })
})
