import { createHash, randomBytes } from 'node:crypto'

/**
 * Makes a random URL-safe token (256 bits) and the SHA-256 hash that is
 * stored in its place.
 */
export function generateToken() {
  const token = randomBytes(32).toString('base64url')
  return { token, hash: hashToken(token) }
}

export function hashToken(token: string) {
  return createHash('sha256').update(token).digest('hex')
}
