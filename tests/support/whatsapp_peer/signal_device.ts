import { randomInt } from 'node:crypto'
import {
  Curve,
  encodeWAMessage,
  generateSignalPubKey,
  proto,
  signedKeyPair,
  unpadRandomMax16,
  type KeyPair,
} from '@whiskeysockets/baileys'
import {
  ProtocolAddress,
  SessionBuilder,
  SessionCipher,
  SessionRecord,
  type SignalStorage,
} from 'libsignal'

type LibsignalKeyPair = { privKey: Buffer; pubKey: Buffer }

/** The public half of a device's keys, as a pre-key bundle carries it (32-byte keys). */
export interface PreKeyBundle {
  registrationId: number
  identityKey: Buffer
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer }
  preKey?: { keyId: number; publicKey: Buffer }
}

/** An encrypted `<enc>` payload. */
export interface EncryptedPayload {
  type: 'pkmsg' | 'msg'
  ciphertext: Buffer
}

const PRE_KEY_BATCH = 10
const SIGNED_PRE_KEY_ID = 1
const PKMSG_TYPE = 3

/** Adds the 0x05 version byte that libsignal expects on public keys. */
function signalKey(publicKey: Uint8Array): Buffer {
  return Buffer.from(generateSignalPubKey(publicKey))
}

function toLibsignal(pair: KeyPair): LibsignalKeyPair {
  return { privKey: Buffer.from(pair.private), pubKey: signalKey(pair.public) }
}

/**
 * Signal keys and sessions of one simulated device (a contact's phone, or the
 * phone of a linked account), kept in memory and run through the `libsignal`
 * package that Baileys itself uses.
 */
export class SignalDevice implements SignalStorage {
  readonly registrationId = randomInt(1, 0x3fff)
  readonly identity = Curve.generateKeyPair()
  readonly signedPreKey = signedKeyPair(this.identity, SIGNED_PRE_KEY_ID)

  #sessions = new Map<string, Uint8Array>()
  #preKeys = new Map<number, LibsignalKeyPair>()
  #unusedPreKeyIds: number[] = []
  #nextPreKeyId = 1

  /** Returns a bundle for a session with this device and retires its one-time pre-key. */
  takeBundle(): PreKeyBundle {
    if (!this.#unusedPreKeyIds.length) {
      this.#generatePreKeys()
    }
    const keyId = this.#unusedPreKeyIds.shift()!
    return {
      registrationId: this.registrationId,
      identityKey: Buffer.from(this.identity.public),
      signedPreKey: {
        keyId: this.signedPreKey.keyId,
        publicKey: Buffer.from(this.signedPreKey.keyPair.public),
        signature: Buffer.from(this.signedPreKey.signature),
      },
      preKey: { keyId, publicKey: this.#preKeys.get(keyId)!.pubKey.subarray(1) },
    }
  }

  forgetSessions() {
    this.#sessions.clear()
  }

  forgetSession(address: ProtocolAddress) {
    this.#sessions.delete(address.toString())
  }

  hasSession(address: ProtocolAddress): boolean {
    const record = this.#sessions.get(address.toString())
    return !!record && SessionRecord.deserialize(record).haveOpenSession()
  }

  /**
   * Encrypts a message for `address`, starting a session from `bundle` when
   * none is open yet (a `pkmsg`), as WhatsApp clients pad and encode it.
   */
  async encryptMessage(
    address: ProtocolAddress,
    message: proto.IMessage,
    bundle?: () => PreKeyBundle | undefined
  ): Promise<EncryptedPayload> {
    if (!this.hasSession(address)) {
      const keys = bundle?.()
      if (!keys) {
        throw new Error(`no session with ${address} and no pre-key bundle to start one`)
      }
      // libsignal accepts a bundle without a one-time pre-key, but its types mark it required.
      const session = {
        registrationId: keys.registrationId,
        identityKey: signalKey(keys.identityKey),
        signedPreKey: {
          keyId: keys.signedPreKey.keyId,
          publicKey: signalKey(keys.signedPreKey.publicKey),
          signature: keys.signedPreKey.signature,
        },
        preKey: keys.preKey && {
          keyId: keys.preKey.keyId,
          publicKey: signalKey(keys.preKey.publicKey),
        },
      } as Parameters<SessionBuilder['initOutgoing']>[0]
      await new SessionBuilder(this, address).initOutgoing(session)
    }
    const { type, body } = await new SessionCipher(this, address).encrypt(
      Buffer.from(encodeWAMessage(message))
    )
    return {
      type: type === PKMSG_TYPE ? 'pkmsg' : 'msg',
      ciphertext: Buffer.from(body, 'binary'),
    }
  }

  /** Decrypts an `<enc>` payload from `address` and decodes the padded message. */
  async decryptMessage(
    address: ProtocolAddress,
    payload: EncryptedPayload
  ): Promise<proto.Message> {
    const cipher = new SessionCipher(this, address)
    const ciphertext = Buffer.from(payload.ciphertext)
    const padded =
      payload.type === 'pkmsg'
        ? await cipher.decryptPreKeyWhisperMessage(ciphertext)
        : await cipher.decryptWhisperMessage(ciphertext)
    return proto.Message.decode(unpadRandomMax16(padded))
  }

  #generatePreKeys() {
    for (let index = 0; index < PRE_KEY_BATCH; index++) {
      const keyId = this.#nextPreKeyId++
      this.#preKeys.set(keyId, toLibsignal(Curve.generateKeyPair()))
      this.#unusedPreKeyIds.push(keyId)
    }
  }

  async loadSession(id: string) {
    const record = this.#sessions.get(id)
    return record ? SessionRecord.deserialize(record) : undefined
  }

  async storeSession(id: string, session: SessionRecord) {
    this.#sessions.set(id, session.serialize())
  }

  /** Trust on first use, as Baileys does. */
  isTrustedIdentity() {
    return true
  }

  async loadPreKey(id: number | string) {
    return this.#preKeys.get(Number(id))
  }

  removePreKey(id: number) {
    this.#preKeys.delete(id)
  }

  loadSignedPreKey() {
    return toLibsignal(this.signedPreKey.keyPair)
  }

  getOurRegistrationId() {
    return this.registrationId
  }

  getOurIdentity() {
    return toLibsignal(this.identity)
  }
}

export { ProtocolAddress }
