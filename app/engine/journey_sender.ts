import type { JobsOptions } from 'bullmq'
import type { RenderedText, SendOutcome, SendRequest } from '#sdk'
import Message, { type MessageRecord } from '#models/message'
import { markFailed } from '#services/channels/message_service'
import {
  CAMPAIGN_SEND_PRIORITY,
  OUTBOUND_JOB_OPTIONS,
  outboundQueueName,
  type OutboundJobData,
} from '#services/channels/outbound_queue'
import { parseTemplate, variablesOf } from '#services/templates/template_syntax'
import { renderNodes } from '#services/templates/template_renderer'
import { contactValues, isCustomFieldVariable } from '#services/templates/template_variables'
import { delayUntil, engineNow } from '#engine/clock'
import { rememberDelayedQueue, type JourneyJobData } from '#engine/engine_queues'
import { reservePaceSlot, type PaceSettings, type QuietEnd } from '#engine/pacing'
import { recordHeldSend } from '#engine/quiet_holds'
import { quietUntil } from '#engine/quiet_policy'
import { SendDeferredSignal, SendPendingSignal } from '#engine/engine_errors'
import type { StepContext } from '#engine/step_context'
import { findInstanceOrFail, findMessage, findTemplate } from '#engine/batched_reads'
import { getQueue } from '#queues/queue_factory'
import Campaign, { type CampaignRecord } from '#models/campaign'
import { sqlTime } from '#services/channels/sql_time'
import { requestProgress } from '#engine/campaign_progress'
import { applyTransition } from '#engine/transition_batch'
import { createStepMessage, findStepMessage } from '#engine/step_messages'
import { KeyedBatcher } from '#plugins/sdk/batching'
import { RENDER_FAILURE_CODE, recordStepFailure } from '#engine/step_failures'

const DELIVERED = new Set(['sent', 'delivered', 'read'])

interface SendJob {
  name: string
  data: OutboundJobData
  opts: JobsOptions
}

/** The pace of a campaign's sends, in the tenant's days. */
export function paceOf(campaign: CampaignRecord, timeZone: string): PaceSettings {
  return {
    minIntervalSeconds: campaign.minIntervalSeconds,
    maxIntervalSeconds: campaign.maxIntervalSeconds,
    dailyCap: campaign.dailyCapPerNumber,
    pauseAfterSends: campaign.pauseAfterSends,
    pauseMinutes: campaign.pauseMinutes,
    timeZone,
  }
}

function outcomeOf(message: MessageRecord): SendOutcome | null {
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

/** Parsed message bodies kept, by their text. */
const PARSED_LIMIT = 500

const parsedBodies = new Map<string, ReturnType<typeof parseTemplate>>()

/** Parses a message body, reusing the parse of the same text, since most steps send a few texts many times. */
function parseBody(body: string) {
  let parsed = parsedBodies.get(body)
  if (!parsed) {
    parsed = parseTemplate(body)
    if (parsedBodies.size >= PARSED_LIMIT) {
      parsedBodies.delete(parsedBodies.keys().next().value!)
    }
    parsedBodies.set(body, parsed)
  }
  return parsed
}

async function renderText(step: StepContext, request: SendRequest) {
  const templateId = request.message.templateId
  const template = templateId ? await findTemplate(templateId) : null
  if (templateId && !template) {
    return { ok: false as const, reason: `template ${templateId} not found` }
  }
  const body = template ? template.body : (request.message.text ?? '')
  const parsed = parseBody(body)
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

/**
 * Renders a node's text with `{{variables}}` for the step's contact, as a
 * send renders its message. A text that does not parse is returned as
 * written.
 */
export async function renderStepText(step: StepContext, text: string): Promise<RenderedText> {
  const parsed = parseBody(text)
  if (!parsed.ok) {
    return { text, missing: [] }
  }
  const customFields = variablesOf(parsed.nodes).some((variable) =>
    isCustomFieldVariable(variable.name)
  )
  const values = await contactValues(step.contact, step.campaign.variables, { customFields })
  const rendered = renderNodes(parsed.nodes, values, `${step.journey.nodeId}:${step.contact.id}`)
  return { text: rendered.text, missing: rendered.ok ? [] : rendered.missing }
}

/**
 * Finds the message this step already stored, when the step runs again
 * after a crash or after its send. It looks by the id recorded on the
 * journey (taking the copy the send left, when it has one), then by the
 * `(journey_id, journey_step)` key. A claim written
 * before messages carried their step (by an older version) recorded the
 * journey's last message id instead, so the message is the next one.
 */
async function existingStepMessage(step: StepContext) {
  const { journey, data, settled } = step
  if (journey.sendStep === data.step && journey.sendMessageId) {
    return settled?.id === journey.sendMessageId ? settled : findMessage(journey.sendMessageId)
  }
  if (journey.sendStep === data.step && journey.sendAfterMessageId !== null) {
    return Message.query()
      .where('journey_id', journey.id)
      .where('direction', 'out')
      .where('id', '>', journey.sendAfterMessageId)
      .orderBy('id', 'asc')
      .first()
  }
  return findStepMessage(journey.tenantId, journey.id, data.step)
}

/**
 * Marks the journey as waiting for the send its node requested, with the
 * concurrent journeys' transitions. It records the message of that send
 * and its instance, which a send node may choose, because replies reach
 * the journey on the instance that sent last.
 */
export async function markSending(step: StepContext, message: MessageRecord) {
  await applyTransition({
    journeyId: step.journey.id,
    campaignId: step.journey.campaignId,
    step: step.data.step,
    values: {
      state: 'sending',
      send_step: step.data.step,
      send_message_id: message.id,
      instance_id: message.instanceId,
      updated_at: sqlTime(step.now),
    },
    log: null,
  })
  requestProgress(step.journey.tenantId, step.journey.campaignId)
}

/** Sends added at the same time to one outbound queue, added by one `addBulk`. */
const sendAdds = new KeyedBatcher<string, SendJob, unknown>((queueName, jobs) =>
  getQueue(queueName).addBulk(jobs)
)

/**
 * Adds the outbound send of `message` on its instance's queue, at the
 * instance's next pace slot. Its data carries the `sent` job of the step
 * that waits for it, which the outbound worker runs once the send is
 * settled (see `resumeAfterSend`). The job id is `message-<id>`, so a send
 * already added is left as it is. `fresh` skips that check for a message
 * created just now, whose send cannot exist yet.
 */
async function addSend(
  sentJob: JourneyJobData,
  pace: PaceSettings,
  message: MessageRecord,
  fresh: boolean,
  quietEnd?: QuietEnd
) {
  const queue = getQueue(outboundQueueName(message.instanceId))
  const jobId = `message-${message.id}`
  if (!fresh && (await queue.getJob(jobId))) {
    return
  }

  // Reserve from the current instant, not the step's start: the step's queries may have
  // taken long enough on a busy worker to shorten the gap after the previous send.
  const now = await engineNow()
  let quietMoved = false
  const slot = await reservePaceSlot(
    message.instanceId,
    now,
    pace,
    quietEnd &&
      (async (at) => {
        const end = await quietEnd(at)
        quietMoved ||= end !== null
        return end
      })
  )
  if (quietMoved) {
    // The send waits for the quiet hours to end, which the campaign's progress shows.
    await recordHeldSend(sentJob.campaignId, message.id, slot)
  }
  const delay = slot > now ? await delayUntil(slot) : 0
  if (delay > 0) {
    await rememberDelayedQueue(queue.name)
  }
  const data: OutboundJobData = {
    tenantId: message.tenantId,
    messageId: message.id,
    dueAt: slot.toISO()!,
    journey: { ...sentJob, phase: 'sent', dueAt: undefined },
  }
  await sendAdds.add(queue.name, {
    name: 'send',
    data,
    opts: { ...OUTBOUND_JOB_OPTIONS, jobId, priority: CAMPAIGN_SEND_PRIORITY, delay },
  })
}

/**
 * Adds the send of the step's message (see `addSend`), at a pace slot
 * outside the quiet hours of the step's contact.
 */
export function enqueueSend(step: StepContext, message: MessageRecord, fresh = false) {
  return addSend(step.data, paceOf(step.campaign, step.tenant.timezone), message, fresh, (at) =>
    quietUntil(step.campaign, at, step.contact.timezone)
  )
}

/**
 * Adds the send of a sending journey's message that is still queued when
 * its send job is missing, as after a crash between marking the journey
 * sending and adding the send. Nothing is added once the campaign is gone.
 */
export async function restoreSend(sentJob: JourneyJobData, message: MessageRecord) {
  const campaign = await Campaign.query()
    .where('campaigns.id', sentJob.campaignId)
    .join('tenants', 'tenants.id', 'campaigns.tenant_id')
    .select('campaigns.*', 'tenants.timezone as tenant_timezone')
    .first()
  if (campaign) {
    await addSend(sentJob, paceOf(campaign, campaign.$extras.tenant_timezone), message, false)
  }
}

/**
 * The outcome of a message the journey already created. A message still
 * `queued` when its journey job resumed was given up by the outbound queue
 * (its attempts ran out without a recorded failure), so it is marked failed.
 */
async function settledOutcome(step: StepContext, message: MessageRecord) {
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
 * (`queued`, with its provider message id chosen by the channel), marks
 * the journey sending with it and enqueues its send; the step then stops with
 * `SendPendingSignal`. When the send finished, the step runs again and the
 * same call resolves with the stored outcome. A step has one message,
 * because `(journey_id, journey_step)` is unique, and one send job, named
 * after the message, so a step never sends twice.
 */
export function sendRequester(step: StepContext) {
  return async (request: SendRequest): Promise<SendOutcome> => {
    const existing = await existingStepMessage(step)
    if (existing) {
      return resumeStepSend(step, existing)
    }

    const until = await quietUntil(step.campaign, step.now, step.contact.timezone)
    if (until) {
      throw new SendDeferredSignal(until)
    }

    const rendered = await renderText(step, request)
    if (!rendered.ok) {
      const failure = {
        code: RENDER_FAILURE_CODE,
        reason: rendered.reason,
        templateId: request.message.templateId ?? null,
        instanceId: request.instanceId ?? step.journey.instanceId,
      }
      await recordStepFailure(step, failure)
      requestProgress(step.journey.tenantId, step.journey.campaignId)
      return { status: 'failed', messageId: null, code: failure.code, reason: failure.reason }
    }

    const instance = await findInstanceOrFail(request.instanceId ?? step.journey.instanceId)
    const { message, created } = await createStepMessage({
      instance,
      address: step.contact.phone,
      body: rendered.text,
      media: request.media ?? null,
      contactId: step.contact.id,
      campaignId: step.campaign.id,
      journeyId: step.journey.id,
      journeyStep: step.data.step,
      nodeId: step.journey.nodeId,
    })
    if (!created) {
      // Another run of this step stored the message first.
      return resumeStepSend(step, message)
    }
    // The message id is stored on the journey with its `sending` state before the send is
    // added, so the send's worker finds the journey waiting for it.
    await markSending(step, message)
    await enqueueSend(step, message, true)
    throw new SendPendingSignal(message.id)
  }
}

/**
 * Continues a step whose message exists. A settled message gives its
 * outcome. Otherwise the journey is marked sending and the send is added,
 * unless its job is already queued.
 */
async function resumeStepSend(step: StepContext, message: MessageRecord): Promise<SendOutcome> {
  const outcome = await settledOutcome(step, message)
  if (outcome) {
    return outcome
  }
  await markSending(step, message)
  await enqueueSend(step, message)
  throw new SendPendingSignal(message.id)
}
