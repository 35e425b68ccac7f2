import { randomBytes, randomInt } from 'node:crypto'
import { jidDecode, type BinaryNode, type proto } from '@whiskeysockets/baileys'
import type { ReachoutTimelock } from './account_health.js'
import type { KeyPair } from './certificate.js'
import type { PeerConnection } from './connection.js'
import { ProtocolAddress, SignalDevice, type PreKeyBundle } from './signal_device.js'

export const PN_SERVER = 's.whatsapp.net'
export const LID_SERVER = 'lid'

/**
 * Reduces a phone number in international form (`+55 11 98888-7777`) to the
 * digits WhatsApp uses as the user part of a JID.
 */
export function phoneUser(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '')
  if (digits.length < 8 || digits.length > 15) {
    throw new Error(`invalid phone number "${phone}": expected 8 to 15 digits with country code`)
  }
  return digits
}

/**
 * Lists the user parts a Brazilian mobile number can be written as. Brazil
 * added a ninth digit to mobile numbers, so 55 + area code + 9 + eight digits
 * and 55 + area code + eight digits name the same line. Other numbers have one form.
 */
export function phoneVariants(user: string): string[] {
  if (!user.startsWith('55')) {
    return [user]
  }
  if (user.length === 13 && user[4] === '9') {
    return [user, user.slice(0, 4) + user.slice(5)]
  }
  if (user.length === 12 && /[6-9]/.test(user[4])) {
    return [user, `${user.slice(0, 4)}9${user.slice(4)}`]
  }
  return [user]
}

function randomLidUser(): string {
  return `${randomInt(10_000, 99_999)}${randomInt(1_000_000_000, 9_999_999_999)}`
}

/** A device linked to an account through `pair-success`: a Baileys socket. */
export class Companion {
  /** Keys a registration or a pre-key upload sent; the peer hands them out as bundles. */
  registrationId = 0
  identityKey: Buffer = Buffer.alloc(0)
  signedPreKey?: { keyId: number; publicKey: Buffer; signature: Buffer }
  readonly preKeys = new Map<number, Buffer>()
  /** Whether the first login after pairing (with its history sync) has happened. */
  loggedInBefore = false
  /** Stanzas waiting for the companion to connect, delivered as offline stanzas. */
  readonly pending: BinaryNode[] = []
  /** The connection the companion is logged in on, if any. */
  connection?: PeerConnection

  constructor(
    readonly account: Account,
    readonly device: number,
    readonly noiseKey: Buffer,
    readonly keyIndex: number
  ) {}

  get jid() {
    return `${this.account.user}:${this.device}@${PN_SERVER}`
  }

  get lid() {
    return `${this.account.lidUser}:${this.device}@${LID_SERVER}`
  }

  /** Retires one uploaded pre-key, as the server does for each bundle it hands out. */
  takeBundle(): PreKeyBundle {
    if (!this.signedPreKey) {
      throw new Error(`companion ${this.jid} has not sent a signed pre-key yet`)
    }
    const [first] = this.preKeys.keys()
    const bundle: PreKeyBundle = {
      registrationId: this.registrationId,
      identityKey: this.identityKey,
      signedPreKey: this.signedPreKey,
    }
    if (first !== undefined) {
      bundle.preKey = { keyId: first, publicKey: this.preKeys.get(first)! }
      this.preKeys.delete(first)
    }
    return bundle
  }
}

/** A message a simulated device decrypted. */
export interface ReceivedMessage {
  id: string
  /** The device JID the message came from. */
  from: string
  /** The `to` JID the sender addressed: the account's phone-number JID or its `@lid`. */
  to: string
  type: 'pkmsg' | 'msg'
  message: proto.Message
  /** The text of a conversation or extended text message, else `undefined`. */
  text?: string
  /** The decrypted file of an image, video, audio, document or sticker message. */
  media?: Buffer
}

/**
 * A WhatsApp account: its phone (device 0, a simulated Signal device) and the
 * companions linked to it.
 */
export class Account {
  readonly user: string
  readonly lidUser: string
  readonly phone = new SignalDevice()
  readonly companions = new Map<number, Companion>()
  /** Whether logins are rejected with 403, as for a number WhatsApp banned. */
  banned = false
  /**
   * Whether the account may only write to existing chats: a message to a
   * contact that has never written to it gets `<ack error="463">`.
   */
  restricted = false
  /** Users (phone-number user parts) of contacts that have written to this account. */
  readonly chats = new Set<string>()
  /** The account's reach-out time lock, reported by `w:mex` queries; inactive by default. */
  reachoutTimelock: ReachoutTimelock = { active: false }
  /** Key the phone signs linked devices with (the ADV account signature key): its identity key. */
  get accountKey(): KeyPair {
    return this.phone.identity
  }
  #nextDevice = 1
  #nextKeyIndex = 1

  constructor(user: string, options: { lid?: string; name?: string } = {}) {
    this.user = user
    this.name = options.name ?? `Contact ${user.slice(-4)}`
    if (options.lid) {
      const decoded = jidDecode(options.lid)
      if (!decoded || decoded.server !== LID_SERVER || !/^\d+$/.test(decoded.user)) {
        throw new Error(`invalid lid "${options.lid}": expected digits followed by @lid`)
      }
      this.lidUser = decoded.user
    } else {
      this.lidUser = randomLidUser()
    }
  }

  readonly name: string

  get jid() {
    return `${this.user}@${PN_SERVER}`
  }

  get lid() {
    return `${this.lidUser}@${LID_SERVER}`
  }

  linkCompanion(noiseKey: Buffer): Companion {
    const companion = new Companion(this, this.#nextDevice++, noiseKey, this.#nextKeyIndex++)
    this.companions.set(companion.device, companion)
    return companion
  }

  /** Device ids with the key index WhatsApp lists for them in a device list. */
  deviceList(): { id: number; keyIndex?: number }[] {
    return [
      { id: 0 },
      ...[...this.companions.values()].map((companion) => ({
        id: companion.device,
        keyIndex: companion.keyIndex,
      })),
    ]
  }
}

/** Returns the Signal address a simulated device stores its session with a companion under. */
export function companionAddress(companion: Companion): ProtocolAddress {
  return new ProtocolAddress(companion.account.user, companion.device)
}

export function randomMessageId(): string {
  return `3EB0${randomBytes(9).toString('hex').toUpperCase()}`
}
