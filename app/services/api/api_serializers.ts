import type ApiToken from '#models/api_token'
import type Campaign from '#models/campaign'
import type ChannelInstance from '#models/channel_instance'
import type ContactList from '#models/contact_list'
import type Message from '#models/message'
import type Segment from '#models/segment'
import type Template from '#models/template'
import { actionsFor } from '#services/campaigns/campaign_states'
import { serializeMessage as serializeChannelMessage } from '#services/channels/channel_broadcast'

/** JSON shapes of the REST API's resources. Times are ISO 8601 in UTC. */

export function serializeList(list: ContactList, members?: number) {
  return {
    id: list.id,
    name: list.name,
    description: list.description,
    ...(members === undefined ? {} : { members }),
    createdAt: list.createdAt.toISO(),
  }
}

export function serializeSegment(segment: Segment) {
  return {
    id: segment.id,
    name: segment.name,
    rules: segment.rules,
    createdAt: segment.createdAt.toISO(),
  }
}

export function serializeTemplate(template: Template) {
  return {
    id: template.id,
    name: template.name,
    body: template.body,
    mediaType: template.mediaType,
    createdAt: template.createdAt.toISO(),
    updatedAt: (template.updatedAt ?? template.createdAt).toISO(),
  }
}

export function serializeCampaign(campaign: Campaign) {
  return {
    id: campaign.id,
    name: campaign.name,
    state: campaign.state,
    actions: actionsFor(campaign.state),
    published: Boolean(campaign.currentVersionId),
    listIds: campaign.listIds,
    segmentIds: campaign.segmentIds,
    channelInstanceIds: campaign.channelInstanceIds,
    variables: campaign.variables,
    startsAt: campaign.startsAt?.toISO() ?? null,
    startedAt: campaign.startedAt?.toISO() ?? null,
    pausedAt: campaign.pausedAt?.toISO() ?? null,
    finishedAt: campaign.finishedAt?.toISO() ?? null,
    cancelledAt: campaign.cancelledAt?.toISO() ?? null,
    createdAt: campaign.createdAt.toISO(),
  }
}

/** The message as pages show it, plus the ids and failure reason API clients match on. */
export function serializeMessage(message: Message) {
  return {
    ...serializeChannelMessage(message),
    campaignId: message.campaignId,
    providerMessageId: message.providerMessageId,
    failureReason: message.failureReason,
  }
}

/** The instance's status, without its configuration or pairing code. */
export function serializeInstance(instance: ChannelInstance) {
  return {
    id: instance.id,
    name: instance.name,
    channel: instance.channel,
    status: instance.status,
    statusAt: instance.statusAt?.toISO() ?? null,
    statusReason: instance.statusReason,
    accountAddress: instance.accountAddress,
    accountName: instance.accountName,
    pausedForHealth: instance.pausedForHealth,
    lastError: instance.lastError,
  }
}

export function serializeToken(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.tokenPrefix,
    scope: token.scope,
    rateLimitPerMinute: token.rateLimitPerMinute,
    lastUsedAt: token.lastUsedAt?.toISO() ?? null,
    revokedAt: token.revokedAt?.toISO() ?? null,
    createdAt: token.createdAt.toISO(),
  }
}
