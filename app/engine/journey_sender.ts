import db from '@adonisjs/lucid/services/db'
import type { SendOutcome, SendRequest } from '#sdk'
import Message from '#models/message'
import Template from '#models/template'
import ChannelInstance from '#models/channel_instance'
import { createOutboundMessage, markFailed } from '#services/channels/message_service'
import {
  CAMPAIGN_SEND_PRIORITY,
  OUTBOUND_ATTEMPTS,
  outboundQueueName,
} from '#services/channels/outbound_queue'
import { parseTemplate, variablesOf } from '#services/templates/template_syntax'
import { renderNodes } from '#services/templates/template_renderer'
import { contactValues, isCustomFieldVariable } from '#services/templates/template_variables'
import { delayUntil, engineNow } from '#engine/clock'
import {
  JOURNEY_JOB_OPTIONS,
  JOURNEY_QUEUE,
  engineFlowProducer,
  journeyJobId,
  rememberDelayedQueue,
  type JourneyJobData,
} from '#engine/engine_queues'
import { reservePaceSlot, type PaceSettings } from '#engine/pacing'
import { quietUntil } from '#engine/quiet_policy'
import { SendDeferredSignal, SendPendingSignal } from '#engine/engine_errors'
import type { StepContext } from '#engine/step_context'
import { getQueue } from '#queues/queue_factory'
import type Campaign from '#models/campaign'

const DELIVERED = new Set(['sent', 'delivered', 'read'])

/** The pace of a campaign's sends, in the tenant's days. */
export function paceOf(campaign: Campaign, timeZone: string): PaceSettings {
  return {
    minIntervalSeconds: campaign.minIntervalSeconds,
    maxIntervalSeconds: campaign.maxIntervalSeconds,
    dailyCap: campaign.dailyCapPerNumber,
    pauseAfterSends: campaign.pauseAfterSends,
    pauseMinutes: campaign.pauseMinutes,
    timeZone,
  }
}

function outcomeOf(message: Message): SendOutcome | null {
  if (DELIVERED.has(message.status)) {
    return { status: 'sent', messageId: message.id, providerMessageId: message.providerMessageId }
  }
  if (message.status === 'failed') {
    return {
      status: 'failed',
      messageId: message.id,
      code: message.failureCode ?? 'E_SEND_FAILED',
      reason: message.failureReason ?? 'send failed',
    }
  }
  return null
}

async function renderText(step: StepContext, request: SendRequest) {
  const template = request.message.templateId
    ? await Template.findOrFail(request.message.templateId)
    : null
  const body = template ? template.body : (request.message.text ?? '')
  const parsed = parseTemplate(body)
  if (!parsed.ok) {
    return { ok: false as const, reason: `template syntax problem: ${parsed.problems[0].code}` }
  }
  const customFields = variablesOf(parsed.nodes).some((variable) =>
    isCustomFieldVariable(variable.name)
  )
  const values = await contactValues(step.contact, step.campaign.variables, { customFields })
  const seed = `${template?.id ?? step.journey.nodeId}:${step.contact.id}`
  const rendered = renderNodes(parsed.nodes, values, seed)
  if (!rendered.ok) {
    return { ok: false as const, reason: `no value for ${rendered.missing.join(', ')}` }
  }
  return { ok: true as const, text: rendered.text }
}

/** The message this step already created, found after a crash between creating and recording it. */
async function findStepMessage(step: StepContext) {
  const { journey } = step
  if (journey.sendStep !== step.data.step) {
    return null
  }
  if (journey.sendMessageId) {
    return Message.find(journey.sendMessageId)
  }
  const message = await Message.query()
    .where('journey_id', journey.id)
    .where('direction', 'out')
    .where('id', '>', journey.sendAfterMessageId ?? 0)
    .orderBy('id', 'asc')
    .first()
  if (message) {
    await db.from('journeys').where('id', journey.id).update({ send_message_id: message.id })
  }
  return message
}

async function claimSendStep(step: StepContext, instanceId: number) {
  const last = await db
    .from('messages')
    .where('journey_id', step.journey.id)
    .max('id as id')
    .first()
  await db
    .from('journeys')
    .where('id', step.journey.id)
    .where('step', step.data.step)
    .update({
      send_step: step.data.step,
      send_after_message_id: Number(last?.id ?? 0),
      send_message_id: null,
      instance_id: instanceId,
    })
}

/**
 * Adds the outbound send of `message` with the journey job that waits for
 * it: a BullMQ flow whose child is the send on the instance's outbound
 * queue, at the instance's next pace slot, and whose parent resumes the
 * journey when the send completes or fails for good. Both are added in one
 * Redis transaction, so neither exists without the other; a flow already
 * added for this step is left as it is.
 */
export async function enqueueSend(step: StepContext, message: Message) {
  const parent: JourneyJobData = { ...step.data, phase: 'sent' }
  const parentId = journeyJobId(parent)
  if (await getQueue(JOURNEY_QUEUE).getJob(parentId)) {
    return
  }

  // Reserve from the current instant, not the step's start: the step's queries may have
  // taken long enough on a busy worker to shorten the gap after the previous send.
  const slot = await reservePaceSlot(
    message.instanceId,
    await engineNow(),
    paceOf(step.campaign, step.tenant.timezone)
  )
  const childQueue = outboundQueueName(message.instanceId)
  await rememberDelayedQueue(childQueue)
  await engineFlowProducer().add({
    name: 'sent',
    queueName: JOURNEY_QUEUE,
    data: parent,
    opts: { ...JOURNEY_JOB_OPTIONS, jobId: parentId },
    children: [
      {
        name: 'send',
        queueName: childQueue,
        data: { tenantId: message.tenantId, messageId: message.id, dueAt: slot.toISO() },
        opts: {
          jobId: `message-${message.id}`,
          priority: CAMPAIGN_SEND_PRIORITY,
          delay: await delayUntil(slot),
          attempts: OUTBOUND_ATTEMPTS,
          backoff: { type: 'exponential', delay: 2000 },
          ignoreDependencyOnFailure: true,
          removeOnComplete: { age: 24 * 3600, count: 1000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      },
    ],
  })
}

/**
 * The outcome of a message the journey already created. A message still
 * `queued` when its journey job resumed was given up by the outbound queue
 * (its attempts ran out without a recorded failure), so it is marked failed.
 */
async function settledOutcome(step: StepContext, message: Message) {
  const outcome = outcomeOf(message)
  if (outcome || step.data.phase !== 'sent') {
    return outcome
  }
  const failed = await markFailed(message, {
    code: 'E_SEND_FAILED',
    reason: 'the outbound queue gave up on the send',
  })
  return outcomeOf(failed)
}

/**
 * Makes `requestSend` for one step. The first call of a step checks the
 * campaign's quiet-hours policy, renders the text, creates the message row
 * (`queued`, with its provider message id chosen by the channel), records
 * it on the journey and enqueues its send; the step then stops with
 * `SendPendingSignal`. When the send finished, the step runs again and the
 * same call resolves with the stored outcome, so a step never sends twice.
 */
export function sendRequester(step: StepContext) {
  return async (request: SendRequest): Promise<SendOutcome> => {
    const existing = await findStepMessage(step)
    if (existing) {
      const outcome = await settledOutcome(step, existing)
      if (outcome) {
        return outcome
      }
      await enqueueSend(step, existing)
      throw new SendPendingSignal(existing.id)
    }

    const until = await quietUntil(step.campaign, step.now, step.contact.timezone)
    if (until) {
      throw new SendDeferredSignal(until)
    }

    const rendered = await renderText(step, request)
    if (!rendered.ok) {
      return {
        status: 'failed',
        messageId: null,
        code: 'E_TEMPLATE_RENDER',
        reason: rendered.reason,
      }
    }

    const instance = await ChannelInstance.findOrFail(request.instanceId ?? step.journey.instanceId)
    await claimSendStep(step, instance.id)
    const message = await createOutboundMessage({
      instance,
      address: step.contact.phone,
      body: rendered.text,
      media: request.media ?? null,
      contactId: step.contact.id,
      campaignId: step.campaign.id,
      journeyId: step.journey.id,
      nodeId: step.journey.nodeId,
    })
    // The message id is stored on the journey with its `sending` state; until then a
    // retried step finds the message by `send_after_message_id`.
    await enqueueSend(step, message)
    throw new SendPendingSignal(message.id)
  }
}
