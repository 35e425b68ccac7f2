import { test } from '@japa/runner'
import Contact from '#models/contact'
import Conversation from '#models/conversation'
import type { ChannelsRole } from '#processes/channels_role'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'
import { pairedSandbox, startChannelsRole } from '#tests/helpers/channels'
import { createContact, simulateReply } from '#tests/helpers/inbox'
import { createOutboundMessage, storeInbound } from '#services/channels/message_service'
import type ChannelInstance from '#models/channel_instance'

let sequence = 0

/** Stores a message from `contact` on the instance, as the channel would on a reply. */
async function receive(instance: ChannelInstance, contact: Contact, text: string) {
  sequence += 1
  await runInTenant(instance.tenantId, () =>
    storeInbound(instance, {
      providerMessageId: `badges-${Date.now()}-${sequence}`,
      from: contact.phone,
      fromName: null,
      text,
      media: null,
      receivedAt: new Date(),
      inReplyTo: null,
    })
  )
}

/** Stores a message to `contact` on the instance, as a campaign's step would send it. */
function send(instance: ChannelInstance, contact: Contact, text: string) {
  return runInTenant(instance.tenantId, () =>
    createOutboundMessage({ instance, address: contact.phone, body: text, contactId: contact.id })
  )
}

/**
 * The conversation list keeps an opted-out contact's badge whole at every
 * width, phone numbers read the way people write them, and an unread
 * conversation previews the contact's message with its count at the end of
 * the first line.
 */
test.group('Inbox badges and numbers', (group) => {
  let role: ChannelsRole
  group.setup(async () => {
    role = await startChannelsRole()
    return () => role.stop()
  })

  test('opted-out badge whole, phone formatted', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    owner.locale = 'pt-BR'
    await owner.save()
    const instance = await pairedSandbox(tenant.id)
    instance.name = 'Atendimento principal da loja do centro'
    await runInTenant(tenant.id, () => instance.save())
    const contact = await runInTenant(tenant.id, () =>
      Contact.create({
        name: 'Maria Aparecida de Souza Figueiredo',
        phone: '+5531988770003',
        timezone: 'America/Sao_Paulo',
        consent: 'opted_in',
      })
    )
    await simulateReply(instance, contact.phone, 'SAIR')
    contact.consent = 'opted_out'
    await runInTenant(tenant.id, () => contact.save())
    await browserContext.loginAs(owner)

    const page = await visit('/inbox')
    for (const size of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(size)
      const badge = page.locator('[data-test-id="conversation-opted-out"]')
      await badge.waitFor()
      assert.equal(await badge.innerText(), 'Descadastrado')
      const clipped = await badge.evaluate((element) => element.scrollWidth > element.clientWidth)
      assert.isFalse(clipped, `the badge is cut at ${size.width} px`)
      await capture(page, `inbox-badge-${size.width}`)
    }

    await page.setViewportSize({ width: 1280, height: 900 })
    await page.locator('[data-test-id="conversation-row"]').first().click()
    const title = page.locator('.pane-title')
    await title.waitFor()
    assert.include(await title.innerText(), '+55 31 98877 0003')
    assert.notInclude(await title.innerText(), '+5531988770003')
  }).timeout(90_000)

  test('unread row previews the reply', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    const renata = await createContact(tenant.id, 'Renata Dias')
    const otavio = await createContact(tenant.id, 'Otávio Nogueira Albuquerque de Castro')
    const lia = await createContact(tenant.id, 'Lia')
    await send(instance, renata, 'Oi, Renata! Temos novidades para você.')
    await receive(instance, renata, 'Quero saber o preço')
    await send(instance, renata, 'Perfeito, Renata! Já te envio a tabela.')
    await receive(instance, otavio, 'Pode me ligar amanhã?')
    await receive(instance, otavio, 'Depois das 10h')
    await receive(instance, lia, 'Obrigada!')
    await runInTenant(tenant.id, () =>
      Conversation.query().where('address', lia.phone).update({ unread_count: 0 })
    )
    await browserContext.loginAs(owner)

    for (const [locale, you] of [
      ['en', 'You'],
      ['pt-BR', 'Você'],
    ]) {
      owner.locale = locale
      await owner.save()
      const page = await visit('/inbox')
      await page.setViewportSize({ width: 1280, height: 900 })
      const rows = page.locator('[data-test-id="conversation-row"]')
      await rows.first().waitFor()

      const renataRow = rows.filter({ hasText: 'Renata Dias' })
      const preview = await renataRow.locator('[data-test-id="conversation-preview"]').innerText()
      assert.equal(preview, 'Quero saber o preço')
      const liaPreview = rows
        .filter({ hasText: 'Lia' })
        .locator('[data-test-id="conversation-preview"]')
      assert.equal(await liaPreview.innerText(), 'Obrigada!')
      assert.notInclude(preview, you)

      const placements = await rows.evaluateAll((elements) =>
        elements
          .map((row) => {
            const badge = row.querySelector('[data-test-id="conversation-unread"]')
            const top = row.querySelector('.row-top')
            if (!badge || !top) {
              return null
            }
            const badgeBox = badge.getBoundingClientRect()
            const topBox = top.getBoundingClientRect()
            return {
              rightGap: Math.round(topBox.right - badgeBox.right),
              inFirstLine: badgeBox.top >= topBox.top && badgeBox.bottom <= topBox.bottom + 1,
            }
          })
          .filter((placement) => placement !== null)
      )
      assert.lengthOf(placements, 2)
      for (const placement of placements) {
        assert.isTrue(placement!.inFirstLine, 'the unread count is on the first line')
        assert.equal(placement!.rightGap, 0, 'the unread count ends the first line')
      }
      await capture(page, `inbox-unread-preview-${locale}`)
    }
  }).timeout(90_000)
})
