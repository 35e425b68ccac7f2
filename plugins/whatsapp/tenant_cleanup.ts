import { db } from '#sdk'

/** The plugin's tables, all keyed by the channel instance's id. */
const INSTANCE_TABLES = ['whatsapp_auth_keys', 'whatsapp_sent_messages', 'whatsapp_lid_contacts']

/** Ids per `whereIn`, below SQLite's limit of bound values in one statement. */
const ID_CHUNK = 500

/**
 * Deletes what the plugin stored for the instances of a deleted tenant:
 * linked-device keys, sent message contents and privacy address mappings.
 * A driver deletes them when it logs out, which only a connected instance
 * does, so an instance deleted while offline leaves them here. Returns the
 * rows deleted per table.
 */
export async function deleteInstanceData(instanceIds: number[]) {
  const deleted: Record<string, number> = {}
  for (const table of INSTANCE_TABLES) {
    deleted[table] = 0
    for (let start = 0; start < instanceIds.length; start += ID_CHUNK) {
      const ids = instanceIds.slice(start, start + ID_CHUNK)
      deleted[table] += Number(await db.from(table).whereIn('instance_id', ids).delete())
    }
  }
  return deleted
}
