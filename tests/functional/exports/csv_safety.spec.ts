import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import { parse } from 'csv-parse/sync'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import Campaign from '#models/campaign'
import ChannelInstance from '#models/channel_instance'
import Contact from '#models/contact'
import ContactImport from '#models/contact_import'
import ContactTag from '#models/contact_tag'
import { runInTenant } from '#tenancy/tenant_context'
import { createOutboundMessage } from '#services/channels/message_service'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createPublishedCampaign } from '#tests/helpers/campaigns'
import { seedCampaignTraffic } from '#tests/helpers/reports'
import { exportRecords } from '#tests/helpers/exports'
import { uniqueMobile } from '#tests/helpers/inbox'
import AuditEntry from '../../../plugins/audit/models/audit_entry.js'

/** Texts a spreadsheet would run as a formula, or that start with a control character. */
const FORMULAS = {
  equals: '=HYPERLINK("http://127.0.0.1:9/","open")',
  plus: '+1+cmd',
  minus: '-2+3',
  at: '@SUM(1+1)',
  tab: '\t=1+1',
  carriageReturn: '\r=1+1',
}

/** Text with the separators and quotes a cell must keep inside quotes. */
const AWKWARD = 'Silva; Ana "Aninha"\nsegunda linha'

/** Fetches a CSV export and returns its raw text and its parsed rows. */
async function download(client: ApiClient, url: string, user: User) {
  const response = await client.get(url).loginAs(user)
  response.assertStatus(200)
  const text = response.text().replace(/^\uFEFF/, '')
  const rows = parse(text, { columns: true, relax_column_count: true }) as Record<string, string>[]
  return { text, rows }
}

/** A cell that starts a formula, unless it is only a phone number, which has nothing to run. */
const FORMULA_CELL = /^(?!\+\d+$)[=+\-@\t\r]/

/** Fails on any cell a spreadsheet would read as a formula. */
function assertNoFormulas(assert: any, rows: Record<string, string>[], url: string) {
  for (const row of rows) {
    for (const [column, cell] of Object.entries(row)) {
      assert.notMatch(cell, FORMULA_CELL, `${url}: column ${column} starts a formula: ${cell}`)
    }
  }
}

/** Fetches a CSV export and returns its text with the byte order mark and its header line. */
async function downloadRaw(client: ApiClient, url: string, user: User) {
  const response = await client.get(url).loginAs(user)
  response.assertStatus(200)
  const text = response.text()
  return { text, header: text.split('\r\n')[0] }
}

/** Checks that `cell` is `value` with the leading apostrophe that defuses it. */
function assertDefused(assert: any, cell: string | undefined, value: string) {
  assert.equal(cell, `'${value}`)
}

test.group('CSV exports', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('contacts export defuses formulas and quotes separators', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await runInTenant(tenant.id, async () => {
      const contact = await Contact.create({
        name: FORMULAS.equals,
        phone: uniqueMobile(),
        email: FORMULAS.at,
        city: FORMULAS.minus,
        timezone: 'America/Sao_Paulo',
        consent: 'opted_in',
      })
      await ContactTag.create({ contactId: contact.id, name: FORMULAS.plus })
      await Contact.create({
        name: AWKWARD,
        phone: uniqueMobile(),
        city: FORMULAS.tab,
        timezone: 'America/Sao_Paulo',
        consent: 'opted_in',
      })
    })

    const url = '/contacts/export.csv'
    const { text } = await download(client, url, owner)
    const rows = exportRecords(text, 'contacts').records
    assert.lengthOf(rows, 2)
    assertNoFormulas(assert, rows, url)
    const risky = rows.find((row) => row.name.includes('HYPERLINK'))!
    assertDefused(assert, risky.name, FORMULAS.equals)
    assertDefused(assert, risky.email, FORMULAS.at)
    assertDefused(assert, risky.city, FORMULAS.minus)
    assertDefused(assert, risky.tags, FORMULAS.plus)
    const awkward = rows.find((row) => row.name.startsWith('Silva'))!
    assert.equal(awkward.name, AWKWARD)
    assert.include(text, '"Silva; Ana ""Aninha""\nsegunda linha"')
  })

  test('campaign messages export quotes semicolons', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createPublishedCampaign(tenant.id)
    await runInTenant(tenant.id, async () => {
      const instance = await ChannelInstance.create({
        name: 'Exports',
        channel: 'sandbox',
        status: 'open',
      })
      for (const name of ['Souza; Bia', FORMULAS.carriageReturn]) {
        const contact = await Contact.create({
          name,
          phone: uniqueMobile(),
          timezone: 'America/Sao_Paulo',
          consent: 'opted_in',
        })
        await createOutboundMessage({
          instance,
          address: contact.phone,
          body: 'Oi',
          contactId: contact.id,
          campaignId: campaign.id,
          nodeId: 'hello',
        })
      }
    })

    const url = `/campaigns/${campaign.id}/messages.csv`
    const { text } = await download(client, url, owner)
    const rows = exportRecords(text, 'campaign_messages').records
    assertNoFormulas(assert, rows, url)
    assert.include(text, ',"Souza; Bia",')
    assert.sameMembers(
      rows.map((row) => row.contact_name),
      ['Souza; Bia', `'${FORMULAS.carriageReturn}`]
    )
  })

  test('audit export defuses formulas', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await AuditEntry.create({
      tenantId: tenant.id,
      action: 'campaign.started',
      actorLabel: FORMULAS.equals,
      targetType: 'campaign',
      targetId: FORMULAS.minus,
      ipAddress: FORMULAS.at,
    })

    const url = '/plugins/audit/entries.csv?action=campaign.started'
    const { rows } = await download(client, url, owner)
    assert.lengthOf(rows, 1)
    assertNoFormulas(assert, rows, url)
    assertDefused(assert, rows[0].actor, FORMULAS.equals)
    assertDefused(assert, rows[0].targetId, FORMULAS.minus)
  })

  test('import report defuses formulas', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const reportKey = `imports/${tenant.id}/csv-safety-${Date.now()}-report.jsonl`
    const entries = [
      { row: 2, status: 'rejected', name: FORMULAS.equals, phone: FORMULAS.at, messages: [] },
      { row: 3, status: 'created', name: AWKWARD, phone: '+5511987650001', messages: [] },
    ]
    await drive.use().put(reportKey, entries.map((entry) => JSON.stringify(entry)).join('\n'))
    const contactImport = await runInTenant(tenant.id, () =>
      ContactImport.create({
        fileName: 'people.csv',
        fileKey: `imports/${tenant.id}/people.csv`,
        fileSize: 10,
        encoding: 'utf-8',
        delimiter: ',',
        status: 'finished',
        mapping: [],
        options: { duplicates: 'skip', tags: [], listIds: [] },
        reportKey,
      })
    )

    const url = `/contacts/imports/${contactImport.id}/report.csv`
    const response = await client.get(url).loginAs(owner)
    response.assertStatus(200)
    const text = response.text().replace(/^\uFEFF/, '')
    const rows = parse(text) as string[][]
    assert.lengthOf(rows, 3)
    const cells = rows.slice(1).flat()
    for (const cell of cells) {
      assert.notMatch(cell, FORMULA_CELL, `${url}: a cell starts a formula: ${cell}`)
    }
    assert.equal(rows[1][2], `'${FORMULAS.equals}`)
    assert.equal(rows[1][3], `'${FORMULAS.at}`)
    assert.equal(rows[2][2], AWKWARD)
    assert.include(text, '"Silva; Ana ""Aninha""\nsegunda linha"')
  })

  test('report exports defuse formulas in names', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { campaign, instance } = await runInTenant(tenant.id, () =>
      seedCampaignTraffic(tenant.id, ['delivered'])
    )
    await runInTenant(tenant.id, async () => {
      await Campaign.query().where('id', campaign.id).update({ name: FORMULAS.equals })
      await ChannelInstance.query().where('id', instance.id).update({ name: FORMULAS.at })
    })

    for (const report of ['campaigns', 'instances']) {
      const url = `/plugins/reports/campaigns/export?report=${report}`
      const { rows } = await download(client, url, owner)
      assert.lengthOf(rows, 1)
      assertNoFormulas(assert, rows, url)
    }
    const campaignUrl = `/plugins/reports/campaigns/${campaign.id}/export?report=instances`
    const { rows } = await download(client, campaignUrl, owner)
    assertNoFormulas(assert, rows, campaignUrl)
    assertDefused(assert, rows[0].Connection, FORMULAS.at)
  })

  test('phone numbers export unchanged', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const phone = uniqueMobile()
    await runInTenant(tenant.id, () =>
      Contact.create({
        name: 'Ana',
        phone,
        city: '+55 11 call me',
        timezone: 'America/Sao_Paulo',
        consent: 'opted_in',
      })
    )

    const { text } = await download(client, '/contacts/export.csv', owner)
    const rows = exportRecords(text, 'contacts').records
    assert.equal(rows[0].phone, phone)
    assertDefused(assert, rows[0].city, '+55 11 call me')
  })

  test('exports follow the reader language', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createPublishedCampaign(tenant.id)
    const contactImport = await runInTenant(tenant.id, async () => {
      await Contact.create({
        name: 'João; Maria',
        phone: uniqueMobile(),
        city: 'São Paulo',
        timezone: 'America/Sao_Paulo',
        consent: 'opted_in',
      })
      const reportKey = `imports/${tenant.id}/csv-language-${Date.now()}-report.jsonl`
      await drive.use().put(reportKey, JSON.stringify({ row: 2, status: 'created', messages: [] }))
      return ContactImport.create({
        fileName: 'pessoas.csv',
        fileKey: `imports/${tenant.id}/pessoas.csv`,
        fileSize: 10,
        encoding: 'utf-8',
        delimiter: ';',
        status: 'finished',
        mapping: [],
        options: { duplicates: 'skip', tags: [], listIds: [] },
        reportKey,
      })
    })
    const urls = [
      '/contacts/export.csv',
      `/campaigns/${campaign.id}/messages.csv`,
      `/contacts/imports/${contactImport.id}/report.csv`,
      `/plugins/reports/campaigns/${campaign.id}/export?report=funnel`,
      '/plugins/reports/campaigns/export?report=campaigns',
      '/plugins/audit/entries.csv',
    ]

    for (const [locale, separator, other] of [
      ['en', ',', ';'],
      ['pt-BR', ';', ','],
    ]) {
      owner.locale = locale
      await owner.save()
      for (const url of urls) {
        const { text, header } = await downloadRaw(client, url, owner)
        assert.isTrue(text.startsWith('\uFEFF'), `${locale} ${url}: no byte order mark`)
        assert.include(header, separator, `${locale} ${url}: header ${header}`)
        assert.notInclude(header, other, `${locale} ${url}: header ${header}`)
      }
    }

    const { text } = await downloadRaw(client, '/contacts/export.csv', owner)
    const { records: rows, separator } = exportRecords(text, 'contacts')
    assert.equal(separator, ';')
    assert.equal(rows[0].name, 'João; Maria')
    assert.equal(rows[0].city, 'São Paulo')
  })
})
