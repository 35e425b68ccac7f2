import { randomBytes } from 'node:crypto'
import {
  aesDecryptCTR,
  aesDecryptGCM,
  aesEncryptCTR,
  Curve,
  derivePairingCodeKey,
  getBinaryNodeChild,
  hkdf,
  S_WHATSAPP_NET,
  type BinaryNode,
} from '@whiskeysockets/baileys'
import type { Account } from './accounts.js'
import type { LinkCodeRequest, PeerConnection } from './connection.js'
import { childBuffer, contentText, iqResult, unixSeconds } from './stanzas.js'

const SALT_LENGTH = 32
const CTR_IV_LENGTH = 16
const GCM_IV_LENGTH = 12
const KEY_LENGTH = 32
const FINISH_TIMEOUT_MS = 10_000
const BUNDLE_KEY_INFO = 'link_code_pairing_key_bundle_encryption_key'

/** Reads a `companion_hello` and returns the result that carries the pairing ref. */
export function acceptCompanionHello(
  connection: PeerConnection,
  iq: BinaryNode,
  registration: BinaryNode
): BinaryNode {
  const wrappedEphemeral = childBuffer(
    registration,
    'link_code_pairing_wrapped_companion_ephemeral_pub'
  )
  const user = registration.attrs.jid?.split('@')[0]
  if (!connection.pairing || !wrappedEphemeral || !user) {
    throw new Error('companion_hello without a registration, a phone number or a wrapped key')
  }
  const ref = randomBytes(16).toString('hex')
  connection.pairing.linkCode = { user, wrappedEphemeral, ref }
  return iqResult(iq, [
    {
      tag: 'link_code_companion_reg',
      attrs: {},
      content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(ref) }],
    },
  ])
}

async function unwrapWithCode(code: string, wrapped: Buffer): Promise<Buffer> {
  const salt = wrapped.subarray(0, SALT_LENGTH)
  const iv = wrapped.subarray(SALT_LENGTH, SALT_LENGTH + CTR_IV_LENGTH)
  const payload = wrapped.subarray(SALT_LENGTH + CTR_IV_LENGTH, SALT_LENGTH + CTR_IV_LENGTH + 32)
  return aesDecryptCTR(payload, await derivePairingCodeKey(code, salt), iv)
}

async function wrapWithCode(code: string, publicKey: Uint8Array): Promise<Buffer> {
  const salt = randomBytes(SALT_LENGTH)
  const iv = randomBytes(CTR_IV_LENGTH)
  const ciphertext = aesEncryptCTR(publicKey, await derivePairingCodeKey(code, salt), iv)
  return Buffer.concat([salt, iv, ciphertext])
}

function waitForFinish(link: LinkCodeRequest): Promise<BinaryNode> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`client sent no companion_finish in ${FINISH_TIMEOUT_MS} ms`)),
      FINISH_TIMEOUT_MS
    )
    link.onFinish = (iq) => {
      clearTimeout(timer)
      resolve(iq)
    }
  })
}

/**
 * Plays the phone entering a pairing code: sends the primary hello
 * notification, reads the client's `companion_finish` key bundle and derives
 * the adv secret both sides then share. Returns that secret.
 */
export async function exchangePairingCode(
  connection: PeerConnection,
  link: LinkCodeRequest,
  account: Account,
  code: string
): Promise<Buffer> {
  const companionEphemeral = await unwrapWithCode(code, link.wrappedEphemeral)
  const primaryEphemeral = Curve.generateKeyPair()
  const finished = waitForFinish(link)

  await connection.send({
    tag: 'notification',
    attrs: {
      from: S_WHATSAPP_NET,
      type: 'link_code_companion_reg',
      id: randomBytes(8).toString('hex'),
      t: unixSeconds(),
    },
    content: [
      {
        tag: 'link_code_companion_reg',
        attrs: {},
        content: [
          { tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(link.ref) },
          { tag: 'primary_identity_pub', attrs: {}, content: account.phone.identity.public },
          {
            tag: 'link_code_pairing_wrapped_primary_ephemeral_pub',
            attrs: {},
            content: await wrapWithCode(code, primaryEphemeral.public),
          },
        ],
      },
    ],
  })

  const finish = getBinaryNodeChild(await finished, 'link_code_companion_reg')
  const bundle = childBuffer(finish, 'link_code_pairing_wrapped_key_bundle')
  if (!bundle || contentText(getBinaryNodeChild(finish, 'link_code_pairing_ref')) !== link.ref) {
    throw new Error('companion_finish has no key bundle or names another pairing ref')
  }

  const companionShared = Curve.sharedKey(primaryEphemeral.private, companionEphemeral)
  const bundleKey = hkdf(companionShared, KEY_LENGTH, {
    salt: bundle.subarray(0, SALT_LENGTH),
    info: BUNDLE_KEY_INFO,
  })
  let keys: Buffer
  try {
    keys = aesDecryptGCM(
      bundle.subarray(SALT_LENGTH + GCM_IV_LENGTH),
      bundleKey,
      bundle.subarray(SALT_LENGTH, SALT_LENGTH + GCM_IV_LENGTH),
      Buffer.alloc(0)
    )
  } catch {
    throw new Error(`pairing code "${code}" does not match the code the client requested`)
  }

  const companionIdentity = keys.subarray(0, 32)
  const random = keys.subarray(64, 96)
  const identityShared = Curve.sharedKey(account.phone.identity.private, companionIdentity)
  const secret = hkdf(Buffer.concat([companionShared, identityShared, random]), KEY_LENGTH, {
    info: 'adv_secret',
  })
  return Buffer.from(secret)
}
