import { KeyedBatcher } from '#sdk'
import { dayBucket, hourBucket } from './bucket_keys.js'
import {
  BUCKET_KEY,
  bucketColumns,
  inCountTransaction,
  type CountedMessage,
  type Counts,
  type Transaction,
} from './counter_store.js'
import { readMessageStages } from './message_stages.js'
import { addFailureReasons, type CountedFailure } from './failure_counting.js'
import { DEFAULT_FAILURE_CODE, type CountedStage, type StageEvent } from './stages.js'
import { tenantTimeZone } from './tenant_zones.js'

interface FreshStages {
  message: CountedMessage
  events: StageEvent[]
  failureCode: string | null
}

/** Concurrent counts of one tenant's messages, gathered into one transaction per flush. */
const batcher = new KeyedBatcher<number, number, void>((tenantId, messageIds) =>
  countMessages(tenantId, [...new Set(messageIds)])
)

/**
 * Counts every stage the message's row shows, each once whatever the
 * events repeat, together with the counts of the tenant's other messages
 * requested at the same time. Resolves once the count is committed.
 */
export function countMessageStages(tenantId: number, messageId: number) {
  return batcher.add(tenantId, messageId)
}

/**
 * Counts the stages of many messages of one tenant with a fixed number of
 * statements: one read of the messages, then one transaction that locks
 * their mark rows (creating the missing ones), sets the flags of the stages
 * not counted yet and adds them to the buckets with one multi-row upsert,
 * and the new failures to the breakdown by reason.
 */
async function countMessages(tenantId: number, messageIds: number[]) {
  const read = await readMessageStages(tenantId, messageIds)
  const found = read
    .filter((entry) => entry.stages.length > 0)
    .sort((a, b) => a.message.messageId - b.message.messageId)
  if (found.length === 0) {
    return
  }
  const timeZone = await tenantTimeZone(tenantId)

  await inCountTransaction(async (trx) => {
    const marks = await lockMarks(
      trx,
      found.map((entry) => entry.message)
    )
    const fresh = found
      .map(({ message, stages, failureCode }) => {
        const mark = marks.get(message.messageId)
        const events = stages.filter((event) => !Number(mark?.[event.stage] ?? 0))
        return { message, events, failureCode }
      })
      .filter((entry) => entry.events.length > 0)
    await setFlags(trx, fresh)
    await addToBuckets(trx, fresh, timeZone)
    await addFailureReasons(trx, tenantId, failuresOf(fresh), timeZone)
  })
}

/** Lists the failures among the fresh stages, with their campaign, failure code and time. */
function failuresOf(fresh: FreshStages[]): CountedFailure[] {
  return fresh.flatMap(({ message, events, failureCode }) => {
    const failed = events.find((event) => event.stage === 'failed')
    if (!failed) {
      return []
    }
    return [
      { campaignId: message.campaignId, code: failureCode ?? DEFAULT_FAILURE_CODE, at: failed.at },
    ]
  })
}

function readMarksForUpdate(trx: Transaction, messageIds: number[]) {
  return trx
    .from('reports_message_marks')
    .whereIn('message_id', messageIds)
    .orderBy('message_id')
    .forUpdate()
}

/**
 * Locks the messages' mark rows until the transaction ends, creating the
 * missing ones first, and returns them by message id. Rows that exist are
 * locked before any insert, because an INSERT IGNORE that meets an existing
 * row takes a shared lock, and two transactions that then both ask for
 * FOR UPDATE deadlock on InnoDB.
 */
async function lockMarks(trx: Transaction, messages: CountedMessage[]) {
  const marks = new Map<number, Record<string, unknown>>()
  const ids = messages.map((message) => message.messageId)
  for (const row of await readMarksForUpdate(trx, ids)) {
    marks.set(Number(row.message_id), row)
  }
  const missing = messages.filter((message) => !marks.has(message.messageId))
  if (missing.length === 0) {
    return marks
  }

  await trx
    .table('reports_message_marks')
    .multiInsert(
      missing.map((message) => ({ message_id: message.messageId, ...bucketColumns(message) }))
    )
    .onConflict('message_id')
    .ignore()
  const created = await readMarksForUpdate(
    trx,
    missing.map((message) => message.messageId)
  )
  for (const row of created) {
    marks.set(Number(row.message_id), row)
  }
  return marks
}

/** Sets the flags of the fresh stages, with one UPDATE per distinct set of stages. */
async function setFlags(trx: Transaction, fresh: FreshStages[]) {
  const byStages = new Map<string, { stages: CountedStage[]; ids: number[] }>()
  for (const { message, events } of fresh) {
    const stages = events.map((event) => event.stage).sort()
    const key = stages.join(',')
    const group = byStages.get(key) ?? { stages, ids: [] }
    group.ids.push(message.messageId)
    byStages.set(key, group)
  }
  for (const { stages, ids } of byStages.values()) {
    await trx
      .from('reports_message_marks')
      .whereIn('message_id', ids)
      .update(Object.fromEntries(stages.map((stage) => [stage, 1])))
  }
}

/** Adds the fresh stages to their hour and day buckets with one multi-row upsert. */
async function addToBuckets(trx: Transaction, fresh: FreshStages[], timeZone: string) {
  const rows = new Map<string, { key: Record<string, string | number>; counts: Counts }>()
  const stages = new Set<CountedStage>()
  for (const { message, events } of fresh) {
    for (const event of events) {
      stages.add(event.stage)
      for (const [period, bucket] of [
        ['hour', hourBucket(event.at)],
        ['day', dayBucket(event.at, timeZone)],
      ]) {
        const key = { ...bucketColumns(message), period, bucket }
        const id = BUCKET_KEY.map((column) => key[column as keyof typeof key]).join('|')
        const row = rows.get(id) ?? { key, counts: {} as Counts }
        row.counts[event.stage] = (row.counts[event.stage] ?? 0) + 1
        rows.set(id, row)
      }
    }
  }
  if (rows.size === 0) {
    return
  }

  // Rows in key order, so two transactions lock shared buckets in the same order.
  const ordered = [...rows.entries()].sort(([a], [b]) => compareKeys(a, b))
  const counted = [...stages].sort()
  const columns = [...BUCKET_KEY, ...counted]
  const values = ordered.flatMap(([, row]) => [
    ...BUCKET_KEY.map((column) => row.key[column]),
    ...counted.map((stage) => row.counts[stage] ?? 0),
  ])
  await trx.rawQuery(upsertSql(trx, columns, counted, ordered.length), values)
}

function compareKeys(a: string, b: string) {
  if (a === b) {
    return 0
  }
  return a < b ? -1 : 1
}

/**
 * Builds the multi-row INSERT of bucket rows that adds to rows already
 * there: `ON DUPLICATE KEY UPDATE` on MySQL, `ON CONFLICT … DO UPDATE` on SQLite.
 */
function upsertSql(trx: Transaction, columns: string[], stages: string[], rowCount: number) {
  const mysql = trx.dialect.name === 'mysql'
  const quote = (name: string) => (mysql ? `\`${name}\`` : `"${name}"`)
  const placeholders = `(${columns.map(() => '?').join(', ')})`
  const head = `insert into ${quote('reports_buckets')} (${columns.map(quote).join(', ')}) values `
  const rowsSql = new Array(rowCount).fill(placeholders).join(', ')
  const additions = stages.map((stage) =>
    mysql
      ? `${quote(stage)} = ${quote(stage)} + values(${quote(stage)})`
      : `${quote(stage)} = ${quote(stage)} + excluded.${quote(stage)}`
  )
  const tail = mysql
    ? ` on duplicate key update ${additions.join(', ')}`
    : ` on conflict (${BUCKET_KEY.map(quote).join(', ')}) do update set ${additions.join(', ')}`
  return `${head}${rowsSql}${tail}`
}
