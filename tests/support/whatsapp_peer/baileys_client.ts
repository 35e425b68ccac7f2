import { EventEmitter, once } from 'node:events'
import { pino } from 'pino'
import {
  BufferJSON,
  initAuthCreds,
  makeWASocket,
  type AuthenticationCreds,
  type AuthenticationState,
  type BaileysEventMap,
  type ConnectionState,
  type SignalDataTypeMap,
  type UserFacingSocketConfig,
  type WASocket,
} from '@whiskeysockets/baileys'
import type { WhatsAppPeer } from './peer.js'
// Installs the plugin's signature check into Baileys' `Curve`, so sockets of
// these helpers verify the peer's certificate chain as the product does.
import '../../../plugins/whatsapp/baileys_adapter.js'

/**
 * Credentials and Signal keys kept as `BufferJSON` strings, as a database
 * would keep them, so each socket reads them back the way a restart does.
 */
export class MemoryAuthStore {
  #creds = JSON.stringify(initAuthCreds(), BufferJSON.replacer)
  #keys = new Map<string, string>()

  get creds(): AuthenticationCreds {
    return JSON.parse(this.#creds, BufferJSON.reviver)
  }

  /** Number of stored keys of one type (`pre-key`, `session`, `lid-mapping`, ...). */
  count(type: keyof SignalDataTypeMap): number {
    return [...this.#keys.keys()].filter((key) => key.startsWith(`${type}/`)).length
  }

  /** Deletes every stored key of one type, e.g. `session` to simulate lost Signal sessions. */
  deleteKeys(type: keyof SignalDataTypeMap) {
    for (const key of [...this.#keys.keys()]) {
      if (key.startsWith(`${type}/`)) {
        this.#keys.delete(key)
      }
    }
  }

  /** Builds the state for a new socket and the `creds.update` handler that saves it. */
  state(): { state: AuthenticationState; saveCreds: () => void } {
    const creds = this.creds
    const keys = this.#keys
    const state: AuthenticationState = {
      creds,
      keys: {
        get(type, ids) {
          const result: Record<string, any> = {}
          for (const id of ids) {
            const stored = keys.get(`${type}/${id}`)
            if (stored) {
              result[id] = JSON.parse(stored, BufferJSON.reviver)
            }
          }
          return result
        },
        set(data) {
          for (const [type, values] of Object.entries(data)) {
            for (const [id, value] of Object.entries(values ?? {})) {
              if (value) {
                keys.set(`${type}/${id}`, JSON.stringify(value, BufferJSON.replacer))
              } else {
                keys.delete(`${type}/${id}`)
              }
            }
          }
        },
      },
    }
    const saveCreds = () => {
      this.#creds = JSON.stringify(creds, BufferJSON.replacer)
    }
    return { state, saveCreds }
  }
}

const DEFAULT_WAIT_MS = 5_000

/**
 * A plain Baileys socket pointed at the peer, with the events tests look at
 * recorded in order.
 */
export class BaileysClient {
  readonly updates: Partial<ConnectionState>[] = []
  readonly upserts: BaileysEventMap['messages.upsert'][] = []
  readonly messageUpdates: BaileysEventMap['messages.update'] = []
  readonly credsUpdates: Partial<AuthenticationCreds>[] = []
  readonly #events = new EventEmitter()

  constructor(readonly socket: WASocket) {
    socket.ev.on('connection.update', (update) => this.#record(this.updates, update))
    socket.ev.on('messages.upsert', (upsert) => this.#record(this.upserts, upsert))
    socket.ev.on('messages.update', (updates) => this.#record(this.messageUpdates, ...updates))
    socket.ev.on('creds.update', (update) => this.#record(this.credsUpdates, update))
  }

  get jid() {
    return this.socket.user?.id
  }

  /** Waits for a connection update that matches, counting those already seen. */
  async waitForUpdate(
    matches: (update: Partial<ConnectionState>) => boolean,
    timeoutMs = DEFAULT_WAIT_MS
  ): Promise<Partial<ConnectionState>> {
    return this.#waitFor(() => this.updates.find(matches), timeoutMs, 'connection update')
  }

  async waitForQr(index = 0, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    const qrs = () => this.updates.filter((update) => update.qr).map((update) => update.qr!)
    return this.#waitFor(() => qrs()[index], timeoutMs, `QR number ${index + 1}`)
  }

  /**
   * Waits until Baileys has finished the initial history and app state sync
   * of a first login, which it marks by raising `accountSyncCounter`.
   */
  async waitForInitialSync(timeoutMs = DEFAULT_WAIT_MS) {
    const synced = () => this.credsUpdates.find((update) => update.accountSyncCounter)
    await this.#waitFor(synced, timeoutMs, 'accountSyncCounter update')
  }

  async waitForOpen(timeoutMs = DEFAULT_WAIT_MS) {
    await this.waitForUpdate((update) => update.connection === 'open', timeoutMs)
  }

  /** Waits for the socket to close and returns the status code Baileys reports. */
  async waitForClose(timeoutMs = DEFAULT_WAIT_MS): Promise<number | undefined> {
    const update = await this.waitForUpdate(
      (candidate) => candidate.connection === 'close',
      timeoutMs
    )
    return (update.lastDisconnect?.error as { output?: { statusCode?: number } })?.output
      ?.statusCode
  }

  async waitForUpsert(
    matches: (upsert: BaileysEventMap['messages.upsert']) => boolean,
    timeoutMs = DEFAULT_WAIT_MS
  ) {
    return this.#waitFor(() => this.upserts.find(matches), timeoutMs, 'messages.upsert')
  }

  async waitForMessageUpdate(
    matches: (update: BaileysEventMap['messages.update'][number]) => boolean,
    timeoutMs = DEFAULT_WAIT_MS
  ) {
    return this.#waitFor(() => this.messageUpdates.find(matches), timeoutMs, 'messages.update')
  }

  /**
   * Waits until a message Baileys sent reaches `status` (a
   * `proto.WebMessageInfo.Status` value). Baileys folds a receipt or an ack
   * that arrives within its event buffer window into the own
   * `messages.upsert`, and emits a `messages.update` for later ones, so both are read.
   */
  async waitForStatus(id: string, status: number, timeoutMs = DEFAULT_WAIT_MS) {
    return this.#waitFor(() => this.#statusOf(id, status), timeoutMs, `status ${status} for ${id}`)
  }

  #statusOf(id: string, status: number) {
    for (const upsert of this.upserts) {
      const message = upsert.messages.find((candidate) => candidate.key.id === id)
      if (message?.status === status) {
        return { status, messageStubParameters: message.messageStubParameters ?? undefined }
      }
    }
    const update = this.messageUpdates.find(
      (candidate) => candidate.key.id === id && candidate.update.status === status
    )
    return (
      update && { status, messageStubParameters: update.update.messageStubParameters ?? undefined }
    )
  }

  /** Ends the socket and waits for its close update. */
  async end() {
    if (!this.updates.some((update) => update.connection === 'close')) {
      this.socket.end(undefined)
      await this.waitForClose().catch(() => {})
    }
  }

  #record<T>(list: T[], ...items: T[]) {
    list.push(...items)
    this.#events.emit('event')
  }

  async #waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = find()
      if (found !== undefined) {
        return found
      }
      const remaining = deadline - Date.now()
      if (remaining <= 0) {
        throw new Error(`Baileys emitted no ${what} in ${timeoutMs} ms`)
      }
      await once(this.#events, 'event', { signal: AbortSignal.timeout(remaining) }).catch(() => {})
    }
  }
}

/** Opens a Baileys socket on the peer with the credentials in `store`. */
export function connectBaileys(
  peer: WhatsAppPeer,
  store: MemoryAuthStore,
  config: Partial<UserFacingSocketConfig> = {}
): BaileysClient {
  const { state, saveCreds } = store.state()
  const socket = makeWASocket({
    waWebSocketUrl: peer.url,
    auth: state,
    logger: pino({ level: process.env.BAILEYS_LOG_LEVEL ?? 'silent' }),
    markOnlineOnConnect: false,
    ...config,
  })
  socket.ev.on('creds.update', saveCreds)
  return new BaileysClient(socket)
}

/**
 * Pairs a new Baileys socket by QR as the phone `phone`, lets it restart on
 * stream error 515 as a consumer must, and returns the logged-in socket.
 * `timeoutMs` bounds each wait, for many sockets linking at once.
 */
export async function linkBaileys(
  peer: WhatsAppPeer,
  phone: string,
  config: Partial<UserFacingSocketConfig> = {},
  timeoutMs = DEFAULT_WAIT_MS
): Promise<{ store: MemoryAuthStore; client: BaileysClient }> {
  const store = new MemoryAuthStore()
  const pairing = connectBaileys(peer, store, config)
  const qr = await pairing.waitForQr(0, timeoutMs)
  const restart = pairing.waitForClose(timeoutMs)
  await peer.scanQr(qr, { phone })
  await restart

  const client = connectBaileys(peer, store, config)
  await client.waitForOpen(timeoutMs)
  await client.waitForInitialSync(timeoutMs)
  return { store, client }
}
