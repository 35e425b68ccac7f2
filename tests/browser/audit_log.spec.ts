import { test } from '@japa/runner'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createCampaign } from '#tests/helpers/campaigns'
import ContactList from '#models/contact_list'
import { runInTenant } from '#tenancy/tenant_context'
import AuditEntry from '../../plugins/audit/models/audit_entry.js'

/** Saves a full-page screenshot when SCREENSHOT_DIR is set, to review the page by eye. */
async function capture(page: { screenshot(options: object): Promise<unknown> }, name: string) {
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}.png`, fullPage: true })
  }
}

const LONG_REPLY =
  'Você não vai mais receber nossas mensagens de campanha. Se mudou de ideia, responda ' +
  'VOLTAR nesta conversa e um atendente reativa o seu cadastro assim que possível, ' +
  'em horário comercial, de segunda a sexta-feira.'
const KEYWORDS = ['STOP', 'SAIR', 'PARAR', 'CANCELAR', 'DESCADASTRAR', 'UNSUBSCRIBE']
const FIELD_NAMES = {
  'en': 'Opt-out keywords, Confirmation reply',
  'pt-BR': 'Palavras de descadastro, Resposta de confirmação',
}

/**
 * An entry whose before and after values are long, unbroken JSON keeps the
 * audit table within a 1280 px window, collapsed and expanded, in both
 * languages.
 */
test.group('Audit log page', () => {
  test('long changes stay within 1280 px', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Audit')
    const entry = await AuditEntry.create({
      tenantId: tenant.id,
      action: 'settings.opt_out_changed',
      actorId: owner.id,
      actorLabel: owner.fullName,
      targetType: 'audience_settings',
      targetId: '1',
      ipAddress: '127.0.0.1',
      before: { keywords: KEYWORDS, reply: null },
      after: { keywords: [...KEYWORDS, 'X'.repeat(300)], reply: LONG_REPLY },
    })
    await browserContext.loginAs(owner)

    for (const locale of ['en', 'pt-BR']) {
      owner.locale = locale
      await owner.save()
      const page = await visit('/plugins/audit/entries')
      await page.setViewportSize({ width: 1280, height: 900 })
      const row = page.locator(`[data-test-id="audit-entry-${entry.id}"]`)
      const toggle = page.locator(`[data-test-id="audit-toggle-${entry.id}"]`)
      const diff = page.locator(`[data-test-id="audit-diff-${entry.id}"]`)
      const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth)

      await row.waitFor()
      assert.equal(await diff.count(), 0, locale)
      assert.include(await row.innerText(), FIELD_NAMES[locale as keyof typeof FIELD_NAMES], locale)
      assert.isAtMost(await pageWidth(), 1280, `${locale} collapsed`)
      await capture(page, `audit-log-${locale}`)

      await toggle.click()
      await diff.waitFor()
      assert.include(await diff.innerText(), 'VOLTAR nesta conversa', locale)
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true', locale)
      assert.isAtMost(await pageWidth(), 1280, `${locale} expanded`)
      await capture(page, `audit-log-${locale}-expanded`)
    }
  }).timeout(60_000)

  test('targets and fields in page language', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Audit')
    const campaign = await createCampaign(tenant.id, { name: 'Black Friday' })
    const finished = await AuditEntry.create({
      tenantId: tenant.id,
      action: 'campaign.finished',
      actorId: null,
      actorLabel: null,
      targetType: 'campaign',
      targetId: String(campaign.id),
      ipAddress: null,
      before: null,
      after: { completedJourneys: 12 },
    })
    const imported = await AuditEntry.create({
      tenantId: tenant.id,
      action: 'import.finished',
      actorId: owner.id,
      actorLabel: owner.fullName,
      targetType: 'contact_import',
      targetId: '999999',
      ipAddress: null,
      before: null,
      after: { created: 3 },
    })
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)

    const page = await visit('/plugins/audit/entries')
    await page.setViewportSize({ width: 1280, height: 900 })
    const campaignTarget = page.locator(`[data-test-id="audit-target-${finished.id}"]`)
    await campaignTarget.waitFor()
    assert.equal(await campaignTarget.innerText(), 'Campanha · Black Friday')
    assert.equal(
      await page.locator(`[data-test-id="audit-target-${imported.id}"]`).innerText(),
      'Importação de contatos #999999'
    )
    const finishedRow = page.locator(`[data-test-id="audit-entry-${finished.id}"]`)
    assert.include(await finishedRow.innerText(), 'Jornadas concluídas')
    assert.notInclude(await finishedRow.innerText(), 'completedJourneys')
    const options = await page.locator('[data-test-id="filter-target"] option').allInnerTexts()
    assert.includeMembers(options, ['Campanha', 'Importação de contatos'])
    assert.notInclude(options.join(' '), 'contact_import')
    await capture(page, 'audit-log-targets-pt-BR')
  }).timeout(60_000)

  test('changes in words, not JSON', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Audit')
    const list = await runInTenant(tenant.id, () => ContactList.create({ name: 'Clientes VIP' }))
    const entry = (
      action: string,
      before: Record<string, unknown> | null,
      after: Record<string, unknown>
    ) =>
      AuditEntry.create({
        tenantId: tenant.id,
        action,
        actorId: null,
        actorLabel: null,
        targetType: null,
        targetId: null,
        ipAddress: null,
        before,
        after,
      })
    const imported = await entry('import.finished', null, {
      status: 'finished',
      listIds: [list.id],
      created: 1500,
    })
    const connected = await entry(
      'instance.connected',
      { status: 'connecting' },
      { status: 'open', channel: 'whatsapp', reason: null }
    )
    const optedOut = await entry('contact.opted_out', null, { reason: 'keyword', keyword: 'SAIR' })
    const webhook = await entry('webhook.endpoint_created', null, {
      url: 'https://crm.example.com/hook',
      events: ['message:sent', 'contact:opted_out'],
      enabled: true,
    })
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)

    const page = await visit('/plugins/audit/entries')
    await page.setViewportSize({ width: 1280, height: 900 })
    const changes = async (id: number) => {
      await page.locator(`[data-test-id="audit-toggle-${id}"]`).click()
      const diff = page.locator(`[data-test-id="audit-diff-${id}"]`)
      await diff.waitFor()
      return diff.innerText()
    }

    const importChanges = await changes(imported.id)
    assert.include(importChanges, 'Clientes VIP')
    assert.include(importChanges, 'Concluída')
    assert.include(importChanges, '1.500')
    assert.notInclude(importChanges, '"finished"')
    const connectionChanges = await changes(connected.id)
    assert.include(connectionChanges, 'Conectando')
    assert.include(connectionChanges, 'Conectado')
    assert.notInclude(connectionChanges, 'null')
    assert.notInclude(connectionChanges, '"open"')
    const optOutChanges = await changes(optedOut.id)
    assert.include(optOutChanges, 'Respondeu com uma palavra de descadastro')
    assert.include(optOutChanges, 'SAIR')
    assert.notInclude(optOutChanges, '"')
    const webhookChanges = await changes(webhook.id)
    assert.include(webhookChanges, 'message:sent, contact:opted_out')
    assert.include(webhookChanges, 'Sim')
    assert.notInclude(webhookChanges, 'true')
    assert.notInclude(webhookChanges, '[')
    await capture(page, 'audit-log-values-pt-BR')
  }).timeout(60_000)

  test('connection, list and campaign actions', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Audit')
    const campaign = await createCampaign(tenant.id, { name: 'Black Friday' })
    const entry = (action: string, targetType: string, values: Partial<AuditEntry>) =>
      AuditEntry.create({
        tenantId: tenant.id,
        action,
        actorId: owner.id,
        actorLabel: owner.email,
        targetType,
        targetId: '999999',
        ipAddress: '127.0.0.1',
        before: null,
        after: null,
        ...values,
      })
    const deleted = await entry('instance.deleted', 'channel_instance', {
      before: { name: 'Sales', channel: 'whatsapp', accountAddress: '+5511987650001' },
    })
    const listCreated = await entry('list.created', 'contact_list', { after: { name: 'Leads' } })
    const settingsChanged = await entry('campaign.settings_changed', 'campaign', {
      targetId: String(campaign.id),
      after: { settings: ['channelInstanceIds', 'quietHours'] },
    })
    // Per entry: the words of its row, then the words of its changes once expanded.
    const expected = {
      'en': {
        deleted: [
          ['Deleted a connection', 'Connection #999999'],
          ['Number', '+5511987650001'],
        ],
        listCreated: [['Created a contact list', 'Contact list #999999'], ['Leads']],
        settingsChanged: [
          ["Changed a campaign's settings", 'Campaign · Black Friday'],
          ['Settings changed', 'Numbers, Quiet hours'],
        ],
      },
      'pt-BR': {
        deleted: [
          ['Excluiu uma conexão', 'Conexão #999999'],
          ['Número', '+5511987650001'],
        ],
        listCreated: [['Criou uma lista de contatos', 'Lista de contatos #999999'], ['Leads']],
        settingsChanged: [
          ['Alterou as configurações de uma campanha', 'Campanha · Black Friday'],
          ['Configurações alteradas', 'Números, Horário de silêncio'],
        ],
      },
    }
    const rows = { deleted, listCreated, settingsChanged }
    await browserContext.loginAs(owner)

    for (const locale of ['en', 'pt-BR'] as const) {
      owner.locale = locale
      await owner.save()
      const page = await visit('/plugins/audit/entries')
      await page.setViewportSize({ width: 1280, height: 900 })
      for (const [name, row] of Object.entries(rows)) {
        const [rowWords, changeWords] = expected[locale][name as keyof typeof rows]
        const locator = page.locator(`[data-test-id="audit-entry-${row.id}"]`)
        await locator.waitFor()
        const rowText = await locator.innerText()
        for (const words of rowWords) {
          assert.include(rowText, words, `${locale} ${name}`)
        }
        await page.locator(`[data-test-id="audit-toggle-${row.id}"]`).click()
        const diff = page.locator(`[data-test-id="audit-diff-${row.id}"]`)
        await diff.waitFor()
        const diffText = await diff.innerText()
        for (const words of changeWords) {
          assert.include(diffText, words, `${locale} ${name} changes`)
        }
      }
      await capture(page, `audit-log-resources-${locale}`)
    }
  }).timeout(60_000)

  test('phone keeps words whole', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Audit')
    const entry = await AuditEntry.create({
      tenantId: tenant.id,
      action: 'contact.opted_out',
      actorId: owner.id,
      actorLabel: 'operadora.longa@example.com',
      targetType: 'contact',
      targetId: '999999',
      ipAddress: '127.0.0.1',
      before: null,
      after: { reason: 'operator' },
    })
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)

    const page = await visit('/plugins/audit/entries')
    await page.setViewportSize({ width: 390, height: 844 })
    const row = page.locator(`[data-test-id="audit-entry-${entry.id}"]`)
    await row.waitFor()
    const cells = await row.locator('td').evaluateAll((elements) =>
      elements.map((element) => ({
        text: element.textContent!.trim(),
        width: element.clientWidth,
      }))
    )
    for (const cell of cells.filter(({ text }) => text !== '')) {
      // 7rem at 16 px: a cell narrower than that breaks "Descadastrado" into letters.
      assert.isAtLeast(cell.width, 112, cell.text)
    }
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: window.innerWidth,
    }))
    assert.isAtMost(widths.page, widths.window, 'the table widens the page instead of scrolling')
    await capture(page, 'audit-log-phone')
  }).timeout(60_000)
})
