import { randomBytes, randomInt } from 'node:crypto'
import {
  Curve,
  getBinaryNodeChild,
  hmacSign,
  proto,
  S_WHATSAPP_NET,
  WA_ADV_ACCOUNT_SIG_PREFIX,
  WA_ADV_DEVICE_SIG_PREFIX,
} from '@whiskeysockets/baileys'
import type { Account, Companion } from './accounts.js'
import { verifyCurveSignature } from './certificate.js'
import type { PairingRequest, PeerConnection } from './connection.js'
import { unixSeconds } from './stanzas.js'

const QR_PREFIX = 'https://wa.me/settings/linked_devices#'

/** The fields of a pairing QR string, in the order Baileys joins them. */
export interface PairingQr {
  ref: string
  noiseKey: Buffer
  identityKey: Buffer
  advSecret: Buffer
  platformId: string
}

export function parsePairingQr(qr: string): PairingQr {
  const fields = (qr.startsWith(QR_PREFIX) ? qr.slice(QR_PREFIX.length) : qr).split(',')
  if (fields.length < 4 || fields.slice(0, 4).some((field) => !field)) {
    throw new Error(
      `invalid pairing QR "${qr.slice(0, 60)}": expected ref,noiseKey,identityKey,advSecret[,platform]`
    )
  }
  const [ref, noiseKey, identityKey, advSecret, platformId = ''] = fields
  return {
    ref,
    noiseKey: Buffer.from(noiseKey, 'base64'),
    identityKey: Buffer.from(identityKey, 'base64'),
    advSecret: Buffer.from(advSecret, 'base64'),
    platformId,
  }
}

/** Random pairing references as the server sends them in `<pair-device>`. */
export function newPairingRefs(count: number): string[] {
  return Array.from({ length: count }, () => `2@${randomBytes(48).toString('base64')}`)
}

/**
 * Encodes the device identity the phone sends in `pair-success`: the device
 * details signed by the account key, wrapped in an HMAC-SHA256 keyed with the
 * QR's adv secret.
 */
function signedDeviceIdentity(account: Account, companion: Companion, advSecret: Buffer) {
  const details = proto.ADVDeviceIdentity.encode({
    rawId: randomInt(1, 0x7fffffff),
    timestamp: Math.floor(Date.now() / 1000),
    keyIndex: companion.keyIndex,
  }).finish()
  const accountSignature = Curve.sign(
    account.accountKey.private,
    Buffer.concat([WA_ADV_ACCOUNT_SIG_PREFIX, details, companion.identityKey])
  )
  const signed = proto.ADVSignedDeviceIdentity.encode({
    details,
    accountSignatureKey: account.accountKey.public,
    accountSignature,
  }).finish()
  const hmac = hmacSign(signed, advSecret)
  return {
    details,
    encoded: proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac }).finish(),
  }
}

/** Checks the device signature the companion adds in its `pair-device-sign` result. */
function verifyDeviceSignature(account: Account, companion: Companion, answer: Uint8Array) {
  const identity = proto.ADVSignedDeviceIdentity.decode(answer)
  const message = Buffer.concat([
    WA_ADV_DEVICE_SIG_PREFIX,
    identity.details ?? Buffer.alloc(0),
    companion.identityKey,
    account.accountKey.public,
  ])
  if (
    !identity.deviceSignature ||
    !verifyCurveSignature(companion.identityKey, message, identity.deviceSignature)
  ) {
    throw new Error(
      `companion ${companion.jid} answered pair-success with an invalid device signature`
    )
  }
}

/**
 * Runs the phone's side of linking on an open registration connection, once
 * the adv secret is known from the QR or the pairing code. Sends
 * `pair-success`, checks the companion's signed result, then sends stream
 * error 515 so the client restarts.
 */
export async function completePairing(
  connection: PeerConnection,
  request: PairingRequest,
  account: Account,
  advSecret: Buffer,
  platform: string
): Promise<Companion> {
  const companion = account.linkCompanion(request.noiseKey)
  companion.identityKey = request.identityKey
  companion.registrationId = request.registrationId
  companion.signedPreKey = request.signedPreKey

  const identity = signedDeviceIdentity(account, companion, advSecret)
  const answer = await connection.query({
    tag: 'iq',
    attrs: {
      from: S_WHATSAPP_NET,
      type: 'set',
      id: `pair-${randomBytes(4).toString('hex')}`,
      t: unixSeconds(),
    },
    content: [
      {
        tag: 'pair-success',
        attrs: {},
        content: [
          {
            tag: 'device-identity',
            attrs: { 'key-index': companion.keyIndex.toString() },
            content: identity.encoded,
          },
          { tag: 'platform', attrs: { name: platform } },
          { tag: 'device', attrs: { jid: companion.jid, lid: companion.lid } },
        ],
      },
    ],
  })

  try {
    const signedIdentity = getBinaryNodeChild(
      getBinaryNodeChild(answer, 'pair-device-sign'),
      'device-identity'
    )
    if (answer.attrs.type !== 'result' || !(signedIdentity?.content instanceof Uint8Array)) {
      throw new Error(
        `companion rejected pair-success with <${answer.tag} type="${answer.attrs.type}">`
      )
    }
    verifyDeviceSignature(account, companion, signedIdentity.content)
  } catch (error) {
    account.companions.delete(companion.device)
    throw error
  }

  await connection.end({ tag: 'stream:error', attrs: { code: '515' } })
  return companion
}
