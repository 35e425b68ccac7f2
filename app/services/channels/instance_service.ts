import { DateTime } from 'luxon'
import vine, { errors as vineErrors } from '@vinejs/vine'
import type { MessagesProviderContact } from '@vinejs/vine/types'
import { TERMINAL_STATUSES } from '#sdk'
import ChannelInstance from '#models/channel_instance'
import { getQueue } from '#queues/queue_factory'
import { channelConfigFields, findChannel } from '#services/channels/channel_catalog'
import { keepStoredSecrets, secretFieldNames } from '#plugins/secret_settings'
import { leaseHolder } from '#services/channels/instance_lease'
import { broadcastCommand, controlPublisher, sendCommand } from '#services/channels/channel_control'
import { broadcastInstance, broadcastInstanceDeleted } from '#services/channels/channel_broadcast'
import { outboundQueueName } from '#services/channels/outbound_queue'
import Campaign from '#models/campaign'
import { emitDomainEvent } from '#events/domain_events'

/**
 * What web processes do to channel instances. Live sessions run in a
 * channels process, so connecting, disconnecting, logging out and channel
 * actions are commands to the instance's owner. Run inside the tenant scope.
 */

/**
 * Returns the configuration without the settings left empty, which take the
 * channel's defaults. A form sends an emptied number input as `""`.
 */
function withoutBlankSettings(config: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(config).filter(
      ([, value]) => value !== null && !(typeof value === 'string' && value.trim() === '')
    )
  )
}

/**
 * Validates a configuration against the channel's `configSchema`. A failure
 * is raised as a validation error whose fields are `config.<setting>`, the
 * keys of the settings form.
 */
async function validConfig(
  channelId: string,
  config: Record<string, unknown>,
  messagesProvider?: MessagesProviderContact
) {
  const channel = findChannel(channelId)
  if (!channel.configSchema) {
    return {}
  }
  try {
    return (await vine
      .create(channel.configSchema)
      .validate(withoutBlankSettings(config), { messagesProvider })) as Record<string, unknown>
  } catch (error) {
    if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) {
      throw error
    }
    const messages = error.messages as { field: string; message: string; rule: string }[]
    throw new vineErrors.E_VALIDATION_ERROR(
      messages.map((message) => ({ ...message, field: `config.${message.field}` }))
    )
  }
}

/**
 * Returns a configuration for channel `channelId` as a save stores it: the
 * secrets left empty are taken from `stored`, and errors are raised under
 * `config.<name>`.
 */
export async function checkInstanceConfig(
  channelId: string,
  config: Record<string, unknown>,
  stored: Record<string, unknown>,
  messagesProvider?: MessagesProviderContact
) {
  const secrets = secretFieldNames(channelConfigFields(channelId))
  return validConfig(channelId, keepStoredSecrets(config, stored, secrets), messagesProvider)
}

export async function createInstance(
  input: {
    name: string
    channel: string
    config?: Record<string, unknown>
  },
  messagesProvider?: MessagesProviderContact
) {
  const config = await validConfig(input.channel, input.config ?? {}, messagesProvider)
  const instance = await ChannelInstance.create({
    name: input.name,
    channel: input.channel,
    config,
    status: 'closed',
    statusAt: DateTime.utc(),
    pausedForHealth: false,
  })
  broadcastInstance(instance)
  return instance
}

/**
 * Changes name and configuration. A live session reads the new
 * configuration at its next connect. A secret field left empty keeps its
 * stored value, because the connections page never receives it.
 */
export async function updateInstance(
  instance: ChannelInstance,
  input: { name: string; config?: Record<string, unknown> },
  messagesProvider?: MessagesProviderContact
) {
  instance.name = input.name
  if (input.config) {
    instance.config = await checkInstanceConfig(
      instance.channel,
      input.config,
      instance.config,
      messagesProvider
    )
  }
  await instance.save()
  broadcastInstance(instance)
  return instance
}

async function isOwned(instanceId: number) {
  return (await leaseHolder(controlPublisher(), instanceId)) !== null
}

/**
 * Asks for the instance to connect. A terminal instance is marked
 * `connecting` at once, which makes it wanted by every channels process;
 * the first to take its lease connects it, and its status arrives through
 * Transmit. Returns without waiting for the connection.
 */
export async function requestConnect(instance: ChannelInstance) {
  if (TERMINAL_STATUSES.includes(instance.status)) {
    instance.merge({
      status: 'connecting',
      statusAt: DateTime.utc(),
      statusReason: null,
      lastError: null,
    })
    await instance.save()
    broadcastInstance(instance)
  }
  await broadcastCommand({ instanceId: instance.id, action: 'connect' })
}

/**
 * Ends the instance's session and keeps its credentials, so the next
 * connect needs no pairing. `userId` is the member who requested it, or `null`.
 */
export function requestDisconnect(instance: ChannelInstance, userId: number | null = null) {
  return endSession(instance, 'disconnect', userId)
}

/** Ends the session and revokes the credentials: the next connect pairs again. */
export function requestLogout(instance: ChannelInstance, userId: number | null = null) {
  return endSession(instance, 'logout', userId)
}

async function endSession(
  instance: ChannelInstance,
  action: 'disconnect' | 'logout',
  userId: number | null
) {
  if (await isOwned(instance.id)) {
    await sendCommand({ instanceId: instance.id, action, userId })
    await instance.refresh()
    return instance
  }

  const previousStatus = instance.status
  instance.merge({
    status: action === 'logout' ? 'logged_out' : 'closed',
    statusAt: DateTime.utc(),
    statusReason: null,
    pairing: null,
  })
  if (action === 'logout') {
    instance.writeCredentials(null)
    instance.merge({ accountAddress: null, accountName: null })
  }
  await instance.save()
  broadcastInstance(instance)
  if (instance.status !== previousStatus) {
    await emitDomainEvent('instance:status_changed', {
      tenantId: instance.tenantId,
      instanceId: instance.id,
      channel: instance.channel,
      status: instance.status,
      previousStatus,
      reason: null,
      userId,
    })
  }
  return instance
}

/**
 * Runs a channel action on the instance's live session, such as the
 * sandbox's `scan` or `reply`, and returns the driver's result.
 */
export function performAction(
  instance: ChannelInstance,
  name: string,
  input: Record<string, unknown>
) {
  return sendCommand({ instanceId: instance.id, action: 'perform', name, input })
}

/**
 * Lifts a health pause by an operator's decision: the instance's held
 * campaign sends leave again at their next recheck.
 */
export async function resumeSends(instance: ChannelInstance) {
  instance.pausedForHealth = false
  await instance.save()
  broadcastInstance(instance)
  return instance
}

/** Campaign states in which a campaign may still send through its numbers. */
const SENDING_STATES = ['running', 'paused', 'scheduled']

/**
 * Lists the campaigns of the current tenant that may still send through
 * the instance: running, paused or scheduled ones that have it among their
 * numbers. Deleting the instance would leave them without it.
 */
export async function campaignsUsing(instanceId: number) {
  const campaigns = await Campaign.query()
    .whereIn('state', SENDING_STATES)
    .orderBy('id')
    .select('id', 'name', 'channel_instance_ids')
  return campaigns.filter((campaign) => campaign.channelInstanceIds.includes(instanceId))
}

/**
 * Logs the session out (so a linked device is unlinked at the provider and
 * the driver deletes what it stored), drops the outbound queue and deletes
 * the instance with its messages. `userId` is the member who requested it, or `null`.
 */
export async function deleteInstance(instance: ChannelInstance, userId: number | null = null) {
  if (await isOwned(instance.id)) {
    await sendCommand({ instanceId: instance.id, action: 'logout', userId })
  }
  await getQueue(outboundQueueName(instance.id)).obliterate({ force: true })
  await instance.delete()
  broadcastInstanceDeleted(instance.tenantId, instance.id)
}
