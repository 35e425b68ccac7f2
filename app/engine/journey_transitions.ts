import type { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type { JourneyRecord } from '#models/journey'
import Message from '#models/message'
import { sqlTime } from '#services/channels/sql_time'
import { engineNow } from '#engine/clock'
import { enqueueJourneyJob, getJourneyJob, type JourneyJobData } from '#engine/engine_queues'
import { requestProgress } from '#engine/campaign_progress'
import { checkFinished } from '#engine/campaign_finish'
import type { StepContext } from '#engine/step_context'
import { restoreSend } from '#engine/journey_sender'
import { applyTransition } from '#engine/transition_batch'

/**
 * The row changes of one journey transition, applied only while the
 * journey is still at the step the job is for. `extra` narrows the update
 * further, such as "no reply claimed yet" for a reply timeout; the other
 * transitions are applied in batches with the concurrent ones.
 */
async function transition(
  step: StepContext,
  values: Record<string, string | number | null>,
  log: { nodeId: string; port: string | null } | null,
  extra?: (query: any) => void
) {
  const { journey, data, now } = step
  const changes = { ...values, updated_at: sqlTime(now) }
  if (!extra) {
    return applyTransition({
      journeyId: journey.id,
      campaignId: journey.campaignId,
      step: data.step,
      values: changes,
      log: log && { ...log, createdAt: sqlTime(now) },
    })
  }
  return db.transaction(async (trx) => {
    const query = trx
      .from('journeys')
      .where('id', journey.id)
      .where('step', data.step)
      .whereNot('state', 'ended')
    extra(query)
    const updated = await query.update(changes)
    if (Number(updated) !== 1) {
      return false
    }
    if (log) {
      await trx.table('journey_steps').insert({
        journey_id: journey.id,
        campaign_id: journey.campaignId,
        step: data.step,
        node_id: log.nodeId,
        port: log.port,
        created_at: sqlTime(now),
      })
    }
    return true
  })
}

const CLEARED = {
  resume_at: null,
  pending_port: null,
  node_state: null,
  reply_message_id: null,
  send_step: null,
  send_after_message_id: null,
  send_message_id: null,
}

function baseJob(step: StepContext, nodeId: string, nextStep: number): JourneyJobData {
  return {
    tenantId: step.journey.tenantId,
    campaignId: step.journey.campaignId,
    journeyId: step.journey.id,
    step: nextStep,
    nodeId,
    phase: 'run',
  }
}

/**
 * Leaves the current node through `port`: on to the next node's step, or
 * the end of the journey when the port is unconnected or the next node's
 * visit limit is reached. Returns `false` when another job moved the
 * journey first.
 */
export async function followPort(step: StepContext, port: string, extra?: (query: any) => void) {
  const { journey, plan } = step
  const node = plan.nodes[journey.nodeId]
  const nextId = node?.next[port]
  if (nextId === undefined) {
    logger.warn(
      { journeyId: journey.id, nodeId: journey.nodeId, port },
      'node decided an unknown port'
    )
  }
  if (!nextId) {
    return endJourney(step, nextId === undefined ? 'unknown_port' : 'completed', port, extra)
  }

  const visits = { ...journey.visits, [nextId]: (journey.visits[nextId] ?? 0) + 1 }
  const limit = plan.nodes[nextId].maxVisits
  if (limit !== null && visits[nextId] > limit) {
    return endJourney(step, 'visit_limit', port, extra)
  }

  const moved = await transition(
    step,
    {
      ...CLEARED,
      state: 'active',
      node_id: nextId,
      step: step.data.step + 1,
      visits: JSON.stringify(visits),
    },
    { nodeId: journey.nodeId, port },
    extra
  )
  if (moved) {
    await enqueueJourneyJob(baseJob(step, nextId, step.data.step + 1))
    requestProgress(journey.tenantId, journey.campaignId)
  }
  return moved
}

/** Ends the journey, leaving its node through `port` when one is given. */
export async function endJourney(
  step: StepContext,
  reason: string,
  port: string | null = null,
  extra?: (query: any) => void
) {
  const { journey } = step
  const ended = await transition(
    step,
    { ...CLEARED, state: 'ended', end_reason: reason.slice(0, 40), ended_at: sqlTime(step.now) },
    { nodeId: journey.nodeId, port },
    extra
  )
  if (ended) {
    requestProgress(journey.tenantId, journey.campaignId)
    await checkFinished(journey.tenantId, journey.campaignId)
  }
  return ended
}

/** Holds the journey at its node until `until`, then follows `port` (or runs the node again when `null`). */
export async function waitAtNode(step: StepContext, until: DateTime, port: string | null) {
  const nextStep = step.data.step + 1
  const moved = await transition(
    step,
    {
      ...CLEARED,
      state: 'waiting',
      step: nextStep,
      resume_at: sqlTime(until),
      pending_port: port,
    },
    { nodeId: step.journey.nodeId, port: null }
  )
  if (moved) {
    const job = { ...baseJob(step, step.journey.nodeId, nextStep), phase: 'wake' as const }
    await enqueueJourneyJob(job, until)
    requestProgress(step.journey.tenantId, step.journey.campaignId)
  }
  return moved
}

/**
 * Parks the journey at its node for a reply until `until`. With
 * `replyMessageId`, a reply that came before the step, the same update
 * claims it as `routeReply` claims a live one, so the node resumes at once
 * and no later step takes that reply again.
 */
export async function awaitReplyAtNode(
  step: StepContext,
  until: DateTime,
  state: Record<string, unknown> | null,
  replyMessageId: number | null = null
) {
  const nextStep = step.data.step + 1
  const claim: Record<string, number> =
    replyMessageId === null
      ? {}
      : { reply_message_id: replyMessageId, last_reply_message_id: replyMessageId }
  const moved = await transition(
    step,
    {
      ...CLEARED,
      state: 'awaiting_reply',
      step: nextStep,
      resume_at: sqlTime(until),
      node_state: state === null ? null : JSON.stringify(state),
      ...claim,
    },
    { nodeId: step.journey.nodeId, port: null }
  )
  if (moved) {
    const job = { ...baseJob(step, step.journey.nodeId, nextStep), phase: 'resume' as const }
    await enqueueJourneyJob(job, replyMessageId === null ? until : null)
    requestProgress(step.journey.tenantId, step.journey.campaignId)
  }
  return moved
}

/** Marks the journey held because its campaign is paused; resuming the campaign releases it. */
export async function holdJourney(journey: JourneyRecord) {
  await db.from('journeys').where('id', journey.id).update({ held: true })
}

/**
 * Makes sure the job that moves the journey on from where it is exists,
 * with its deterministic id, so a job lost in a crash is made again and a
 * job still pending is left alone.
 */
export async function ensureJourneyJob(journey: JourneyRecord) {
  const job: JourneyJobData = {
    tenantId: journey.tenantId,
    campaignId: journey.campaignId,
    journeyId: journey.id,
    step: journey.step,
    nodeId: journey.nodeId,
    phase: 'run',
  }
  if (journey.state === 'active') {
    await enqueueJourneyJob(job)
  } else if (journey.state === 'waiting') {
    await enqueueJourneyJob({ ...job, phase: 'wake' }, journey.resumeAt)
  } else if (journey.state === 'awaiting_reply') {
    const at = journey.replyMessageId ? await engineNow() : journey.resumeAt
    await enqueueJourneyJob({ ...job, phase: 'resume' }, at)
  } else if (journey.state === 'sending') {
    await ensureSentJob(job, journey)
  }
}

/**
 * A sending journey gets back what a crash may have lost: the `sent` job
 * of a send that already finished, or the send itself while its message
 * is still queued.
 */
async function ensureSentJob(job: JourneyJobData, journey: JourneyRecord) {
  const sentJob = { ...job, phase: 'sent' as const }
  if (await getJourneyJob(sentJob)) {
    return
  }
  const message = journey.sendMessageId ? await Message.find(journey.sendMessageId) : null
  if (message?.status === 'queued') {
    await restoreSend(sentJob, message)
  } else if (message) {
    await enqueueJourneyJob(sentJob)
  }
}
