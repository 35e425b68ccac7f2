import { DateTime, db } from '#sdk'
import { ANY_OWNER, assertOwner, type OwnerCheck } from './instance_owner.js'

const TABLE = 'whatsapp_lid_contacts'

/**
 * The phone number (E.164) behind each privacy address (`…@lid`) an
 * instance has met, from `remoteJidAlt`, `onWhatsApp` or Baileys' LID
 * mapping, so a later reply from the address alone still reaches the
 * contact.
 */
export class LidContacts {
  /** Ownership check run before every stored mapping (see `OwnerCheck`). */
  guard: OwnerCheck = ANY_OWNER

  constructor(
    readonly instanceId: number,
    private connectionName?: string
  ) {}

  #client() {
    return db.connection(this.connectionName)
  }

  /** Stores the phone behind `lid`. Throws `NotInstanceOwnerError` when the guard rejects the write. */
  async remember(lid: string, phone: string) {
    await assertOwner(this.guard, this.instanceId, 'WhatsApp lid mapping')
    await this.#client()
      .table(TABLE)
      .insert({
        instance_id: this.instanceId,
        lid,
        phone,
        updated_at: DateTime.utc().toFormat('yyyy-LL-dd HH:mm:ss'),
      })
      .onConflict(['instance_id', 'lid'])
      .merge(['phone', 'updated_at'])
  }

  async phoneOf(lid: string): Promise<string | null> {
    const row = await this.#client()
      .from(TABLE)
      .where({ instance_id: this.instanceId, lid })
      .first()
    return row?.phone ?? null
  }

  async clear() {
    await this.#client().from(TABLE).where('instance_id', this.instanceId).delete()
  }
}
