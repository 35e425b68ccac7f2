import { createServer, type Server } from 'node:http'
import type { Agent } from 'node:https'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  Curve,
  jidDecode,
  S_WHATSAPP_NET,
  type BinaryNode,
  type proto,
} from '@whiskeysockets/baileys'
import {
  Account,
  LID_SERVER,
  phoneUser,
  phoneVariants,
  randomMessageId,
  type Companion,
} from './accounts.js'
import {
  buildCertificateChain,
  type CertificateChainKind,
  peerCertificate,
  type KeyPair,
  type PeerCertificate,
} from './certificate.js'
import { PeerConnection, type ConnectionHandler, type PairingRequest } from './connection.js'
import { SimulatedContact } from './contact.js'
import { answerIq } from './iq_handlers.js'
import {
  IqFailures,
  timelockNotification,
  type IqFailure,
  type ReachoutTimelock,
} from './account_health.js'
import { MediaServer } from './media_server.js'
import { routeCompanionMessage } from './message_routing.js'
import { completePairing, newPairingRefs, parsePairingQr } from './pairing.js'
import { exchangePairingCode } from './pairing_code.js'
import {
  disconnectStanza,
  replacedStanza,
  sendHistorySync,
  type DisconnectCode,
} from './server_stanzas.js'
import type { PreKeyBundle } from './signal_device.js'
import { iqError, unixSeconds } from './stanzas.js'

/** The subset of a pino logger the peer writes to. */
export interface PeerLogger {
  debug(object: object, message: string): void
  info(object: object, message: string): void
  warn(object: object, message: string): void
}

export interface WhatsAppPeerOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number
  /** Pairing references sent in `<pair-device>`, one QR each. Default 6. */
  qrRefs?: number
  /** Where the peer logs what it could not handle. Default: nothing is logged. */
  logger?: PeerLogger
  /**
   * Whether to run the HTTPS media host, so Baileys can upload media when
   * given `fetchAgent: peer.mediaAgent`. It needs the `openssl` command for
   * its self-signed certificate. Default false.
   */
  media?: boolean
  /**
   * Certificate chain of the server hello. `valid` (default) chains to the
   * test root. A client must reject the others: `untrusted-root` signs the
   * intermediate with a key other than the test root, and `tampered-leaf`
   * flips a bit of the leaf's signature.
   */
  certificateChain?: CertificateChainKind
}

export interface AddContactOptions {
  /** Phone number in international form, e.g. `+5511988887777`. */
  phone: string
  /** The contact's privacy address, e.g. `123456789012345@lid`; random by default. */
  lid?: string
  /** Push name the contact's messages carry. */
  name?: string
  /**
   * Receipts the contact's phone sends by itself for each new message, as an
   * online phone does: `delivered`, or `read` (a delivered receipt, then a
   * read one). Default: none, so tests send them with `sendReceipt`.
   */
  autoReceipt?: 'delivered' | 'read'
}

export interface ScanQrOptions {
  /** Phone number of the account that links the companion. */
  phone: string
  /** Platform name `pair-success` reports (Baileys stores it as `creds.platform`). Default `android`. */
  platform?: string
}

const silentLogger: PeerLogger = { debug() {}, info() {}, warn() {} }
const CHAT_PATH = '/ws/chat'
/** Time `enterPairingCode` waits for the client's `companion_hello`, in ms. */
const PAIRING_CODE_WAIT_MS = 2_000

/**
 * A WhatsApp Web server on 127.0.0.1 for tests: it speaks the noise
 * handshake, pairing, login, usync, pre-key and message stanzas that an
 * unmodified Baileys 7 socket uses, and simulates the phones on the other side.
 */
export class WhatsAppPeer implements ConnectionHandler {
  readonly url: string
  readonly certificate: PeerCertificate = peerCertificate
  readonly log: PeerLogger
  /** Stanzas the peer has no handler for, for tests to inspect. */
  readonly unhandled: BinaryNode[] = []
  /** Errors raised while handling client traffic. */
  readonly errors: unknown[] = []

  /** Iq errors planned with `failNextIq`. */
  readonly iqFailures = new IqFailures()

  #accounts = new Map<string, Account>()
  #lids = new Map<string, Account>()
  #contacts = new Map<string, SimulatedContact>()
  #connections = new Set<PeerConnection>()
  #pairings = new Map<string, PeerConnection>()
  #staticKey: KeyPair = Curve.generateKeyPair()
  #certificateChain: Uint8Array

  constructor(
    private server: Server,
    private sockets: WebSocketServer,
    private options: WhatsAppPeerOptions,
    /** The HTTPS media host, when started with `media: true`. */
    readonly media?: MediaServer
  ) {
    const { port } = server.address() as AddressInfo
    this.url = `ws://127.0.0.1:${port}${CHAT_PATH}`
    this.log = options.logger ?? silentLogger
    this.#certificateChain = buildCertificateChain(
      this.#staticKey.public,
      options.certificateChain ?? 'valid'
    )
    sockets.on('error', (error) => this.log.warn({ err: error }, 'whatsapp peer server error'))
    sockets.on('connection', (socket: WebSocket) => {
      this.#connections.add(
        new PeerConnection(socket, this, this.#staticKey, this.#certificateChain)
      )
    })
  }

  /** The `https.Agent` that trusts the media host, for Baileys' `fetchAgent` option. */
  get mediaAgent(): Agent {
    if (!this.media) {
      throw new Error(
        'the peer runs no media host: start it with startWhatsAppPeer({ media: true })'
      )
    }
    return this.media.agent
  }

  /** Registers a WhatsApp user that companions can message. */
  addContact(options: AddContactOptions): SimulatedContact {
    const user = phoneUser(options.phone)
    if (this.findAccountByPhone(user)) {
      throw new Error(`a WhatsApp account for ${options.phone} already exists on the peer`)
    }
    const account = this.#register(new Account(user, options))
    const contact = new SimulatedContact(account, this)
    contact.autoReceipt = options.autoReceipt
    this.#contacts.set(user, contact)
    return contact
  }

  /** Returns the contact registered for `phone`, with either Brazilian form of the number. */
  contact(phone: string): SimulatedContact {
    const account = this.findAccountByPhone(phone)
    const contact = account && this.#contacts.get(account.user)
    if (!contact) {
      throw new Error(`no contact for ${phone} on the peer: call addContact({ phone }) first`)
    }
    return contact
  }

  /** Returns the account for `phone` (a contact or an account with linked companions). */
  account(phone: string): Account {
    const account = this.findAccountByPhone(phone)
    if (!account) {
      throw new Error(`no WhatsApp account for ${phone} on the peer`)
    }
    return account
  }

  /**
   * Plays the phone scanning a QR that Baileys emitted: links a companion to
   * the account of `phone` (created when missing), sends a signed
   * `pair-success` and then stream error 515. Resolves once the companion's
   * signed result has been checked.
   */
  async scanQr(qr: string, options: ScanQrOptions): Promise<{ jid: string; lid: string }> {
    const parsed = parsePairingQr(qr)
    const connection = this.#pairings.get(parsed.ref)
    const request = connection?.pairing
    if (!connection || !request || !connection.isOpen) {
      throw new Error(
        `QR ref "${parsed.ref.slice(0, 12)}..." belongs to no open pairing connection`
      )
    }
    if (
      !parsed.noiseKey.equals(request.noiseKey) ||
      !parsed.identityKey.equals(request.identityKey)
    ) {
      throw new Error('QR keys differ from the keys the client registered with')
    }

    const account = this.#accountFor(phoneUser(options.phone))
    return this.#link(connection, request, account, parsed.advSecret, options.platform)
  }

  /**
   * Plays the phone entering the pairing code that Baileys'
   * `requestPairingCode` returned: exchanges the link-code keys, then sends
   * a signed `pair-success` and stream error 515 as a QR scan does.
   */
  async enterPairingCode(
    code: string,
    options: { platform?: string } = {}
  ): Promise<{ jid: string; lid: string }> {
    const connection = await this.#waitForPairingCodeRequest()
    const request = connection?.pairing
    const link = request?.linkCode
    if (!connection || !request || !link) {
      throw new Error(
        'no open connection has requested a pairing code: call requestPairingCode first'
      )
    }

    const account = this.#accountFor(link.user)
    const advSecret = await exchangePairingCode(connection, link, account, code.replace(/-/g, ''))
    // Lets the result of companion_finish reach the client before pair-success.
    await new Promise((resolve) => setImmediate(resolve))
    return this.#link(connection, request, account, advSecret, options.platform)
  }

  /**
   * Sends the server stanza for a disconnect reason to the companion logged
   * in as `jid` (a device JID such as `5511999990001:1@s.whatsapp.net`), so
   * Baileys ends the socket with that status code. 401 also unlinks the companion.
   */
  async disconnect(jid: string, code: DisconnectCode): Promise<void> {
    const companion = this.#companionByJid(jid)
    const connection = companion?.connection
    if (!companion || !connection?.isOpen) {
      throw new Error(`no companion is connected as ${jid}`)
    }
    if (code === 401) {
      this.unlinkCompanion(companion)
    }
    if (code === 428) {
      connection.terminate()
      return
    }
    await connection.end(disconnectStanza(code))
  }

  /**
   * Sets the reach-out time lock of `phone`'s account, pushes it to every
   * companion as WhatsApp's `mex` notification (Baileys emits it as
   * `connection.update` `reachoutTimeLock`) and reports it to `w:mex` queries.
   */
  async setReachoutTimelock(phone: string, lock: ReachoutTimelock): Promise<void> {
    const account = this.account(phone)
    account.reachoutTimelock = lock
    for (const companion of account.companions.values()) {
      await this.deliver(companion, timelockNotification(lock))
    }
  }

  /**
   * Bans `phone`'s account: its connected companions get `<failure
   * reason="403">`, and so does every later login until `unban`.
   */
  async ban(phone: string): Promise<void> {
    const account = this.account(phone)
    account.banned = true
    for (const companion of account.companions.values()) {
      if (companion.connection?.isOpen) {
        await companion.connection.end(disconnectStanza(403))
      }
    }
  }

  unban(phone: string) {
    this.account(phone).banned = false
  }

  /**
   * Restricts `phone`'s account to existing chats, as WhatsApp does for a
   * number it flags: messages to a contact that has never written to the
   * account get `<ack error="463">`, replies in existing chats go through.
   * `false` lifts the restriction.
   */
  restrict(phone: string, restricted = true) {
    this.account(phone).restricted = restricted
  }

  /**
   * Makes the next iqs of one namespace fail with an error result, as
   * WhatsApp rejects a rate-limited usync with 429 `rate-overlimit`.
   */
  failNextIq(failure: IqFailure) {
    this.iqFailures.add(failure)
  }

  /** Stops the server and drops every connection. */
  async close(): Promise<void> {
    for (const connection of this.#connections) {
      connection.terminate()
    }
    await new Promise<void>((resolve) => this.sockets.close(() => resolve()))
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    await this.media?.close()
  }

  findAccountByPhone(phone: string): Account | undefined {
    const user = phone.replace(/\D/g, '')
    for (const variant of phoneVariants(user)) {
      const account = this.#accounts.get(variant)
      if (account) {
        return account
      }
    }
  }

  /** Finds the account of a user or device JID, by phone number or by `@lid`. */
  findAccountByJid(jid: string | undefined): Account | undefined {
    const decoded = jid ? jidDecode(jid) : undefined
    if (!decoded) {
      return undefined
    }
    return decoded.server === LID_SERVER
      ? this.#lids.get(decoded.user)
      : this.#accounts.get(decoded.user)
  }

  /** Returns the account a contact messages: `phone`'s, or the only one with linked companions. */
  linkedAccount(phone?: string): Account {
    if (phone) {
      return this.account(phone)
    }
    const linked = [...this.#accounts.values()].filter((account) => account.companions.size)
    if (linked.length !== 1) {
      const phones = linked.map((account) => `+${account.user}`).join(', ') || 'none'
      throw new Error(`pass { to } to choose the linked account: linked accounts are ${phones}`)
    }
    return linked[0]
  }

  /** Hands out a pre-key bundle for a device JID, as the `encrypt` key fetch does. */
  takeBundle(jid: string): PreKeyBundle | undefined {
    const account = this.findAccountByJid(jid)
    const device = jidDecode(jid)?.device ?? 0
    if (!account) {
      return undefined
    }
    return device === 0 ? account.phone.takeBundle() : account.companions.get(device)?.takeBundle()
  }

  deviceOf(jid: string): { account: Account; companion?: Companion } | undefined {
    const account = this.findAccountByJid(jid)
    const device = jidDecode(jid)?.device ?? 0
    if (!account || (device !== 0 && !account.companions.has(device))) {
      return undefined
    }
    return { account, companion: device === 0 ? undefined : account.companions.get(device) }
  }

  contactOf(account: Account): SimulatedContact | undefined {
    return this.#contacts.get(account.user)
  }

  unlinkCompanion(companion: Companion) {
    companion.account.companions.delete(companion.device)
  }

  unhandledIq(iq: BinaryNode): BinaryNode {
    this.unhandled.push(iq)
    this.log.warn(
      { xmlns: iq.attrs.xmlns, type: iq.attrs.type },
      'whatsapp peer has no answer for iq'
    )
    return iqError(iq, 501, 'feature-not-implemented')
  }

  /**
   * Sends a stanza to a companion, or queues it with the `offline` attribute
   * until the companion next logs in.
   */
  async deliver(companion: Companion, stanza: BinaryNode) {
    const connection = companion.connection
    if (connection?.isOpen && connection.welcomed) {
      try {
        await connection.send(stanza)
        return
      } catch (error) {
        this.log.info(
          { err: error, jid: companion.jid },
          'whatsapp peer queued a stanza after a failed send'
        )
      }
    }
    companion.pending.push({ ...stanza, attrs: { ...stanza.attrs, offline: '1' } })
  }

  async onPayload(connection: PeerConnection, payload: proto.ClientPayload) {
    if (payload.devicePairingData) {
      await this.#startPairing(connection, payload.devicePairingData)
      return
    }
    await this.#login(connection, payload)
  }

  async onStanza(connection: PeerConnection, stanza: BinaryNode) {
    if (stanza.tag === 'iq' && ['result', 'error'].includes(stanza.attrs.type)) {
      return
    }
    if (stanza.tag === 'iq') {
      await connection.send(await answerIq(this, connection, stanza))
      if (stanza.attrs.xmlns === 'passive' && connection.companion && !connection.welcomed) {
        await this.#welcome(connection, connection.companion)
      }
      return
    }
    if (stanza.tag === 'message' && connection.companion) {
      await routeCompanionMessage(this, connection, connection.companion, stanza)
      return
    }
    if (stanza.tag === 'receipt' && connection.companion) {
      await this.#handleCompanionReceipt(connection.companion, stanza)
      return
    }
    if (stanza.tag === 'chatstate') {
      const account = this.findAccountByJid(stanza.attrs.to)
      const contact = account && this.#contacts.get(account.user)
      const [state] = Array.isArray(stanza.content) ? stanza.content : []
      if (contact && state) {
        contact.chatStates.push(state.attrs.media === 'audio' ? 'recording' : state.tag)
      }
    }
  }

  onClose(connection: PeerConnection) {
    this.#connections.delete(connection)
    for (const ref of connection.pairing?.refs ?? []) {
      this.#pairings.delete(ref)
    }
    if (connection.companion?.connection === connection) {
      connection.companion.connection = undefined
    }
  }

  onError(connection: PeerConnection, error: unknown) {
    this.errors.push(error)
    this.log.warn(
      { err: error, jid: connection.companion?.jid },
      'whatsapp peer dropped a connection after an error'
    )
  }

  onSocketError(connection: PeerConnection, error: Error) {
    this.log.info({ err: error, jid: connection.companion?.jid }, 'whatsapp peer socket error')
  }

  #accountFor(user: string): Account {
    return this.findAccountByPhone(user) ?? this.#register(new Account(user))
  }

  /** Links a companion once the adv secret is known, so its refs no longer pair. */
  async #link(
    connection: PeerConnection,
    request: PairingRequest,
    account: Account,
    advSecret: Buffer,
    platform = 'android'
  ): Promise<{ jid: string; lid: string }> {
    for (const ref of request.refs) {
      this.#pairings.delete(ref)
    }
    const companion = await completePairing(connection, request, account, advSecret, platform)
    return { jid: companion.jid, lid: companion.lid }
  }

  #register(account: Account): Account {
    this.#accounts.set(account.user, account)
    this.#lids.set(account.lidUser, account)
    return account
  }

  /**
   * Finds the connection that sent `companion_hello`. Baileys sends it
   * without waiting for the result, so it may still be in flight when a test
   * enters the code.
   */
  async #waitForPairingCodeRequest(): Promise<PeerConnection | undefined> {
    const deadline = Date.now() + PAIRING_CODE_WAIT_MS
    for (;;) {
      const connection = [...this.#connections].find(
        (candidate) => candidate.isOpen && candidate.pairing?.linkCode
      )
      if (connection || Date.now() > deadline) {
        return connection
      }
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  #companionByJid(jid: string): Companion | undefined {
    const decoded = jidDecode(jid)
    return decoded?.device ? this.findAccountByJid(jid)?.companions.get(decoded.device) : undefined
  }

  async #startPairing(
    connection: PeerConnection,
    data: proto.ClientPayload.IDevicePairingRegistrationData
  ) {
    const pairing: PairingRequest = {
      refs: newPairingRefs(this.options.qrRefs ?? 6),
      noiseKey: connection.clientStaticKey!,
      identityKey: Buffer.from(data.eIdent ?? []),
      registrationId: Buffer.from(data.eRegid ?? []).readUIntBE(0, 4),
      signedPreKey: {
        keyId: Buffer.from(data.eSkeyId ?? []).readUIntBE(0, 3),
        publicKey: Buffer.from(data.eSkeyVal ?? []),
        signature: Buffer.from(data.eSkeySig ?? []),
      },
    }
    connection.pairing = pairing
    for (const ref of pairing.refs) {
      this.#pairings.set(ref, connection)
    }
    await connection.send({
      tag: 'iq',
      attrs: { from: S_WHATSAPP_NET, type: 'set', id: randomMessageId(), xmlns: 'md' },
      content: [
        {
          tag: 'pair-device',
          attrs: {},
          content: pairing.refs.map((ref) => ({
            tag: 'ref',
            attrs: {},
            content: Buffer.from(ref),
          })),
        },
      ],
    })
  }

  async #login(connection: PeerConnection, payload: proto.ClientPayload) {
    const user = payload.username?.toString() ?? ''
    const companion = this.#accounts.get(user)?.companions.get(payload.device ?? 0)
    if (!companion || !connection.clientStaticKey?.equals(companion.noiseKey)) {
      this.log.info(
        { user, device: payload.device },
        'whatsapp peer rejected a login of an unlinked device'
      )
      await connection.end({ tag: 'failure', attrs: { reason: '401', location: 'loopback' } })
      return
    }
    if (companion.account.banned) {
      await connection.end(disconnectStanza(403))
      return
    }

    const previous = companion.connection
    if (previous && previous !== connection && previous.isOpen) {
      await previous.end(replacedStanza())
    }
    companion.connection = connection
    connection.companion = companion
    await connection.send({
      tag: 'success',
      attrs: {
        t: unixSeconds(),
        lid: companion.lid,
        location: 'loopback',
        creation: unixSeconds(),
      },
    })
  }

  /**
   * Sends what a server sends once a client is active: queued offline
   * stanzas, the end of the offline batch, and after a companion's first
   * login the phone's history sync notification.
   */
  async #welcome(connection: PeerConnection, companion: Companion) {
    connection.welcomed = true
    const pending = companion.pending.splice(0)
    for (const stanza of pending) {
      await connection.send(stanza)
    }
    await connection.send({
      tag: 'ib',
      attrs: { from: S_WHATSAPP_NET },
      content: [{ tag: 'offline', attrs: { count: pending.length.toString() } }],
    })
    if (!companion.loggedInBefore) {
      companion.loggedInBefore = true
      const mappings = [...this.#contacts.values()].map((contact) => ({
        pnJid: contact.jid,
        lidJid: contact.lid,
      }))
      await sendHistorySync(connection, companion, mappings)
    }
  }

  /** Records a companion's receipt on the contact, and resends the message for a retry receipt. */
  async #handleCompanionReceipt(companion: Companion, stanza: BinaryNode) {
    const contact = this.findAccountByJid(stanza.attrs.to)
    const simulated = contact && this.#contacts.get(contact.user)
    if (!simulated) {
      return
    }
    const type = stanza.attrs.type ?? 'delivered'
    for (const id of [stanza.attrs.id, ...childIds(stanza)]) {
      simulated.recordReceipt({ id, type, from: companion.jid })
    }
    if (type === 'retry') {
      await simulated.resend(companion, stanza)
    }
  }
}

function childIds(stanza: BinaryNode): string[] {
  const list = Array.isArray(stanza.content)
    ? stanza.content.find((node) => node.tag === 'list')
    : undefined
  return Array.isArray(list?.content) ? list.content.map((item) => item.attrs.id) : []
}

/** Starts a peer listening on 127.0.0.1. */
export async function startWhatsAppPeer(options: WhatsAppPeerOptions = {}): Promise<WhatsAppPeer> {
  const server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n')
  })
  const sockets = new WebSocketServer({ server, path: CHAT_PATH })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const media = options.media ? await MediaServer.start() : undefined
  return new WhatsAppPeer(server, sockets, options, media)
}
