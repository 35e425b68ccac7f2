import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import { Exception } from '@adonisjs/core/exceptions'
import db from '@adonisjs/lucid/services/db'
import { sqlTime } from '#plugins/sdk/sql_time'
import logger from '@adonisjs/core/services/logger'
import Campaign, { type CampaignState } from '#models/campaign'
import { broadcastCampaignState } from '#services/campaigns/campaign_broadcast'
import { emitDomainEvent } from '#events/domain_events'

export type CampaignAction = 'start' | 'pause' | 'resume' | 'cancel'

export const CAMPAIGN_ACTIONS: CampaignAction[] = ['start', 'pause', 'resume', 'cancel']

/** The states each action leaves from. */
const ALLOWED_FROM: Record<CampaignAction, CampaignState[]> = {
  start: ['draft'],
  pause: ['running'],
  resume: ['paused'],
  // A draft never ran, so it has nothing to cancel: it can be edited or deleted instead.
  cancel: ['scheduled', 'running', 'paused'],
}

/** Raised for an action the campaign's state does not allow, or a campaign not ready to start. */
export class CampaignStateException extends Exception {
  static status = 409
  static code = 'E_CAMPAIGN_STATE'

  constructor(
    message: string,
    /** Translation key under `campaigns.errors` of the reason shown to the member. */
    readonly reason: string,
    readonly values: Record<string, string | number> = {}
  ) {
    super(message)
  }
}

/** States a campaign never leaves: its flow and its figures are final. */
const ENDED_STATES: readonly CampaignState[] = ['finished', 'cancelled']

/** Tells whether a campaign in `state` ended, so its flow can no longer change. */
export function isEnded(state: CampaignState) {
  return ENDED_STATES.includes(state)
}

/** Builds the 409 body that rejects a change to an ended campaign's flow, in the member's language. */
export function endedFlowConflict(campaign: Campaign, i18n: HttpContext['i18n']) {
  return {
    code: 'E_CAMPAIGN_ENDED',
    message: i18n.t(`flow.editor.ended_error.${campaign.state}`, { name: campaign.name }),
  }
}

/** The actions a campaign in `state` offers. */
export function actionsFor(state: CampaignState) {
  return CAMPAIGN_ACTIONS.filter((action) => ALLOWED_FROM[action].includes(state))
}

/** A reason a campaign cannot start yet, the key under `campaigns.errors` that explains it. */
export type StartBlocker = 'not_published' | 'no_audience' | 'no_instance'

/**
 * Lists every reason the campaign cannot start yet, in the order a member
 * fixes them: publish the flow, choose an audience, choose a number. The
 * pages show them beside the Start button, and starting checks them again.
 */
export function startBlockers(campaign: Campaign): StartBlocker[] {
  const blockers: StartBlocker[] = []
  if (campaign.currentVersionId === null) {
    blockers.push('not_published')
  }
  if (campaign.listIds.length === 0 && campaign.segmentIds.length === 0) {
    blockers.push('no_audience')
  }
  if (campaign.channelInstanceIds.length === 0) {
    blockers.push('no_instance')
  }
  return blockers
}

function readinessProblem(campaign: Campaign) {
  return startBlockers(campaign)[0] ?? null
}

function nextState(campaign: Campaign, action: CampaignAction, now: DateTime): CampaignState {
  if (action === 'start') {
    const later =
      campaign.startMode === 'at' && campaign.startsAt !== null && campaign.startsAt > now
    return later ? 'scheduled' : 'running'
  }
  return { pause: 'paused', resume: 'running', cancel: 'cancelled' }[action] as CampaignState
}

function stamp(campaign: Campaign, state: CampaignState, now: DateTime) {
  if (state === 'running' && campaign.startedAt === null) campaign.startedAt = now
  if (state === 'paused') campaign.pausedAt = now
  if (state === 'running') campaign.pausedAt = null
  if (state === 'cancelled') campaign.cancelledAt = now
  if (state === 'finished') campaign.finishedAt = now
}

/**
 * Applies a member's action to a campaign and emits its domain event once
 * the change is committed: `campaign:started` or `campaign:scheduled` for
 * start, `campaign:paused`, `campaign:resumed`, `campaign:cancelled`. The
 * engine subscribes to those to enroll, hold and stop journeys. Raises
 * `CampaignStateException` when the current state does not allow it.
 */
export async function applyAction(
  campaignId: number,
  action: CampaignAction,
  userId: number | null
) {
  const now = DateTime.utc()
  const campaign = await db.transaction(async (trx) => {
    const locked = await Campaign.query({ client: trx })
      .where('id', campaignId)
      .forUpdate()
      .firstOrFail()
    if (!ALLOWED_FROM[action].includes(locked.state)) {
      throw new CampaignStateException(
        `Cannot ${action} campaign ${locked.id} while it is ${locked.state}`,
        'action_not_allowed',
        { action, state: locked.state }
      )
    }
    const problem = action === 'start' ? readinessProblem(locked) : null
    if (problem) {
      throw new CampaignStateException(`Cannot start campaign ${locked.id}: ${problem}`, problem)
    }
    locked.state = nextState(locked, action, now)
    stamp(locked, locked.state, now)
    await locked.save()
    return locked
  })

  broadcastCampaignState(campaign.tenantId, campaign.id, campaign.state)
  await emitStateEvent(campaign, action, userId)
  logger.info(
    { tenantId: campaign.tenantId, campaignId, action, state: campaign.state, userId },
    'campaign state changed'
  )
  return campaign
}

async function emitStateEvent(campaign: Campaign, action: CampaignAction, userId: number | null) {
  const base = { tenantId: campaign.tenantId, campaignId: campaign.id, userId }
  if (campaign.state === 'scheduled') {
    await emitDomainEvent('campaign:scheduled', {
      ...base,
      startsAt: campaign.startsAt!.toUTC().toISO()!,
    })
    return
  }
  const events = {
    start: 'campaign:started',
    pause: 'campaign:paused',
    resume: 'campaign:resumed',
    cancel: 'campaign:cancelled',
  } as const
  await emitDomainEvent(events[action], base)
}

/**
 * Starts the scheduled campaigns of every tenant whose start time has
 * come, each in its own transaction, and emits `campaign:started` for each.
 * Returns the ids started. Called by the scheduler job.
 */
export async function startDueCampaigns(now = DateTime.utc()) {
  const due = await db
    .from('campaigns')
    .where('state', 'scheduled')
    .where('starts_at', '<=', now.toSQL({ includeOffset: false })!)
    .select('id', 'tenant_id')
  const started: number[] = []
  for (const row of due) {
    const updated = await db
      .from('campaigns')
      .where('id', row.id)
      .where('state', 'scheduled')
      .update({ state: 'running', started_at: sqlTime(now), updated_at: sqlTime(now) })
    if (Number(updated) === 1 || (Array.isArray(updated) && Number(updated[0]) === 1)) {
      started.push(row.id)
      broadcastCampaignState(row.tenant_id, row.id, 'running')
      await emitDomainEvent('campaign:started', {
        tenantId: row.tenant_id,
        campaignId: row.id,
        userId: null,
      })
    }
  }
  return started
}

/**
 * Marks a running or paused campaign finished and emits `campaign:finished`.
 * The engine calls it when the last journey of the campaign ends. Returns
 * `false` when the campaign was in another state, so a second call is harmless.
 */
export async function finishCampaign(campaignId: number, completedJourneys: number) {
  const now = DateTime.utc()
  const campaign = await db.transaction(async (trx) => {
    const locked = await Campaign.query({ client: trx })
      .where('id', campaignId)
      .forUpdate()
      .firstOrFail()
    if (!['running', 'paused'].includes(locked.state)) {
      return null
    }
    locked.state = 'finished'
    stamp(locked, 'finished', now)
    await locked.save()
    return locked
  })
  if (!campaign) {
    return false
  }
  broadcastCampaignState(campaign.tenantId, campaignId, 'finished')
  await emitDomainEvent('campaign:finished', {
    tenantId: campaign.tenantId,
    campaignId,
    userId: null,
    completedJourneys,
  })
  return true
}
