import logger from '@adonisjs/core/services/logger'
import type { Logger } from '@adonisjs/core/logger'
import type { NodeDecision, NodeResume } from '#sdk'
import type { JourneyRecord, JourneyState } from '#models/journey'
import type { ContactRecord } from '#models/contact'
import FlowVersion from '#models/flow_version'
import Message, { type MessageRecord } from '#models/message'
import Tenant from '#models/tenant'
import { nodeTypes } from '#flow/node_type_registry'
import type { ExecutionPlan } from '#flow/execution_plan'
import { runInTenant } from '#tenancy/tenant_context'
import { engineNow } from '#engine/clock'
import type { JourneyJobData, JourneyPhase } from '#engine/engine_queues'
import type { StepContext } from '#engine/step_context'
import { renderStepText, sendRequester } from '#engine/journey_sender'
import { updateContact } from '#engine/contact_updates'
import { checkFinished } from '#engine/campaign_finish'
import { findCampaign, findContactWithZone, findJourney } from '#engine/batched_reads'
import { SendDeferredSignal, SendPendingSignal, StepNotReadyError } from '#engine/engine_errors'
import { findEarlierReply } from '#engine/reply_router'
import { contactFieldsOf } from '#services/contacts/contact_field_view'
import {
  awaitReplyAtNode,
  endJourney,
  ensureJourneyJob,
  followPort,
  holdJourney,
  waitAtNode,
} from '#engine/journey_transitions'

const PHASE_STATE: Record<JourneyPhase, JourneyState> = {
  run: 'active',
  wake: 'waiting',
  resume: 'awaiting_reply',
  sent: 'sending',
}

/** Published plans never change, so each process keeps the ones it loaded. */
const plans = new Map<number, ExecutionPlan>()

async function planOf(versionId: number) {
  let plan = plans.get(versionId)
  if (!plan) {
    const version = await FlowVersion.findOrFail(versionId)
    plan = version.plan
    plans.set(versionId, plan)
  }
  return plan
}

/** Whether the job is the one that moves the journey on from where it is now. */
function isCurrent(journey: JourneyRecord, data: JourneyJobData) {
  return (
    journey.step === data.step &&
    journey.nodeId === data.nodeId &&
    journey.state === PHASE_STATE[data.phase]
  )
}

/**
 * Tells whether a `sent` job arrived before the job that requested its send
 * marked the journey `sending`, because a fast send can finish between the
 * two. The job is retried, since taking it for stale would leave the
 * journey sending forever.
 */
function isSentBeforeMarked(journey: JourneyRecord, data: JourneyJobData) {
  return (
    data.phase === 'sent' &&
    journey.state === 'active' &&
    journey.step === data.step &&
    journey.nodeId === data.nodeId
  )
}

async function tenantZone(journey: JourneyRecord, contact: ContactRecord | null): Promise<string> {
  if (contact) {
    return contact.$extras.tenant_timezone
  }
  const tenant = await Tenant.findOrFail(journey.tenantId)
  return tenant.timezone
}

async function loadStep(
  data: JourneyJobData,
  journey: JourneyRecord,
  settled: MessageRecord | null
): Promise<StepContext | null> {
  const [campaign, contact] = await Promise.all([
    findCampaign(journey.campaignId),
    findContactWithZone(journey.contactId),
  ])
  const tenant = { id: journey.tenantId, timezone: await tenantZone(journey, contact) }
  const plan = await planOf(journey.flowVersionId)
  const step = {
    data,
    journey,
    campaign: campaign!,
    plan,
    contact: contact!,
    tenant,
    now: await engineNow(),
    settled,
  }
  if (!campaign) {
    await endJourney(step, 'campaign_deleted')
    return null
  }
  if (!contact || contact.consent === 'opted_out') {
    await endJourney(step, contact ? 'opted_out' : 'contact_deleted')
    return null
  }
  if (campaign.state === 'cancelled') {
    await endJourney(step, 'cancelled')
    return null
  }
  if (campaign.state === 'paused') {
    await holdJourney(journey)
    return null
  }
  return contact.timezone ? step : { ...step, contact: { ...contact, timezone: tenant.timezone } }
}

/**
 * Runs one journey job. A job for a step the journey already left is a
 * duplicate (a retry after a crash, or the loser of a reply/timeout race):
 * it changes nothing, but makes sure the journey's current job exists. A
 * job for a step the journey has not reached yet is retried. `settled` is
 * the message of the step's send when the outbound worker runs the step.
 */
export function runJourneyJob(
  data: JourneyJobData,
  options: { settled?: MessageRecord | null } = {}
) {
  return runInTenant(data.tenantId, async () => {
    const journey = await findJourney(data.journeyId)
    if (!journey) {
      return 'ended'
    }
    if (journey.state === 'ended') {
      // The job that ended the journey may have died before it checked for the finish.
      await checkFinished(journey.tenantId, journey.campaignId)
      return 'ended'
    }
    if (journey.step < data.step) {
      throw new StepNotReadyError(
        `Journey ${journey.id} is at step ${journey.step}, job is for step ${data.step}`
      )
    }
    if (isSentBeforeMarked(journey, data)) {
      throw new StepNotReadyError(
        `Journey ${journey.id} sent at step ${data.step} but is not marked sending yet`
      )
    }
    if (!isCurrent(journey, data)) {
      if (!journey.held) await ensureJourneyJob(journey)
      return 'stale'
    }

    const step = await loadStep(data, journey, options.settled ?? null)
    if (!step) {
      return 'stopped'
    }
    if (data.phase === 'wake' && journey.pendingPort) {
      await followPort(step, journey.pendingPort)
      return 'followed'
    }
    return executeNode(step)
  })
}

async function resumeOf(step: StepContext): Promise<NodeResume | null | 'early'> {
  if (step.data.phase !== 'resume') {
    return null
  }
  const { journey } = step
  if (journey.replyMessageId) {
    const reply = await Message.findOrFail(journey.replyMessageId)
    return {
      reason: 'reply',
      reply: {
        text: reply.body,
        receivedAt: reply.receivedAt ?? reply.createdAt,
        providerMessageId: reply.providerMessageId,
      },
    }
  }
  if (journey.resumeAt && journey.resumeAt > step.now) {
    return 'early'
  }
  return { reason: 'timeout' }
}

/** Runs the node's executor from the registry and applies its decision. */
async function executeNode(step: StepContext) {
  const { journey, plan } = step
  const node = plan.nodes[journey.nodeId]
  const resume = await resumeOf(step)
  if (resume === 'early') {
    await ensureJourneyJob(journey)
    return 'early'
  }

  const entry = nodeTypes.getOrFail(node.type)
  let nodeLogger: Logger | undefined
  let decision: NodeDecision
  try {
    decision = await entry.definition.execute({
      config: node.config as never,
      node: { id: node.id, type: node.type, version: node.typeVersion },
      journey: { id: journey.id, campaignId: journey.campaignId, step: step.data.step },
      tenant: { id: step.tenant.id, timeZone: step.tenant.timezone },
      contact: {
        id: step.contact.id,
        timeZone: step.contact.timezone,
        fields: await fieldsFor(entry.plugin, step.contact),
        update: (changes) =>
          updateContact(step.contact.id, changes, {
            campaignId: journey.campaignId,
            journeyId: journey.id,
          }),
      },
      now: step.now,
      resume,
      state: journey.nodeState,
      requestSend: sendRequester(step),
      renderText: (text) => renderStepText(step, text),
      // Built on first use: most steps log nothing.
      get logger() {
        nodeLogger ??= logger.child({
          tenantId: journey.tenantId,
          journeyId: journey.id,
          nodeId: node.id,
        })
        return nodeLogger
      },
    })
  } catch (error) {
    return handleSignal(step, error)
  }
  return applyDecision(step, decision, resume)
}

/**
 * Builds the contact's fields for an executor. Custom fields and tags cost
 * a read, and only plugins' node types use them.
 */
function fieldsFor(plugin: string | null, contact: ContactRecord) {
  if (plugin === null) {
    return { name: contact.name, phone: contact.phone, city: contact.city }
  }
  return contactFieldsOf(contact)
}

async function handleSignal(step: StepContext, error: unknown): Promise<string> {
  if (error instanceof SendPendingSignal) {
    // `requestSend` marked the journey sending before it added the send.
    return 'sending'
  }
  if (error instanceof SendDeferredSignal) {
    await waitAtNode(step, error.until, null)
    return 'deferred'
  }
  throw error
}

async function applyDecision(step: StepContext, decision: NodeDecision, resume: NodeResume | null) {
  const replyId = step.journey.replyMessageId
  const claimGuard =
    resume?.reason === 'timeout'
      ? (query: any) => query.whereNull('reply_message_id')
      : resume?.reason === 'reply'
        ? (query: any) => query.where('reply_message_id', replyId)
        : undefined

  let applied: boolean
  if (decision.kind === 'goto') {
    applied = await followPort(step, decision.port, claimGuard)
  } else if (decision.kind === 'wait') {
    applied =
      decision.until <= step.now
        ? await followPort(step, decision.port, claimGuard)
        : await waitAtNode(step, decision.until, decision.port)
  } else if (decision.kind === 'await_reply') {
    // Only this job moves an active journey, so the reply found stays unclaimed until it parks.
    const earlierReply = decision.repliesSinceLastSend ? await findEarlierReply(step.journey) : null
    applied = await awaitReplyAtNode(step, decision.until, decision.state, earlierReply?.id ?? null)
  } else {
    applied = await endJourney(step, decision.reason, null, claimGuard)
  }

  if (!applied && resume?.reason === 'timeout') {
    // A reply claimed the step between the read and the update: run again, with the reply.
    throw new StepNotReadyError(`Journey ${step.journey.id} got a reply while timing out`)
  }
  return applied ? decision.kind : 'raced'
}
