import { KeyedBatcher } from '#plugins/sdk/batching'
import { inRetriedTransaction, type Transaction } from '#plugins/sdk/transactions'
import { lockRows, updateByCase } from '#services/database/batch_sql'

/** One journey transition: the row changes, applied only while the journey is at `step`. */
export interface TransitionRequest {
  journeyId: number
  campaignId: number
  step: number
  values: Record<string, string | number | null>
  /** The `journey_steps` row written with the change, `null` for none. */
  log: { nodeId: string; port: string | null; createdAt: string } | null
}

/**
 * Transitions of concurrent journey jobs, applied together: one batch is
 * one transaction that locks the journeys, updates the ones still at their
 * step with one `UPDATE … CASE` and writes their step rows with one
 * multi-row insert. Resolves with the requests that applied.
 */
const batches = new KeyedBatcher<number, TransitionRequest, Set<TransitionRequest>>(
  (_key, requests) => inRetriedTransaction((trx) => applyTransitions(trx, requests))
)

/**
 * Applies one transition together with the concurrent ones (see `batches`).
 * Returns `false` when the journey is no longer at the request's step or
 * has ended, because another job moved it first.
 */
export async function applyTransition(request: TransitionRequest) {
  const applied = await batches.add(0, request)
  return applied.has(request)
}

async function applyTransitions(trx: Transaction, requests: TransitionRequest[]) {
  const ids = [...new Set(requests.map((request) => request.journeyId))].sort((a, b) => a - b)
  // Lock the rows in id order until the commit, so two batches never apply one step twice.
  const rows = await lockRows(trx, 'journeys', ids, null, ['id', 'step', 'state'])
  const current = new Map(rows.map((row) => [Number(row.id), row]))

  const applied = new Set<TransitionRequest>()
  const moved = new Set<number>()
  for (const request of requests) {
    const row = current.get(request.journeyId)
    const atStep = row && Number(row.step) === request.step && row.state !== 'ended'
    if (atStep && !moved.has(request.journeyId)) {
      moved.add(request.journeyId)
      applied.add(request)
    }
  }
  if (applied.size === 0) {
    return applied
  }

  await updateByCase(
    trx,
    'journeys',
    new Map([...applied].map((request) => [request.journeyId, request.values]))
  )
  const logs = [...applied].filter((request) => request.log !== null)
  if (logs.length > 0) {
    await trx.table('journey_steps').multiInsert(
      logs.map((request) => ({
        journey_id: request.journeyId,
        campaign_id: request.campaignId,
        step: request.step,
        node_id: request.log!.nodeId,
        port: request.log!.port,
        created_at: request.log!.createdAt,
      }))
    )
  }
  return applied
}
