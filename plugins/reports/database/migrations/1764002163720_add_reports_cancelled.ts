import { BaseSchema, fromSqlTime } from '#sdk'
import { dayBucket, hourBucket } from '../../services/bucket_keys.js'

/**
 * Counts campaign messages that their campaign's cancel stopped before the
 * send as `cancelled`, apart from `failed`. Such messages counted before
 * this migration have a mark row with no stage flag for their failure, so
 * the migration counts them now into the day and hour of their failure.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('reports_message_marks', (table) => {
      table.boolean('cancelled').notNullable().defaultTo(false)
    })
    this.schema.alterTable('reports_buckets', (table) => {
      table.integer('cancelled').unsigned().notNullable().defaultTo(0)
    })
    this.defer((db) => countEarlierCancels(db))
  }

  /** Plain `DROP COLUMN`s, because knex drops a SQLite column by copying the whole table. */
  async down() {
    this.defer(async (db) => {
      await db.rawQuery('ALTER TABLE reports_buckets DROP COLUMN cancelled')
      await db.rawQuery('ALTER TABLE reports_message_marks DROP COLUMN cancelled')
    })
  }
}

type Client = Parameters<Parameters<BaseSchema['defer']>[0]>[0]

/** Counts the cancelled sends that marks hold without their stage, into the buckets of their marks. */
async function countEarlierCancels(db: Client) {
  const rows = await db
    .from('reports_message_marks')
    .join('messages', 'messages.id', 'reports_message_marks.message_id')
    .join('tenants', 'tenants.id', 'reports_message_marks.tenant_id')
    .where('messages.failure_code', 'E_CAMPAIGN_CANCELLED')
    .whereNotNull('messages.failed_at')
    .where('reports_message_marks.failed', 0)
    .where('reports_message_marks.cancelled', 0)
    .select(
      'reports_message_marks.message_id',
      'reports_message_marks.tenant_id',
      'reports_message_marks.campaign_id',
      'reports_message_marks.instance_id',
      'reports_message_marks.node_id',
      'messages.failed_at',
      'tenants.timezone'
    )
  for (const row of rows) {
    const at = fromSqlTime(row.failed_at)!
    const owner = {
      tenant_id: row.tenant_id,
      campaign_id: row.campaign_id,
      instance_id: row.instance_id,
      node_id: row.node_id,
    }
    for (const [period, bucket] of [
      ['hour', hourBucket(at)],
      ['day', dayBucket(at, row.timezone || 'UTC')],
    ]) {
      await db
        .table('reports_buckets')
        .insert({ ...owner, period, bucket, cancelled: 1 })
        .onConflict(['tenant_id', 'period', 'bucket', 'campaign_id', 'instance_id', 'node_id'])
        .merge({ cancelled: db.raw('?? + 1', ['cancelled']) })
    }
    await db
      .from('reports_message_marks')
      .where('message_id', row.message_id)
      .update({ cancelled: 1 })
  }
}
