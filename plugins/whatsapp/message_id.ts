import { randomBytes } from 'node:crypto'

/**
 * Creates a message id in the shape WhatsApp Web clients send: `3EB0` followed by
 * 18 uppercase hex digits from 9 random bytes (22 characters). It lives
 * apart from the Baileys adapter because worker processes create message
 * ids for every enrolled contact and never open a socket.
 */
export function newMessageId() {
  return `3EB0${randomBytes(9).toString('hex').toUpperCase()}`
}
