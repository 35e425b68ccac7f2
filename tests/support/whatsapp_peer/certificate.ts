import { Curve, proto, WA_CERT_DETAILS, type KeyPair } from '@whiskeysockets/baileys'
import { verifyCurveSignature } from '../../../plugins/whatsapp/baileys_adapter.js'

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
 * The WhatsApp plugin's signature check, which returns libsignal's result.
 * The peer does not rely on Baileys' `Curve.verify`, because Baileys
 * 7.0.0-rc14's own version returns true for every well-formed signature.
 */
export { verifyCurveSignature }

/**
 * Points Baileys' certificate check at the test root. Baileys reads
 * `WA_CERT_DETAILS` on every handshake, so this affects every socket of the
 * process; call it only in test processes. Without it a socket that checks
 * signatures (every socket once the WhatsApp plugin's adapter is loaded, as
 * `baileys_client.ts` does) rejects the peer's chain.
 */
export function trustPeerCertificate(): void {
  Object.assign(WA_CERT_DETAILS, peerCertificate)
}

function signedCertificate(details: proto.CertChain.NoiseCertificate.IDetails, signer: KeyPair) {
  const encoded = proto.CertChain.NoiseCertificate.Details.encode(details).finish()
  return { details: encoded, signature: Curve.sign(signer.private, encoded) }
}

/**
 * A correct chain, or one of the faults a client must reject: an
 * intermediate signed by a root the client does not trust, or a leaf whose
 * signature was altered.
 */
export type CertificateChainKind = 'valid' | 'untrusted-root' | 'tampered-leaf'

/**
 * Builds the encoded `CertChain` a server hello carries: an intermediate
 * signed by the test root and a leaf for `staticPublicKey` signed by the
 * intermediate, which is the chain Baileys' noise handler verifies. `kind`
 * other than `valid` breaks the chain on purpose.
 */
export function buildCertificateChain(
  staticPublicKey: Uint8Array,
  kind: CertificateChainKind = 'valid'
): Uint8Array {
  const intermediate: KeyPair = Curve.generateKeyPair()
  const root = kind === 'untrusted-root' ? Curve.generateKeyPair() : rootKeyPair
  const notBefore = Math.floor(Date.now() / 1000) - 60
  const notAfter = notBefore + ONE_YEAR_SECONDS

  const leaf = signedCertificate(
    {
      serial: LEAF_SERIAL,
      issuerSerial: INTERMEDIATE_SERIAL,
      key: staticPublicKey,
      notBefore,
      notAfter,
    },
    intermediate
  )
  if (kind === 'tampered-leaf') {
    leaf.signature = Buffer.from(leaf.signature)
    leaf.signature[10] ^= 0x01
  }

  const chain = proto.CertChain.encode({
    intermediate: signedCertificate(
      {
        serial: INTERMEDIATE_SERIAL,
        issuerSerial: ROOT_SERIAL,
        key: intermediate.public,
        notBefore,
        notAfter,
      },
      root
    ),
    leaf,
  })
  return chain.finish()
}
