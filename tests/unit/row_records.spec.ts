import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Journey from '#models/journey'
import Message from '#models/message'
import { rowReader } from '#services/database/row_records'

/** A journey row as MariaDB returns it, with a joined column the model does not know. */
function journeyRow() {
  return {
    id: 7,
    tenant_id: 3,
    campaign_id: 11,
    contact_id: 42,
    flow_version_id: 5,
    instance_id: 2,
    state: 'waiting',
    node_id: 'wait-1',
    step: 4,
    resume_at: new Date('2025-03-09T07:00:00Z'),
    pending_port: 'next',
    node_state: null,
    visits: '{"send-1":2}',
    reply_message_id: null,
    send_step: null,
    send_after_message_id: null,
    send_message_id: null,
    held: 0,
    end_reason: null,
    ended_at: null,
    created_at: new Date('2025-03-08T12:00:00Z'),
    updated_at: new Date('2025-03-09T06:00:00Z'),
    tenant_timezone: 'America/New_York',
  }
}

test.group('Row records', () => {
  test('read a row as the model reads it', ({ assert }) => {
    const row = journeyRow()
    const record = rowReader(Journey)(row)
    const model = Journey.$createFromAdapterResult(row)!

    for (const attribute of Journey.$columnsDefinitions.keys()) {
      const expected = (model as unknown as Record<string, unknown>)[attribute]
      const actual = (record as Record<string, unknown>)[attribute]
      if (DateTime.isDateTime(expected)) {
        assert.isTrue(DateTime.isDateTime(actual), attribute)
        assert.equal((actual as DateTime).toMillis(), expected.toMillis(), attribute)
      } else {
        assert.deepEqual(actual, expected, attribute)
      }
    }
    assert.deepEqual(record.visits, { 'send-1': 2 })
    assert.isNull(record.nodeState)
    assert.equal(record.resumeAt!.toUTC().toISO(), '2025-03-09T07:00:00.000Z')
    assert.deepEqual(record.$extras, { tenant_timezone: 'America/New_York' })
  })

  test('read text times and JSON as SQLite returns them', ({ assert }) => {
    const record = rowReader(Message)({
      id: 1,
      tenant_id: 3,
      status: 'sent',
      sent_at: '2025-03-09 07:00:00',
      delivered_at: null,
      media: '{"kind":"image","url":"https://example.test/a.png"}',
    })
    assert.equal(record.sentAt!.toFormat('yyyy-MM-dd HH:mm:ss'), '2025-03-09 07:00:00')
    assert.isNull(record.deliveredAt)
    assert.deepEqual(record.media as unknown, { kind: 'image', url: 'https://example.test/a.png' })
    assert.notProperty(record, 'readAt')
  })

  test('give each row an object of its own', ({ assert }) => {
    const read = rowReader(Journey)
    const first = read(journeyRow())
    const second = read(journeyRow())
    assert.notStrictEqual(first, second)
    assert.notStrictEqual(first.visits, second.visits)
    assert.notStrictEqual(first.$extras, second.$extras)
  })
})
