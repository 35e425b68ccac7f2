/**
 * The plugin's only import of Baileys (7.0.0-rc14). Everything else in the
 * plugin works with the plain types of this file, so a new major version of
 * Baileys is a change to this file alone.
 */
import {
  BufferJSON,
  Curve,
  WA_CERT_DETAILS,
  generateSignalPubKey,
  initAuthCreds,
  isLidUser,
  jidDecode,
  jidNormalizedUser,
  makeWASocket,
  proto,
  type AnyMessageContent,
  type AuthenticationCreds,
  type CacheStore,
  type ConnectionState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type WAMessage,
  type WAMessageUpdate,
  type WASocket,
  type proto as ProtoTypes,
} from '@whiskeysockets/baileys'
import { verifySignature } from 'libsignal/src/curve.js'
import type { Agent } from 'node:https'
import type { Logger } from '#sdk'
import { readSettings } from './whatsapp_settings.js'

/**
 * Checks an XEdDSA signature by a 32-byte Curve25519 public key. Returns
 * libsignal's result, or `false` when libsignal throws on a malformed key
 * or signature.
 */
export function verifyCurveSignature(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array
): boolean {
  try {
    return verifySignature(Buffer.from(generateSignalPubKey(publicKey)), message, signature)
  } catch {
    return false
  }
}

// Baileys 7.0.0-rc14's `Curve.verify` returns true for every well-formed
// signature, because libsignal's `verifySignature` returns false on a bad
// one and Baileys only catches exceptions. So neither the Noise certificate chain
// (Utils/noise-handler.js) nor the account signature at pairing
// (Utils/validate-connection.js) was checked, and any server was accepted.
// `Curve` is one plain object shared by every Baileys module, so replacing
// its `verify` here, once at import, fixes every caller.
// NOTE: re-check Utils/crypto.js on each Baileys upgrade, and drop this
// line once Baileys returns libsignal's result itself.
Curve.verify = verifyCurveSignature

/** Baileys' credentials object, opaque to the rest of the plugin. */
export type AuthCreds = AuthenticationCreds

/** Key categories of the Signal store that Baileys 7 reads and writes. */
export type KeyCategory = keyof SignalDataTypeMap

/** A key store with Baileys' `get`/`set` shape, implemented by the plugin. */
export interface KeyStore {
  get(category: KeyCategory, ids: string[]): Promise<Record<string, unknown>>
  set(data: Partial<Record<KeyCategory, Record<string, unknown | null>>>): Promise<void>
}

/** Fresh credentials for an instance that was never paired. */
export function newCreds(): AuthCreds {
  return initAuthCreds()
}

/** Serialises a credential or key value to JSON, with buffers as base64 (Baileys' format). */
export function serializeAuthValue(value: unknown) {
  return JSON.stringify(value, BufferJSON.replacer)
}

/** Reads a value written by `serializeAuthValue`. */
export function deserializeAuthValue(category: KeyCategory | 'creds', text: string): unknown {
  const value = JSON.parse(text, BufferJSON.reviver)
  if (category === 'app-state-sync-key' && value) {
    return proto.Message.AppStateSyncKeyData.fromObject(value)
  }
  return value
}

/**
 * Makes Baileys trust a test certificate root instead of WhatsApp's, for a
 * peer that signs its Noise certificate chain with its own key. The
 * settings module refuses this in production.
 */
const WHATSAPP_ROOT = { publicKey: WA_CERT_DETAILS.PUBLIC_KEY, serial: WA_CERT_DETAILS.SERIAL }

export function trustCertificateRoot(publicKey: Buffer, serial: number) {
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(publicKey)
  WA_CERT_DETAILS.SERIAL = serial
}

/** Makes Baileys trust WhatsApp's own certificate root again. */
export function restoreCertificateRoot() {
  trustCertificateRoot(WHATSAPP_ROOT.publicKey, WHATSAPP_ROOT.serial)
}

/**
 * Reads the settings and applies the certificate root to Baileys. Called
 * each time a socket is made, so a test that points the environment at its
 * own peer is followed without a restart.
 */
export function applySettings(source: NodeJS.ProcessEnv = process.env) {
  const settings = readSettings(source)
  if (settings.testRoot) {
    trustCertificateRoot(settings.testRoot.publicKey, settings.testRoot.serial)
  } else {
    restoreCertificateRoot()
  }
  return settings
}

/** The JID of a phone number in E.164 (`+5511…` to `5511…@s.whatsapp.net`). */
export function phoneJid(e164: string) {
  return `${e164.replace(/^\+/, '')}@s.whatsapp.net`
}

/** The E.164 number of a phone JID, or `null` for any other JID. */
export function jidPhone(jid: string | null | undefined) {
  if (!jid || isLidUser(jid)) {
    return null
  }
  const decoded = jidDecode(jid)
  if (!decoded?.user || (decoded.server !== 's.whatsapp.net' && decoded.server !== 'c.us')) {
    return null
  }
  return `+${decoded.user}`
}

/** Whether a JID is a privacy address (`…@lid`). */
export function isLid(jid: string | null | undefined) {
  return Boolean(jid && isLidUser(jid))
}

/** A JID without its device part, such as `5511…:3@s.whatsapp.net` to `5511…@s.whatsapp.net`. */
export function userJid(jid: string) {
  return jidNormalizedUser(jid)
}

/**
 * The WhatsApp error code of a failed query, such as 429 for
 * `rate-overlimit`: Baileys puts an iq error's code in the error's `data`.
 * `null` when the error carries none.
 */
export function queryErrorCode(error: unknown): number | null {
  const failure = error as { data?: unknown; output?: { statusCode?: number } } | null
  if (typeof failure?.data === 'number' && failure.data > 0) {
    return failure.data
  }
  return null
}

/** Why a socket closed: Baileys' status code and the server's stream error. */
export interface SocketClose {
  /** Baileys' `DisconnectReason` code (401, 408, 428, 440, 515, ...), `null` when unknown. */
  statusCode: number | null
  /** The stream error's `type` attribute, such as `device_removed` on a `conflict`. */
  streamErrorType: string | null
  message: string
}

/** A reach-out time lock reported by WhatsApp: new chats are blocked until `endsAt`. */
export interface ReachoutLock {
  active: boolean
  endsAt: Date | null
  enforcementType: string | null
}

/** A `connection.update` reduced to what the driver uses. */
export interface ConnectionChange {
  connection?: 'connecting' | 'open' | 'close'
  qr?: string
  isNewLogin?: boolean
  closed?: SocketClose
  reachoutLock?: ReachoutLock
}

/** A message of `messages.upsert`, reduced to what the driver uses. */
export interface SocketMessage {
  id: string
  remoteJid: string
  /** The other address of the chat (phone JID for a `@lid` chat, or the reverse). */
  remoteJidAlt: string | null
  participant: string | null
  participantAlt: string | null
  fromMe: boolean
  pushName: string | null
  text: string | null
  /** Id of the quoted message, when the sender replied to one. */
  quotedId: string | null
  media: { mimeType: string; fileName: string | null; download(): Promise<Buffer> } | null
  /** WebMessageInfo status (0 error, 1 pending, 2 server ack, 3 delivered, 4 read, 5 played). */
  status: number | null
  stubParameters: string[]
  timestamp: Date
  /** Whether the message has no content (a protocol or stub message). */
  empty: boolean
}

/** A status change of `messages.update`. */
export interface SocketStatusUpdate {
  id: string
  remoteJid: string
  fromMe: boolean
  status: number
  stubParameters: string[]
}

/** Result of `lookup` for one number. */
export interface NumberLookup {
  /** The number as asked, in E.164. */
  phone: string
  exists: boolean
  /** The JID WhatsApp returned, the one to send to. */
  jid: string | null
  /** The account's privacy address, when WhatsApp returned it. */
  lid: string | null
}

/** Content of one outbound message. */
export type OutboundContent =
  | { kind: 'text'; text: string }
  | {
      kind: 'image' | 'document' | 'audio'
      data: Buffer
      mimeType: string
      fileName: string | null
      caption: string | null
    }

/** The handlers of a socket, registered once when it is made. */
export interface SocketHandlers {
  connection(change: ConnectionChange): void
  /** The credentials changed; the caller saves `socket.creds`. */
  creds(): void
  messages(type: 'notify' | 'append', messages: SocketMessage[]): void
  statuses(updates: SocketStatusUpdate[]): void
  lidMappings(mappings: { lid: string; pn: string }[]): void
}

export interface SocketOptions {
  url: string
  creds: AuthCreds
  keys: KeyStore
  logger: Logger
  handlers: SocketHandlers
  /** Content of a message this instance sent, for retry receipts. */
  getMessage(id: string, remoteJid: string): Promise<Uint8Array | null>
  /** Retry counters, kept by the caller across sockets. */
  retryCounters: CacheStore
  /** Baileys' default query timeout, in milliseconds. @default 60000 */
  queryTimeoutMs?: number
  /** Lifetime of every QR code, in milliseconds. @default undefined (60 s, then 20 s) */
  qrTimeoutMs?: number
  /** HTTPS agent for media uploads and downloads. @default undefined (Node's own) */
  mediaAgent?: Agent
}

/** One Baileys socket, behind the plugin's own interface. */
export interface WhatsAppSocket {
  readonly creds: AuthCreds
  send(jid: string, content: OutboundContent, messageId: string): Promise<SentMessage>
  lookup(phone: string): Promise<NumberLookup>
  presence(jid: string, state: 'composing' | 'paused'): Promise<void>
  requestPairingCode(phone: string): Promise<string>
  phoneOfLid(lid: string): Promise<string | null>
  logout(): Promise<void>
  end(): void
}

/** A message Baileys sent: its id, time and encoded content for `getMessage`. */
export interface SentMessage {
  id: string
  remoteJid: string
  timestamp: Date
  content: Uint8Array
}

/** Baileys' logger interface over a pino logger, quieter than the plugin's own. */
function baileysLogger(logger: Logger) {
  const child = logger.child({ library: 'baileys' })
  child.level = process.env.WHATSAPP_LOG_LEVEL ?? 'warn'
  return child as unknown as Parameters<typeof makeWASocket>[0]['logger']
}

function closeOf(state: Partial<ConnectionState>): SocketClose | undefined {
  if (state.connection !== 'close') {
    return undefined
  }
  const error = state.lastDisconnect?.error as
    | (Error & { output?: { statusCode?: number }; data?: { attrs?: Record<string, string> } })
    | undefined
  return {
    statusCode: error?.output?.statusCode ?? null,
    streamErrorType: error?.data?.attrs?.type ?? null,
    message: error?.message ?? 'connection closed',
  }
}

function connectionChange(state: Partial<ConnectionState>): ConnectionChange {
  const lock = state.reachoutTimeLock
  return {
    connection: state.connection,
    qr: state.qr,
    isNewLogin: state.isNewLogin,
    closed: closeOf(state),
    reachoutLock: lock
      ? {
          active: Boolean(lock.isActive),
          endsAt: lock.timeEnforcementEnds ?? null,
          enforcementType: lock.enforcementType ?? null,
        }
      : undefined,
  }
}

function textOf(message: ProtoTypes.IMessage | null | undefined): string | null {
  if (!message) {
    return null
  }
  return (
    message.conversation ??
    message.extendedTextMessage?.text ??
    message.imageMessage?.caption ??
    message.videoMessage?.caption ??
    message.documentMessage?.caption ??
    message.ephemeralMessage?.message?.conversation ??
    message.ephemeralMessage?.message?.extendedTextMessage?.text ??
    null
  )
}

function quotedIdOf(message: ProtoTypes.IMessage | null | undefined) {
  const context =
    message?.extendedTextMessage?.contextInfo ??
    message?.imageMessage?.contextInfo ??
    message?.documentMessage?.contextInfo ??
    null
  return context?.stanzaId ?? null
}

function mediaOf(info: WAMessage, download: () => Promise<Buffer>): SocketMessage['media'] {
  const message = info.message
  const media = message?.imageMessage ?? message?.documentMessage ?? message?.audioMessage
  if (!media?.mimetype) {
    return null
  }
  const fileName = message?.documentMessage?.fileName ?? null
  return { mimeType: media.mimetype, fileName, download }
}

function timestampOf(value: unknown) {
  const seconds = Number(value ?? 0)
  return seconds > 0 ? new Date(seconds * 1000) : new Date()
}

function socketMessage(info: WAMessage): SocketMessage {
  const key = info.key as WAMessage['key'] & { remoteJidAlt?: string; participantAlt?: string }
  return {
    id: key.id ?? '',
    remoteJid: key.remoteJid ?? '',
    remoteJidAlt: key.remoteJidAlt ?? null,
    participant: key.participant ?? null,
    participantAlt: key.participantAlt ?? null,
    fromMe: Boolean(key.fromMe),
    pushName: info.pushName ?? null,
    text: textOf(info.message),
    quotedId: quotedIdOf(info.message),
    media: mediaOf(info, () => downloadMedia(info)),
    status: info.status ?? null,
    stubParameters: info.messageStubParameters ?? [],
    timestamp: timestampOf(info.messageTimestamp),
    empty: !info.message,
  }
}

/** Fetches an inbound message's media from WhatsApp's media servers, on demand. */
async function downloadMedia(info: WAMessage): Promise<Buffer> {
  const { downloadMediaMessage } = await import('@whiskeysockets/baileys')
  return (await downloadMediaMessage(info, 'buffer', {})) as Buffer
}

function statusUpdates(updates: WAMessageUpdate[]): SocketStatusUpdate[] {
  const result: SocketStatusUpdate[] = []
  for (const { key, update } of updates) {
    if (update.status === undefined || update.status === null || !key.id) {
      continue
    }
    result.push({
      id: key.id,
      remoteJid: key.remoteJid ?? '',
      fromMe: Boolean(key.fromMe),
      status: update.status,
      stubParameters: update.messageStubParameters ?? [],
    })
  }
  return result
}

function messageContent(content: OutboundContent): AnyMessageContent {
  if (content.kind === 'text') {
    // `linkPreview: null` stops Baileys from fetching the first URL of the text.
    return { text: content.text, linkPreview: null }
  }
  const caption = content.caption ?? undefined
  if (content.kind === 'image') {
    return { image: content.data, mimetype: content.mimeType, caption }
  }
  if (content.kind === 'audio') {
    return { audio: content.data, mimetype: content.mimeType }
  }
  return {
    document: content.data,
    mimetype: content.mimeType,
    fileName: content.fileName ?? 'document',
    caption,
  }
}

function wire(socket: WASocket, handlers: SocketHandlers) {
  socket.ev.on('connection.update', (state) => handlers.connection(connectionChange(state)))
  socket.ev.on('creds.update', () => handlers.creds())
  socket.ev.on('messages.upsert', ({ type, messages }) =>
    handlers.messages(type, messages.map(socketMessage))
  )
  socket.ev.on('messages.update', (updates) => handlers.statuses(statusUpdates(updates)))
  socket.ev.on('lid-mapping.update', (mapping) => {
    const list = Array.isArray(mapping) ? mapping : [mapping]
    handlers.lidMappings(list.filter((entry) => entry?.lid && entry?.pn))
  })
}

/**
 * Opens one Baileys socket. Handlers are registered here, once, before the
 * socket's first event. `markOnlineOnConnect` is off, so linking does not
 * silence the phone's notifications, and only the initial history bootstrap
 * is processed.
 */
export function openSocket(options: SocketOptions): WhatsAppSocket {
  const creds = options.creds
  const socket = makeWASocket({
    waWebSocketUrl: options.url,
    auth: { creds, keys: options.keys as never },
    logger: baileysLogger(options.logger),
    markOnlineOnConnect: false,
    syncFullHistory: false,
    // The initial bootstrap carries the phone's LID mappings, which replies
    // from privacy addresses need; the full chat history is never asked for.
    shouldSyncHistoryMessage: ({ syncType }) =>
      syncType === proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP ||
      syncType === proto.HistorySync.HistorySyncType.PUSH_NAME,
    generateHighQualityLinkPreview: false,
    msgRetryCounterCache: options.retryCounters,
    defaultQueryTimeoutMs: options.queryTimeoutMs ?? 60_000,
    qrTimeout: options.qrTimeoutMs,
    fetchAgent: options.mediaAgent,
    getMessage: async (key) => {
      const bytes = await options.getMessage(key.id ?? '', key.remoteJid ?? '')
      return bytes ? proto.Message.decode(bytes) : undefined
    },
  })
  wire(socket, options.handlers)

  return {
    creds,
    async send(jid, content, messageId) {
      const sent = await socket.sendMessage(jid, messageContent(content), { messageId })
      if (!sent?.message) {
        throw new Error(`Baileys returned no message for ${messageId}`)
      }
      return {
        id: sent.key.id ?? messageId,
        remoteJid: sent.key.remoteJid ?? jid,
        timestamp: timestampOf(sent.messageTimestamp),
        content: proto.Message.encode(sent.message).finish(),
      }
    },
    async lookup(phone) {
      // One number per query: WhatsApp drops unknown numbers from the result
      // and may answer with another form of the number (a Brazilian mobile
      // without its ninth digit), so a batch cannot be matched back reliably.
      const [entry] = (await socket.onWhatsApp(phone)) ?? []
      const found = entry as { jid: string; exists: unknown; lid?: unknown } | undefined
      const exists = Boolean(found?.exists) && Boolean(found?.jid)
      return {
        phone,
        exists,
        jid: exists ? jidNormalizedUser(found!.jid) : null,
        lid: typeof found?.lid === 'string' ? found.lid : null,
      }
    },
    async presence(jid, state) {
      await socket.sendPresenceUpdate(state, jid)
    },
    requestPairingCode: (phone) => socket.requestPairingCode(phone.replace(/^\+/, '')),
    phoneOfLid: (lid) => socket.signalRepository.lidMapping.getPNForLID(lid),
    logout: () => socket.logout(),
    end: () => socket.end(undefined),
  }
}

/** Baileys' `KeyStore` data set type, for the auth state's `set`. */
export type KeySet = SignalDataSet
