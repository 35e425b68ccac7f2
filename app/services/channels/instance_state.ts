import type { AccountHealthEvent, ChannelStatusEvent } from '#sdk'
import ChannelInstance from '#models/channel_instance'
import { sqlTime } from '#services/channels/sql_time'

/**
 * Writes of the owner of an instance, fenced: each applies only while the
 * row's `owner_token` equals the writer's token, so a process that lost its
 * lease cannot overwrite what its successor stored. Each returns whether
 * the write applied. Run inside the instance's tenant scope.
 */

/** Records a new owner's token; fails when a newer owner already claimed the row. */
export async function claimInstance(instanceId: number, token: number) {
  const updated = await ChannelInstance.query()
    .where('id', instanceId)
    .where((query) => query.whereNull('owner_token').orWhere('owner_token', '<', token))
    .update({ owner_token: token })
  return affected(updated)
}

export async function storeStatus(instanceId: number, token: number, event: ChannelStatusEvent) {
  const values: Record<string, unknown> = {
    status: event.status,
    status_at: sqlTime(event.at),
    status_reason: event.reason?.slice(0, 500) ?? null,
    pairing: event.pairing
      ? JSON.stringify({
          ...event.pairing,
          expiresAt: event.pairing.expiresAt?.toISOString() ?? null,
        })
      : null,
    updated_at: sqlTime(),
  }
  if (event.account) {
    values.account_address = event.account.address
    values.account_name = event.account.name
  }
  if (event.status === 'logged_out') {
    values.account_address = null
    values.account_name = null
  }
  return fencedUpdate(instanceId, token, values)
}

export async function storeCredentials(
  instance: ChannelInstance,
  token: number,
  credentials: Record<string, unknown> | null
) {
  instance.writeCredentials(credentials)
  return fencedUpdate(instance.id, token, { credentials: instance.credentials })
}

/**
 * Stores a health report: `restricted` pauses the instance's campaign sends
 * and records the reason as its last error, `ok` lifts the pause.
 */
export async function storeHealth(instanceId: number, token: number, event: AccountHealthEvent) {
  const values: Record<string, unknown> = { paused_for_health: event.state === 'restricted' }
  if (event.state === 'restricted') {
    values.last_error = `${event.code}: ${event.reason}`.slice(0, 1000)
    values.last_error_at = sqlTime(event.at)
  }
  return fencedUpdate(instanceId, token, values)
}

export async function storeError(instanceId: number, token: number, message: string) {
  return fencedUpdate(instanceId, token, {
    last_error: message.slice(0, 1000),
    last_error_at: sqlTime(),
  })
}

async function fencedUpdate(instanceId: number, token: number, values: Record<string, unknown>) {
  const updated = await ChannelInstance.query()
    .where('id', instanceId)
    .where('owner_token', token)
    .update(values)
  return affected(updated)
}

/** Number of rows an update changed, from the shapes the MySQL and SQLite clients return. */
function affected(result: unknown) {
  const value = Array.isArray(result) ? result[0] : result
  return Number(value) > 0
}
