import { db } from '#sdk'

/**
 * The simulated WhatsApp account a sandbox instance pairs as: a number in
 * the +999 country code, which E.164 keeps reserved, so it is never a real
 * phone, and a profile name. `connectionName` is the name the member gave
 * the connection, which the account takes as its profile name, as a
 * business names its WhatsApp profile.
 */
export function sandboxAccount(instanceId: number, connectionName: string | null = null) {
  return {
    address: `+999${String(instanceId).padStart(8, '0')}`,
    name: connectionName?.trim() || `Sandbox ${instanceId}`,
  }
}

/** Reads the name the member gave a connection, `null` once it was deleted. */
export async function connectionNameOf(instanceId: number): Promise<string | null> {
  const row = await db.from('channel_instances').where('id', instanceId).select('name').first()
  return row?.name ?? null
}
