import { Exception } from '@adonisjs/core/exceptions'
import db from '@adonisjs/lucid/services/db'
import { sendCommand } from '#services/channels/channel_control'

/**
 * Runs `perform(action, input)` on the driver of an instance of one of a
 * plugin's channels, in the channels process that owns the instance, and
 * resolves with the driver's result. Raises `E_CHANNEL_INSTANCE_NOT_FOUND`
 * (404) when no instance with that id has one of `channelIds`, so a plugin
 * reaches only its own channels' drivers.
 */
export async function performPluginChannelAction(
  pluginName: string,
  channelIds: string[],
  instanceId: number,
  action: string,
  input: Record<string, unknown>
) {
  const found =
    Number.isSafeInteger(instanceId) && instanceId > 0 && channelIds.length > 0
      ? await db
          .from('channel_instances')
          .where('id', instanceId)
          .whereIn('channel', channelIds)
          .select('id')
          .first()
      : null
  if (!found) {
    const channels = channelIds.length > 0 ? channelIds.join(', ') : 'none contributed'
    throw new Exception(
      `Plugin "${pluginName}": no instance ${instanceId} of its channels (${channels}): check the instance id in the request`,
      { code: 'E_CHANNEL_INSTANCE_NOT_FOUND', status: 404 }
    )
  }
  return sendCommand({ instanceId, action: 'perform', name: action, input })
}
