import { DateTime, db, encryption, sqlTime } from '#sdk'
import { ANY_OWNER, assertOwner, type OwnerCheck } from './instance_owner.js'

const TABLE = 'whatsapp_sent_messages'

/** How long sent content is kept for retry receipts, in days. */
export const SENT_MESSAGE_RETENTION_DAYS = 14

/**
 * The content of the messages an instance sent, so Baileys' `getMessage`
 * can reply to a recipient device's retry receipt with the same message.
 * Content is the encoded protobuf message, encrypted with the application
 * key and bound to the instance and message id.
 */
export class SentMessageStore {
  /** Ownership check run before every stored message (see `OwnerCheck`). */
  guard: OwnerCheck = ANY_OWNER

  constructor(
    readonly instanceId: number,
    private connectionName?: string
  ) {}

  #client() {
    return db.connection(this.connectionName)
  }

  #purpose(messageId: string) {
    return `whatsapp_sent:${this.instanceId}:${messageId}`
  }

  /**
   * Stores a sent message once; a repeated id keeps the first content.
   * Throws `NotInstanceOwnerError` when the guard rejects the write.
   */
  async record(messageId: string, remoteJid: string, content: Uint8Array) {
    await assertOwner(this.guard, this.instanceId, 'WhatsApp sent message')
    const sealed = encryption.encrypt(
      Buffer.from(content).toString('base64'),
      undefined,
      this.#purpose(messageId)
    )
    await this.#client()
      .table(TABLE)
      .insert({
        instance_id: this.instanceId,
        message_id: messageId,
        remote_jid: remoteJid,
        content: sealed,
        created_at: sqlTime(DateTime.utc()),
      })
      .onConflict(['instance_id', 'message_id'])
      .ignore()
  }

  /** When the message with this id was sent, or `null` when this instance never sent it. */
  async sentAt(messageId: string) {
    const row = await this.#client()
      .from(TABLE)
      .where({ instance_id: this.instanceId, message_id: messageId })
      .select('created_at')
      .first()
    if (!row) {
      return null
    }
    const value = row.created_at
    return value instanceof Date
      ? value
      : DateTime.fromSQL(String(value), { zone: 'utc' }).toJSDate()
  }

  /** The encoded content of a sent message, or `null` when it is unknown or expired. */
  async find(messageId: string): Promise<Uint8Array | null> {
    const row = await this.#client()
      .from(TABLE)
      .where({ instance_id: this.instanceId, message_id: messageId })
      .first()
    if (!row) {
      return null
    }
    const base64 = encryption.decrypt<string>(row.content, this.#purpose(messageId))
    return base64 ? new Uint8Array(Buffer.from(base64, 'base64')) : null
  }

  /** Deletes content older than the retention. Returns the number of rows deleted. */
  async prune(now = DateTime.utc()) {
    const before = sqlTime(now.minus({ days: SENT_MESSAGE_RETENTION_DAYS }))
    const deleted = await this.#client()
      .from(TABLE)
      .where('instance_id', this.instanceId)
      .where('created_at', '<', before)
      .delete()
    return Array.isArray(deleted) ? Number(deleted[0]) : Number(deleted)
  }

  /** Deletes every row of the instance. */
  async clear() {
    await this.#client().from(TABLE).where('instance_id', this.instanceId).delete()
  }
}
