import { inRetriedTransaction, type Transaction } from '#sdk'
import { dayBucket, hourBucket } from './bucket_keys.js'
import type { CountedStage, StageEvent } from './stages.js'
import { tenantTimeZone } from './tenant_zones.js'

export type { Transaction }

/** The tenant, campaign, instance and flow node whose buckets a count adds to. */
export interface BucketOwner {
  tenantId: number
  /** `null` for a message sent from the inbox or an inbound message. */
  campaignId: number | null
  instanceId: number
  /** The flow node that sent it, `null` outside campaigns. */
  nodeId: string | null
}

/** The message a count belongs to, and where its buckets are. */
export interface CountedMessage extends BucketOwner {
  messageId: number
}

export const BUCKET_KEY = ['tenant_id', 'period', 'bucket', 'campaign_id', 'instance_id', 'node_id']

/**
 * Counts the stages a message reached into its hour and day buckets, each
 * stage at most once per message whatever the number of events that report
 * it. The claim of a stage on the message's mark row and the bucket
 * increments commit together, so a failure counts nothing. Returns the
 * stages counted by this call.
 */
export async function countStages(message: CountedMessage, stages: StageEvent[]) {
  if (stages.length === 0) {
    return []
  }
  const timeZone = await tenantTimeZone(message.tenantId)

  return inCountTransaction(async (trx) => {
    const counted = await claimStages(trx, message, stages)
    await addToBuckets(trx, message, counted, timeZone)
    return counted.map((event) => event.stage)
  })
}

/** Tries of a count in all; InnoDB may pick its transaction as a deadlock victim. */
const DEADLOCK_ATTEMPTS = 5

/**
 * Runs `work` in a transaction, again when InnoDB picks it as a deadlock
 * victim. InnoDB rolls the whole transaction back on a deadlock, so running
 * it again counts each stage at most once, like the first try would have.
 */
export function inCountTransaction<Result>(work: (trx: Transaction) => Promise<Result>) {
  return inRetriedTransaction(work, { attempts: DEADLOCK_ATTEMPTS })
}

/** Reads the message's mark row and locks it until the transaction ends, creating it first if missing. */
async function lockMark(trx: Transaction, message: CountedMessage) {
  const existing = await readMarkForUpdate(trx, message.messageId)
  if (existing) {
    return existing
  }
  // Insert only when the row is missing: an INSERT IGNORE that meets an existing row takes a
  // shared lock, and two transactions that then both ask for FOR UPDATE deadlock on InnoDB.
  await trx
    .table('reports_message_marks')
    .insert({ message_id: message.messageId, ...bucketColumns(message) })
    .onConflict('message_id')
    .ignore()
  return readMarkForUpdate(trx, message.messageId)
}

function readMarkForUpdate(trx: Transaction, messageId: number) {
  return trx.from('reports_message_marks').where('message_id', messageId).forUpdate().first()
}

/**
 * Sets the flags of the stages not counted yet and returns their events.
 * The mark row stays locked until the transaction ends, so a concurrent
 * count of the same message waits and then sees the flags set.
 * Two first counts of one new message at the same instant can deadlock on
 * InnoDB's insert locks; `countStages` then runs the loser again.
 */
async function claimStages(trx: Transaction, message: CountedMessage, stages: StageEvent[]) {
  const mark = await lockMark(trx, message)
  const fresh = stages.filter((event) => !Number(mark?.[event.stage] ?? 0))
  if (fresh.length > 0) {
    await trx
      .from('reports_message_marks')
      .where('message_id', message.messageId)
      .update(Object.fromEntries(fresh.map((event) => [event.stage, 1])))
  }
  return fresh
}

/** Adds one to the hour and day buckets of each event's stage. */
export async function addToBuckets(
  trx: Transaction,
  owner: BucketOwner,
  events: StageEvent[],
  timeZone: string
) {
  const increments = new Map<string, { period: string; bucket: string; counts: Counts }>()
  for (const event of events) {
    for (const [period, bucket] of [
      ['hour', hourBucket(event.at)],
      ['day', dayBucket(event.at, timeZone)],
    ]) {
      const key = `${period}|${bucket}`
      const entry = increments.get(key) ?? { period, bucket, counts: {} }
      entry.counts[event.stage] = (entry.counts[event.stage] ?? 0) + 1
      increments.set(key, entry)
    }
  }

  for (const { period, bucket, counts } of increments.values()) {
    await incrementBucket(trx, { ...bucketColumns(owner), period, bucket }, counts)
  }
}

export type Counts = Partial<Record<CountedStage, number>>

/** Returns the tenant, campaign, instance and node columns of a message's mark and bucket rows. */
export function bucketColumns(owner: BucketOwner) {
  return {
    tenant_id: owner.tenantId,
    campaign_id: owner.campaignId ?? 0,
    instance_id: owner.instanceId,
    node_id: owner.nodeId ?? '',
  }
}

/** Adds `counts` to one bucket row, creating it with those counts when it does not exist. */
async function incrementBucket(trx: Transaction, key: Record<string, unknown>, counts: Counts) {
  const additions = Object.fromEntries(
    Object.entries(counts).map(([stage, amount]) => [stage, trx.raw('?? + ?', [stage, amount])])
  )
  await trx
    .table('reports_buckets')
    .insert({ ...key, ...counts })
    .onConflict(BUCKET_KEY)
    .merge(additions)
}
