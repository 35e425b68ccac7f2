import { DelayedError, type Job } from 'bullmq'
import { DateTime } from 'luxon'
import mail from '@adonisjs/mail/services/main'
import i18nManager from '@adonisjs/i18n/services/main'
import type { Logger } from '@adonisjs/core/logger'
import type { AccountHealthEvent } from '#sdk'
import ChannelInstance, { type ChannelInstanceRecord } from '#models/channel_instance'
import Campaign from '#models/campaign'
import User from '#models/user'
import Tenant from '#models/tenant'
import type { MessageRecord } from '#models/message'
import { maskAddress } from '#sdk'
import { rememberDelayedQueue } from '#engine/engine_queues'
import { requestProgress } from '#engine/campaign_progress'
import { storeHealth } from '#services/channels/instance_state'
import { recipientLocale } from '#services/recipient_locale'

/**
 * How often a campaign send held by a health pause looks again whether the
 * pause was lifted, in milliseconds.
 */
export const HEALTH_RECHECK_MS = 30_000

/** Campaign states whose designers hear about a paused number. */
const ACTIVE_STATES = ['scheduled', 'running', 'paused'] as const

/**
 * Holds a campaign message of an instance paused for health, by moving its
 * job back to delayed and raising BullMQ's `DelayedError`. Messages outside
 * campaigns (replies from the inbox) are not held, so existing
 * conversations keep working while WhatsApp allows them. Returns normally
 * when the message may leave.
 */
export async function holdForHealth(
  job: Job,
  token: string | undefined,
  message: MessageRecord,
  instance: ChannelInstanceRecord
) {
  if (message.campaignId === null || !instance.pausedForHealth) {
    return
  }
  await rememberDelayedQueue(job.queueName)
  await job.moveToDelayed(Date.now() + HEALTH_RECHECK_MS, token)
  throw new DelayedError()
}

/** Campaigns of the instance's tenant that send through it and are not over. */
export async function campaignsUsing(instanceId: number) {
  const campaigns = await Campaign.query().whereIn('state', [...ACTIVE_STATES])
  return campaigns.filter((campaign) => campaign.channelInstanceIds.includes(instanceId))
}

/**
 * Asks for the progress of the running campaigns that send through the
 * instance, after its status changed, so their pages show whether the
 * number is connected although their counts did not move.
 */
export async function refreshCampaignsOf(instanceId: number) {
  for (const campaign of await campaignsUsing(instanceId)) {
    if (campaign.state === 'running') {
      requestProgress(campaign.tenantId, campaign.id)
    }
  }
}

/**
 * Applies a health report of the instance's owner: stores the pause and
 * its reason (fenced by the owner's token), and on a new restriction
 * e-mails the designers of the campaigns that use the number. Returns
 * whether the write applied, `false` when a newer owner owns the row.
 * Runs inside the instance's tenant scope.
 */
export async function applyHealth(
  instanceId: number,
  token: number,
  event: AccountHealthEvent,
  logger: Logger
) {
  const before = await ChannelInstance.findOrFail(instanceId)
  const stored = await storeHealth(instanceId, token, event)
  if (!stored) {
    return false
  }
  if (event.state === 'restricted' && !before.pausedForHealth) {
    const instance = await ChannelInstance.findOrFail(instanceId)
    await notifyDesigners(instance, event).catch((error) => {
      logger.error({ err: error, instanceId }, 'health pause e-mail failed')
    })
  }
  return true
}

/**
 * E-mails the creator of each active campaign that sends through the
 * instance, in the language `recipientLocale` picks for the creator: which
 * number, why, until when, and which campaigns wait.
 */
export async function notifyDesigners(instance: ChannelInstance, event: AccountHealthEvent) {
  const campaigns = await campaignsUsing(instance.id)
  const byDesigner = new Map<number, Campaign[]>()
  for (const campaign of campaigns) {
    if (campaign.createdBy === null) {
      continue
    }
    byDesigner.set(campaign.createdBy, [...(byDesigner.get(campaign.createdBy) ?? []), campaign])
  }

  const tenant = await Tenant.find(instance.tenantId)
  for (const [userId, designed] of byDesigner) {
    const user = await User.find(userId)
    if (!user) {
      continue
    }
    const i18n = i18nManager.locale(recipientLocale(user.locale, tenant?.locale ?? null))
    const until = event.until
      ? DateTime.fromJSDate(event.until).toUTC().toFormat('yyyy-LL-dd HH:mm') + ' UTC'
      : i18n.t('mail.instance_restricted.until_unknown')
    const values = {
      instance: instance.name,
      address: instance.accountAddress ? maskAddress(instance.accountAddress) : '-',
      reason: event.reason,
      until,
      campaigns: designed.map((campaign) => `- ${campaign.name}`).join('\n'),
    }
    await mail.send((message) => {
      message
        .to(user.email)
        .subject(i18n.t('mail.instance_restricted.subject', values))
        .text(i18n.t('mail.instance_restricted.body', values))
    })
  }
  return byDesigner.size
}
