import { Exception } from '@adonisjs/core/exceptions'
import { randomMessageId } from '#sdk'
import pluginHost from '#plugins/main'

/** Raised for an instance whose channel no active plugin contributes. */
export class UnknownChannelException extends Exception {
  static status = 422
  static code = 'E_CHANNEL_UNKNOWN'
}

/**
 * The channels contributed by the active plugins. Plugins register in every
 * process, so web, worker and channels processes all see them.
 */
export function availableChannels() {
  return pluginHost.channels().map((entry) => entry.channel)
}

/** Returns the configuration fields of channel `id`, or none while no active plugin provides it. */
export function channelConfigFields(id: string) {
  return availableChannels().find((candidate) => candidate.id === id)?.configFields ?? []
}

/** The channel of that id, or `E_CHANNEL_UNKNOWN` naming it. */
export function findChannel(id: string) {
  const channel = availableChannels().find((candidate) => candidate.id === id)
  if (!channel) {
    throw new UnknownChannelException(
      `Channel "${id}" is not provided by any active plugin: enable the plugin that provides it`
    )
  }
  return channel
}

/**
 * Makes a provider message id for a message of channel `id`, with the
 * channel's `createMessageId` or the SDK's default.
 */
export function createMessageId(id: string) {
  return (findChannel(id).createMessageId ?? randomMessageId)()
}
