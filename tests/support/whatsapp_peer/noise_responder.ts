import {
  aesDecryptGCM,
  aesEncryptGCM,
  Curve,
  hkdf,
  NOISE_MODE,
  NOISE_WA_HEADER,
  proto,
  sha256,
} from '@whiskeysockets/baileys'
import type { KeyPair } from './certificate.js'

const IV_LENGTH = 12
const FRAME_HEADER_LENGTH = 3
const MAX_FRAME_LENGTH = 0xffffff
const EMPTY = Buffer.alloc(0)

function counterIv(counter: number): Buffer {
  const iv = Buffer.alloc(IV_LENGTH)
  iv.writeUInt32BE(counter, 8)
  return iv
}

/**
 * Prefixes one frame with its 3-byte big-endian length, the framing WhatsApp
 * Web uses inside WebSocket messages.
 */
export function encodeFrame(data: Uint8Array): Buffer {
  if (data.byteLength > MAX_FRAME_LENGTH) {
    throw new Error(`frame of ${data.byteLength} bytes exceeds the 3-byte length limit`)
  }
  const frame = Buffer.alloc(FRAME_HEADER_LENGTH + data.byteLength)
  frame.writeUIntBE(data.byteLength, 0, FRAME_HEADER_LENGTH)
  frame.set(data, FRAME_HEADER_LENGTH)
  return frame
}

/**
 * Splits the byte stream of one WebSocket connection into frames. The first
 * bytes a client sends are the `WA` intro header, which is checked and
 * dropped before the first frame.
 */
export class FrameReader {
  #buffer: Buffer = EMPTY
  #headerSeen = false

  push(data: Buffer): Buffer[] {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, data]) : data

    if (!this.#headerSeen) {
      if (this.#buffer.length < NOISE_WA_HEADER.length) {
        return []
      }
      const header = this.#buffer.subarray(0, NOISE_WA_HEADER.length)
      if (!header.equals(NOISE_WA_HEADER)) {
        throw new Error(`invalid intro header ${header.toString('hex')}, expected WA header`)
      }
      this.#buffer = this.#buffer.subarray(NOISE_WA_HEADER.length)
      this.#headerSeen = true
    }

    const frames: Buffer[] = []
    while (this.#buffer.length >= FRAME_HEADER_LENGTH) {
      const length = this.#buffer.readUIntBE(0, FRAME_HEADER_LENGTH)
      if (this.#buffer.length < FRAME_HEADER_LENGTH + length) {
        break
      }
      frames.push(this.#buffer.subarray(FRAME_HEADER_LENGTH, FRAME_HEADER_LENGTH + length))
      this.#buffer = this.#buffer.subarray(FRAME_HEADER_LENGTH + length)
    }
    return frames
  }
}

/** AES-256-GCM keys and counters once the handshake is over. */
export class NoiseTransport {
  #readCounter = 0
  #writeCounter = 0

  constructor(
    private encryptKey: Uint8Array,
    private decryptKey: Uint8Array
  ) {}

  encrypt(plaintext: Uint8Array): Buffer {
    return aesEncryptGCM(plaintext, this.encryptKey, counterIv(this.#writeCounter++), EMPTY)
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    return aesDecryptGCM(ciphertext, this.decryptKey, counterIv(this.#readCounter++), EMPTY)
  }
}

/** What the responder learns from a finished handshake. */
export interface HandshakeResult {
  clientStaticKey: Buffer
  clientPayload: proto.ClientPayload
  transport: NoiseTransport
}

/**
 * The responder side of `Noise_XX_25519_AESGCM_SHA256` as WhatsApp Web runs
 * it: the prologue is the `WA` header, the server hello carries the server's
 * static key and a certificate chain for it, and the client finish carries
 * the client's static key (Baileys' `noiseKey`) and its `ClientPayload`.
 */
export class NoiseResponder {
  #hash: Buffer
  #salt: Buffer
  #key: Buffer
  #counter = 0
  #ephemeral: KeyPair = Curve.generateKeyPair()

  /**
   * @param certificateChain the encoded `CertChain` for `staticKeyPair`,
   * built once per server because signing it is the slow part of a handshake
   */
  constructor(
    private staticKeyPair: KeyPair,
    private certificateChain: Uint8Array
  ) {
    const mode = Buffer.from(NOISE_MODE)
    this.#hash = mode.byteLength === 32 ? mode : sha256(mode)
    this.#salt = this.#hash
    this.#key = this.#hash
    this.#authenticate(NOISE_WA_HEADER)
  }

  /** Builds the server hello frame that replies to the client hello frame. */
  respondToHello(frame: Buffer): Buffer {
    const clientEphemeral = proto.HandshakeMessage.decode(frame).clientHello?.ephemeral
    if (!clientEphemeral || clientEphemeral.length !== 32) {
      throw new Error('client hello has no 32-byte ephemeral key')
    }
    this.#clientEphemeral = Buffer.from(clientEphemeral)
    this.#authenticate(this.#clientEphemeral)

    this.#authenticate(this.#ephemeral.public)
    this.#mixIntoKey(Curve.sharedKey(this.#ephemeral.private, this.#clientEphemeral))
    const encryptedStatic = this.#encrypt(this.staticKeyPair.public)
    this.#mixIntoKey(Curve.sharedKey(this.staticKeyPair.private, this.#clientEphemeral))
    const encryptedCertificate = this.#encrypt(this.certificateChain)

    const hello = proto.HandshakeMessage.encode({
      serverHello: {
        ephemeral: this.#ephemeral.public,
        static: encryptedStatic,
        payload: encryptedCertificate,
      },
    }).finish()
    return encodeFrame(hello)
  }

  /** Reads the client finish frame and derives the transport keys. */
  finish(frame: Buffer): HandshakeResult {
    const clientFinish = proto.HandshakeMessage.decode(frame).clientFinish
    if (!clientFinish?.static || !clientFinish.payload) {
      throw new Error('client finish has no static key or payload')
    }
    const clientStaticKey = this.#decrypt(clientFinish.static)
    this.#mixIntoKey(Curve.sharedKey(this.#ephemeral.private, clientStaticKey))
    const clientPayload = proto.ClientPayload.decode(this.#decrypt(clientFinish.payload))

    // The initiator encrypts with the first half and decrypts with the second.
    const keys = Buffer.from(hkdf(EMPTY, 64, { salt: this.#salt, info: '' }))
    const transport = new NoiseTransport(keys.subarray(32), keys.subarray(0, 32))
    return { clientStaticKey, clientPayload, transport }
  }

  #clientEphemeral: Buffer = EMPTY

  #authenticate(data: Uint8Array) {
    this.#hash = sha256(Buffer.concat([this.#hash, data]))
  }

  #mixIntoKey(sharedSecret: Uint8Array) {
    const keys = Buffer.from(hkdf(Buffer.from(sharedSecret), 64, { salt: this.#salt, info: '' }))
    this.#salt = keys.subarray(0, 32)
    this.#key = keys.subarray(32)
    this.#counter = 0
  }

  #encrypt(plaintext: Uint8Array): Buffer {
    const ciphertext = aesEncryptGCM(plaintext, this.#key, counterIv(this.#counter++), this.#hash)
    this.#authenticate(ciphertext)
    return ciphertext
  }

  #decrypt(ciphertext: Uint8Array): Buffer {
    const plaintext = aesDecryptGCM(ciphertext, this.#key, counterIv(this.#counter++), this.#hash)
    this.#authenticate(ciphertext)
    return plaintext
  }
}
