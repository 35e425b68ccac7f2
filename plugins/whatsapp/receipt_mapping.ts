import type { ReceiptStatus } from '#sdk'

/**
 * WebMessageInfo status values of WhatsApp's protocol, as Baileys 7 reports
 * them on `messages.update` and on own `messages.upsert`.
 */
export const WA_STATUS = { error: 0, pending: 1, serverAck: 2, delivered: 3, read: 4, played: 5 }

/** Error codes WhatsApp puts in `messageStubParameters` that mean the account is restricted. */
export const RESTRICTION_CODES: Record<string, string> = {
  '463':
    'WhatsApp rejected the message with error 463: the number is restricted from starting new chats',
  '429': 'WhatsApp rate-limited the number (429 rate-overlimit)',
  '403': 'WhatsApp refused the message (403): the number may be banned',
}

export interface MappedReceipt {
  status: ReceiptStatus
  /** Set on `failed`: `E_WHATSAPP_<code>`, or `E_SEND_FAILED` when WhatsApp gave none. */
  code?: string
  reason?: string
  /** The WhatsApp error code, such as `463`, when the failure restricts the account. */
  restriction?: string
}

/**
 * Maps a WhatsApp status to a receipt: server ack is `sent`, delivery ack
 * `delivered`, read and played `read`, and error `failed` with the code
 * WhatsApp gave in the stub parameters. `null` for pending, which says
 * nothing new.
 */
export function receiptFromStatus(
  status: number,
  stubParameters: string[] = []
): MappedReceipt | null {
  if (status === WA_STATUS.serverAck) {
    return { status: 'sent' }
  }
  if (status === WA_STATUS.delivered) {
    return { status: 'delivered' }
  }
  if (status === WA_STATUS.read || status === WA_STATUS.played) {
    return { status: 'read' }
  }
  if (status !== WA_STATUS.error) {
    return null
  }
  const code = stubParameters.find((parameter) => /^\d{3}$/.test(String(parameter)))
  if (!code) {
    return {
      status: 'failed',
      code: 'E_SEND_FAILED',
      reason: 'WhatsApp reported the message as failed',
    }
  }
  return {
    status: 'failed',
    code: `E_WHATSAPP_${code}`,
    reason: RESTRICTION_CODES[code] ?? `WhatsApp rejected the message with error ${code}`,
    restriction: RESTRICTION_CODES[code] ? code : undefined,
  }
}
