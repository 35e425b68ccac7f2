import { WebSocket } from 'ws'
import {
  decodeBinaryNode,
  encodeBinaryNode,
  type BinaryNode,
  type proto,
} from '@whiskeysockets/baileys'
import type { Companion } from './accounts.js'
import type { KeyPair } from './certificate.js'
import { encodeFrame, FrameReader, NoiseResponder, type NoiseTransport } from './noise_responder.js'

/** What a registration payload (a client without credentials) offers to link. */
export interface PairingRequest {
  refs: string[]
  noiseKey: Buffer
  identityKey: Buffer
  registrationId: number
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer }
  /** A pairing code request (`companion_hello`), when the client asked for one. */
  linkCode?: LinkCodeRequest
}

/** What a `link_code_companion_reg` `companion_hello` carries. */
export interface LinkCodeRequest {
  /** User part of the phone number the client asked to link. */
  user: string
  /** Salt, IV and AES-CTR ciphertext of the companion's pairing ephemeral key. */
  wrappedEphemeral: Buffer
  ref: string
  /** Resolves with the client's `companion_finish` iq. */
  onFinish?: (iq: BinaryNode) => void
}

/** Callbacks a connection hands its decoded traffic to. */
export interface ConnectionHandler {
  onPayload(connection: PeerConnection, payload: proto.ClientPayload): Promise<void>
  onStanza(connection: PeerConnection, stanza: BinaryNode): Promise<void>
  onClose(connection: PeerConnection): void
  /** Called with an error in the peer's handling of the connection's traffic. */
  onError(connection: PeerConnection, error: unknown): void
  /** Called with a transport error, such as a reset by a client process that was killed. */
  onSocketError(connection: PeerConnection, error: Error): void
}

/** Time a client gets to close the socket itself after a stream error, in ms. */
const CLOSE_GRACE_MS = 2_000
const DEFAULT_RESULT_TIMEOUT_MS = 5_000

/**
 * One WebSocket from a client: the noise handshake, then encrypted binary
 * nodes in both directions. Frames are handled one at a time, in order,
 * because the transport counters depend on it.
 */
export class PeerConnection {
  companion?: Companion
  pairing?: PairingRequest
  clientStaticKey?: Buffer
  /** Whether the post-login stanzas (offline queue, history sync) have been sent. */
  welcomed = false

  #responder: NoiseResponder
  #reader = new FrameReader()
  #transport?: NoiseTransport
  #handshakeStep: 'hello' | 'finish' | 'done' = 'hello'
  #chain: Promise<void> = Promise.resolve()
  #waiters = new Map<string, (node: BinaryNode) => void>()
  #closeTimer?: NodeJS.Timeout
  #closed = false

  constructor(
    private socket: WebSocket,
    private handler: ConnectionHandler,
    staticKeyPair: KeyPair,
    certificateChain: Uint8Array
  ) {
    this.#responder = new NoiseResponder(staticKeyPair, certificateChain)
    socket.on('message', (data: Buffer) => {
      this.#chain = this.#chain.then(() => this.#receive(data)).catch((error) => this.#fail(error))
    })
    socket.on('error', (error) => handler.onSocketError(this, error))
    socket.on('close', () => {
      this.#closed = true
      clearTimeout(this.#closeTimer)
      for (const resolve of this.#waiters.values()) {
        resolve({ tag: 'closed', attrs: {} })
      }
      this.#waiters.clear()
      handler.onClose(this)
    })
  }

  get isOpen() {
    return this.socket.readyState === WebSocket.OPEN && this.#handshakeStep === 'done'
  }

  async send(node: BinaryNode): Promise<void> {
    if (!this.#transport || this.#closed) {
      throw new Error(`cannot send <${node.tag}>: the connection is not open`)
    }
    const frame = encodeFrame(this.#transport.encrypt(encodeBinaryNode(node)))
    await new Promise<void>((resolve, reject) => {
      this.socket.send(frame, (error) => (error ? reject(error) : resolve()))
    })
  }

  /** Sends an iq and waits for the client's result or error with the same id. */
  async query(node: BinaryNode, timeoutMs = DEFAULT_RESULT_TIMEOUT_MS): Promise<BinaryNode> {
    const id = node.attrs.id
    const result = new Promise<BinaryNode>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(id)
        reject(new Error(`client sent no answer to <${node.tag} id="${id}"> in ${timeoutMs} ms`))
      }, timeoutMs)
      this.#waiters.set(id, (answer) => {
        clearTimeout(timer)
        resolve(answer)
      })
    })
    await this.send(node)
    return result
  }

  /**
   * Sends a stanza that ends the stream (a stream error or a failure) and
   * lets the client close the socket, as a real server does. The socket is
   * terminated if the client has not closed it within `CLOSE_GRACE_MS`.
   */
  async end(node?: BinaryNode): Promise<void> {
    if (this.#closed) {
      return
    }
    if (node && this.#transport) {
      await this.send(node).catch(() => {})
    }
    this.#closeTimer ??= setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS)
  }

  terminate() {
    this.socket.terminate()
  }

  async #receive(data: Buffer) {
    for (const frame of this.#reader.push(Buffer.from(data))) {
      await this.#receiveFrame(frame)
    }
  }

  async #receiveFrame(frame: Buffer) {
    if (this.#handshakeStep === 'hello') {
      this.#handshakeStep = 'finish'
      await this.#sendRaw(this.#responder.respondToHello(frame))
      return
    }

    if (this.#handshakeStep === 'finish') {
      const { clientStaticKey, clientPayload, transport } = this.#responder.finish(frame)
      this.clientStaticKey = clientStaticKey
      this.#transport = transport
      this.#handshakeStep = 'done'
      await this.handler.onPayload(this, clientPayload)
      return
    }

    const stanza = await decodeBinaryNode(this.#transport!.decrypt(frame))
    if (stanza.tag === 'iq' && ['result', 'error'].includes(stanza.attrs.type)) {
      const waiter = this.#waiters.get(stanza.attrs.id)
      if (waiter) {
        this.#waiters.delete(stanza.attrs.id)
        waiter(stanza)
        return
      }
    }
    await this.handler.onStanza(this, stanza)
  }

  async #sendRaw(frame: Buffer) {
    await new Promise<void>((resolve, reject) => {
      this.socket.send(frame, (error) => (error ? reject(error) : resolve()))
    })
  }

  #fail(error: unknown) {
    // A client that closes while the peer is still sending to it is no peer error.
    if (this.socket.readyState !== WebSocket.OPEN) {
      this.handler.onSocketError(this, error instanceof Error ? error : new Error(String(error)))
      return
    }
    this.handler.onError(this, error)
    this.socket.terminate()
  }
}
