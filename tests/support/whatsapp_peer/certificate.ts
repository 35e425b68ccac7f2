import {
  Curve,
  generateSignalPubKey,
  proto,
  WA_CERT_DETAILS,
  type KeyPair,
} from '@whiskeysockets/baileys'
import { verifySignature } from 'libsignal/src/curve.js'

export type { KeyPair }

/**
 * The trust anchor a client must accept, in the shape of Baileys' exported
 * `WA_CERT_DETAILS`, so a test can `Object.assign(WA_CERT_DETAILS, certificate)`.
 */
export interface PeerCertificate {
  SERIAL: number
  ISSUER: string
  PUBLIC_KEY: Buffer
}

/** Serial Baileys 7.0.0-rc14 expects as the intermediate's issuer (`WA_CERT_DETAILS.SERIAL`). */
const ROOT_SERIAL = 0
const INTERMEDIATE_SERIAL = 1
const LEAF_SERIAL = 2
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60

/**
 * One test root per process, so every peer a test process starts chains to the
 * same key and the client needs to trust it only once.
 */
const rootKeyPair: KeyPair = Curve.generateKeyPair()

export const peerCertificate: PeerCertificate = {
  SERIAL: ROOT_SERIAL,
  ISSUER: 'DisparadorTestRoot',
  PUBLIC_KEY: Buffer.from(rootKeyPair.public),
}

/**
 * Checks an XEdDSA signature by a 32-byte Curve25519 public key.
 *
 * NOTE: Baileys 7.0.0-rc14's `Curve.verify` returns true for every
 * well-formed signature, because libsignal's `verifySignature` reports a bad
 * signature by returning false and Baileys only catches exceptions. The peer
 * checks signatures with this function instead.
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

/**
 * Points Baileys' certificate check at the test root. Baileys reads
 * `WA_CERT_DETAILS` on every handshake, so this affects every socket of the
 * process; call it only in test processes. Baileys 7.0.0-rc14 accepts the
 * peer without it too (see `verifyCurveSignature`); a release that checks
 * signatures needs it.
 */
export function trustPeerCertificate(): void {
  Object.assign(WA_CERT_DETAILS, peerCertificate)
}

function signedCertificate(details: proto.CertChain.NoiseCertificate.IDetails, signer: KeyPair) {
  const encoded = proto.CertChain.NoiseCertificate.Details.encode(details).finish()
  return { details: encoded, signature: Curve.sign(signer.private, encoded) }
}

/**
 * Builds the encoded `CertChain` a server hello carries: an intermediate
 * signed by the test root and a leaf for `staticPublicKey` signed by the
 * intermediate, which is the chain Baileys' noise handler verifies.
 */
export function buildCertificateChain(staticPublicKey: Uint8Array): Uint8Array {
  const intermediate: KeyPair = Curve.generateKeyPair()
  const notBefore = Math.floor(Date.now() / 1000) - 60
  const notAfter = notBefore + ONE_YEAR_SECONDS

  const chain = proto.CertChain.encode({
    intermediate: signedCertificate(
      {
        serial: INTERMEDIATE_SERIAL,
        issuerSerial: ROOT_SERIAL,
        key: intermediate.public,
        notBefore,
        notAfter,
      },
      rootKeyPair
    ),
    leaf: signedCertificate(
      {
        serial: LEAF_SERIAL,
        issuerSerial: INTERMEDIATE_SERIAL,
        key: staticPublicKey,
        notBefore,
        notAfter,
      },
      intermediate
    ),
  })
  return chain.finish()
}
