import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** Header carrying the timestamp and the signature, `t=<unix seconds>,v1=<hex>`. */
export const SIGNATURE_HEADER = 'X-Disparador-Signature'
/** Header carrying the delivery id, the same on every attempt of one delivery. */
export const DELIVERY_HEADER = 'X-Disparador-Delivery'
/** Header carrying the event name, such as `message:delivered`. */
export const EVENT_HEADER = 'X-Disparador-Event'

/** Makes an endpoint secret: 32 random bytes, base64url, with a `whsec_` prefix. */
export function generateSecret() {
  return `whsec_${randomBytes(32).toString('base64url')}`
}

/**
 * HMAC-SHA256, in hex, of `<timestamp>.<body>` with the endpoint's secret.
 * `body` must be the exact bytes sent: any re-serialisation of the JSON
 * (spacing, key order, escaping) changes the signature.
 */
export function sign(secret: string, timestamp: number, body: string | Buffer) {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')
}

/** Builds the signature header's value for one attempt. */
export function signatureHeader(secret: string, timestamp: number, body: string | Buffer) {
  return `t=${timestamp},v1=${sign(secret, timestamp, body)}`
}

/**
 * Checks a signature header against the raw body, as a receiver does.
 * Rejects a timestamp more than `toleranceSeconds` from `now`, so a
 * captured request cannot be replayed later.
 */
export function verifySignature(
  secret: string,
  header: string,
  body: string | Buffer,
  options: { now?: number; toleranceSeconds?: number } = {}
) {
  const parts = Object.fromEntries(
    header.split(',').map((part) => part.trim().split('=', 2) as [string, string])
  )
  const timestamp = Number(parts.t)
  if (!Number.isInteger(timestamp) || !parts.v1) {
    return false
  }
  const now = options.now ?? Math.floor(Date.now() / 1000)
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) {
    return false
  }
  const expected = Buffer.from(sign(secret, timestamp, body), 'hex')
  const given = Buffer.from(parts.v1, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}
