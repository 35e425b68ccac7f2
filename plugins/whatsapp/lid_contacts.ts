import { DateTime, db } from '#sdk'

const TABLE = 'whatsapp_lid_contacts'

/**
 * The phone number (E.164) behind each privacy address (`…@lid`) an
 * instance has met, from `remoteJidAlt`, `onWhatsApp` or Baileys' LID
 * mapping, so a later reply from the address alone still reaches the
 * contact.
 */
export class LidContacts {
  constructor(
    readonly instanceId: number,
    private connectionName?: string
  ) {}

  #client() {
    return db.connection(this.connectionName)
  }

  async remember(lid: string, phone: string) {
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
