/**
 * Imports the Baileys adapter on first use. Baileys, libsignal and the
 * WhatsApp protobuf definitions added 25 to 35 MB to the resident memory
 * of each built process at boot (Node 24), so only a process that opens a
 * socket or reads an auth state (the channels role) loads them. The web
 * and worker roles define the channel without calling `loadBaileys`.
 */
type BaileysAdapter = typeof import('./baileys_adapter.js')

let adapter: BaileysAdapter | null = null

/** Imports the adapter once and returns it. */
export async function loadBaileys() {
  adapter ??= await import('./baileys_adapter.js')
  return adapter
}

/**
 * Returns the adapter already imported by `loadBaileys`, for synchronous
 * code that only runs once a socket or an auth state is open.
 */
export function baileys() {
  if (!adapter) {
    throw new Error('Baileys is not loaded: await loadBaileys() before using the WhatsApp adapter')
  }
  return adapter
}
