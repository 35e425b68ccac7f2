import { DateTime } from 'luxon'
import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import db from '@adonisjs/lucid/services/db'
import { useSqliteServer } from '#tests/helpers/sqlite_server'
import { signIn } from '#tests/helpers/web_session'
import { waitFor } from '#tests/helpers/channels'

/** Port of the server under test, apart from the suite's own and the other SQLite tests'. */
const PORT = Number(process.env.PORT ?? 3334) + 21
const BASE = `http://127.0.0.1:${PORT}`
const CONNECTION = 'sqlite_campaign'

/**
 * The embedded default runs campaigns on its SQLite file, through the same
 * batched statements as on MariaDB: multi-row inserts that skip existing
 * rows, `CASE` updates and reads by `(journey_id, journey_step)`. This
 * group seeds the demo tenant, starts the web, worker and channels roles in
 * one process and runs the demo campaign's first sends.
 */
test.group('SQLite campaign', (group) => {
  const { demoLoginFile, withServerOutput } = useSqliteServer(group, {
    name: 'campaign',
    port: PORT,
    roles: ['web', 'worker', 'channels'],
    connection: CONNECTION,
    seed: true,
  })

  test('demo campaign sends each contact once', async ({ assert }) => {
    const login = await readFile(demoLoginFile, 'utf8')
    const email = login.match(/e-mail:\s+(\S+)/)![1]
    const password = login.match(/password:\s+(\S+)/)![1]
    const session = await signIn(BASE, email, password)
    const sqlite = db.connection(CONNECTION)

    const campaign = await sqlite.from('campaigns').orderBy('id').firstOrFail()
    // No pace, and the tenant's quiet hours (which the campaign keeps) off, so the sends
    // do not depend on the time of day.
    await sqlite.from('campaigns').where('id', campaign.id).update({
      min_interval_seconds: 0,
      max_interval_seconds: 0,
    })
    await sqlite.from('tenants').where('id', campaign.tenant_id).update({ quiet_hours: null })
    const started = await session.request('POST', `/campaigns/${campaign.id}/start`)
    assert.oneOf(started.status, [200, 302, 303], await started.clone().text())

    const journeys = await withServerOutput(() =>
      waitFor(
        async () => {
          const rows = await sqlite.from('journeys').where('campaign_id', campaign.id)
          const parked = rows.filter((row) => row.state === 'awaiting_reply')
          return rows.length > 0 && parked.length === rows.length ? rows : null
        },
        'every journey to wait for a reply after its first send',
        60_000
      )
    )

    // The enrollment checked SQLite's statistics at once, without waiting for the periodic
    // check, so the first steps read their journeys by key.
    const journeyStatistics = await sqlite.from('sqlite_stat1').where('tbl', 'journeys')
    assert.isAbove(journeyStatistics.length, 0, 'the enrollment left journeys without statistics')

    const messages = await sqlite.from('messages').where('campaign_id', campaign.id)
    assert.lengthOf(messages, journeys.length)
    const steps = new Set(
      messages.map((message) => `${message.journey_id}:${message.journey_step}`)
    )
    assert.equal(steps.size, journeys.length, 'a journey step stored two messages')
    const sends = await sqlite.from('sandbox_sends').whereIn(
      'provider_message_id',
      messages.map((message) => message.provider_message_id)
    )
    assert.lengthOf(sends, messages.length)

    const delivered = await withServerOutput(() =>
      waitFor(
        async () => {
          const rows = await sqlite.from('messages').where('campaign_id', campaign.id)
          return rows.every((row) => ['delivered', 'read'].includes(row.status)) ? rows : null
        },
        'every message to be delivered',
        30_000
      )
    )
    assert.isTrue(delivered.every((message) => message.sent_at !== null))
    const conversations = await sqlite.from('conversations').whereIn(
      'id',
      messages.map((message) => message.conversation_id)
    )
    assert.lengthOf(conversations, messages.length)
    assert.isTrue(
      conversations.every((conversation) =>
        messages.some((message) => message.id === conversation.last_message_id)
      ),
      'a conversation does not show its campaign message as the last one'
    )

    // The dashboard groups the day's messages with SQLite's own date functions.
    const dashboard = await session.props('/')
    const charted = (key: string) =>
      dashboard.days.reduce((sum: number, day: Record<string, number>) => sum + day[key], 0)
    const [stored] = await sqlite
      .from('messages')
      .where('tenant_id', campaign.tenant_id)
      .where('direction', 'out')
      .whereIn('status', ['delivered', 'read'])
      .count('* as total')
    assert.isAtLeast(charted('delivered'), delivered.length)
    assert.equal(charted('delivered'), Number(stored.total))

    // Segments read the message history with SQLite's text timestamps.
    const answering = messages[0]
    await session.json('POST', `/simulator/${answering.instance_id}/reply`, {
      contactId: answering.contact_id,
      text: 'Quero saber mais',
    })
    await withServerOutput(() =>
      waitFor(
        () =>
          sqlite
            .from('messages')
            .where('direction', 'in')
            .where('contact_id', answering.contact_id)
            .first(),
        'the reply',
        30_000
      )
    )
    const count = async (rule: Record<string, unknown>) => {
      const counted = await session.json('POST', '/segments/count', {
        rules: { match: 'all', rules: [rule] },
      })
      return counted.count
    }
    const today = DateTime.utc()
    const day = (offset: number) => today.plus({ days: offset }).toISODate()
    assert.equal(await count({ type: 'replied', op: 'yes', value: campaign.id }), 1)
    assert.equal(await count({ type: 'replied', op: 'yes', value: campaign.id + 1000 }), 0)
    const contacted = new Set(messages.map((message) => message.contact_id)).size
    assert.equal(await count({ type: 'last_contacted', op: 'after', value: day(-1) }), contacted)
    assert.equal(await count({ type: 'last_contacted', op: 'before', value: day(0) }), 0)
    assert.equal(await count({ type: 'last_contacted', op: 'before', value: day(1) }), contacted)
    const [audience] = await sqlite
      .from('contacts')
      .where('tenant_id', campaign.tenant_id)
      .whereNot('consent', 'opted_out')
      .count('* as total')
    assert.equal(await count({ type: 'created', op: 'before', value: day(1) }), audience.total)
    assert.equal(await count({ type: 'created', op: 'after', value: day(0) }), 0)

    // So do the contact list's and the audit log's date filters.
    const [everyone] = await sqlite
      .from('contacts')
      .where('tenant_id', campaign.tenant_id)
      .count('* as total')
    const total = async (path: string) => {
      const props = await session.props(path)
      return props.pagination.total
    }
    const listed = (query: string) => total(`/contacts?${query}`)
    assert.equal(await listed(`createdAfter=${day(0)}`), everyone.total)
    assert.equal(await listed(`createdAfter=${day(1)}`), 0)
    assert.equal(await listed(`createdBefore=${day(-1)}`), 0)
    const audited = (query: string) => total(`/plugins/audit/entries?${query}`)
    assert.isAbove(await audited(`from=${day(0)}`), 0)
    assert.equal(await audited(`from=${day(1)}`), 0)
    assert.equal(await audited(`to=${day(-1)}`), 0)
  }).timeout(120_000)
})
