import { DateTime, db, encryption } from '#sdk'
import type { AuthCreds, KeyCategory, KeyStore } from './baileys_adapter.js'
import { baileys, loadBaileys } from './baileys_loader.js'
import { ANY_OWNER, assertOwner, type OwnerCheck } from './instance_owner.js'

const TABLE = 'whatsapp_auth_keys'
const CREDS = 'creds'
const CREDS_ID = 'creds'

/** Rows written per insert statement, under SQLite's limit of bound parameters. */
const INSERT_CHUNK = 100

type Client = ReturnType<typeof db.connection>

function now() {
  return DateTime.utc().toFormat('yyyy-LL-dd HH:mm:ss')
}

/**
 * An instance's Baileys auth state in `whatsapp_auth_keys`: the `creds`
 * row and one row per Signal key, each value serialised with Baileys'
 * `BufferJSON` and encrypted with the application key. The encryption
 * purpose names the instance, the category and the key id, so a value
 * copied to another row does not decrypt.
 */
export class DatabaseAuthState {
  /** Ownership check run before every write of the creds or keys (see `OwnerCheck`). */
  guard: OwnerCheck = ANY_OWNER

  /**
   * Tail of the queue that runs writes and the wipe one at a time, in call
   * order, each with its owner check inside. A write that passed its check
   * finishes before a later wipe deletes, so a log out leaves no key behind.
   */
  #serial: Promise<unknown> = Promise.resolve()

  constructor(
    readonly instanceId: number,
    private connectionName?: string
  ) {}

  #inTurn<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.#serial.then(work, work)
    this.#serial = turn.catch(() => {})
    return turn
  }

  async #assertOwner() {
    await assertOwner(this.guard, this.instanceId, 'WhatsApp auth state')
  }

  #client(): Client {
    return db.connection(this.connectionName)
  }

  #purpose(category: string, keyId: string) {
    return `whatsapp_auth:${this.instanceId}:${category}:${keyId}`
  }

  #seal(category: string, keyId: string, value: unknown) {
    return encryption.encrypt(
      baileys().serializeAuthValue(value),
      undefined,
      this.#purpose(category, keyId)
    )
  }

  #open(category: KeyCategory | typeof CREDS, keyId: string, sealed: string) {
    const text = encryption.decrypt<string>(sealed, this.#purpose(category, keyId))
    if (text === null || text === undefined) {
      throw new Error(
        `WhatsApp auth key ${category}/${keyId} of instance ${this.instanceId} does not decrypt: APP_KEY changed or the row was copied; log the instance out and pair it again`
      )
    }
    return baileys().deserializeAuthValue(category, text)
  }

  /** Whether credentials were ever stored, so the instance was paired or started pairing. */
  async hasCreds() {
    const row = await this.#client()
      .from(TABLE)
      .where({ instance_id: this.instanceId, category: CREDS, key_id: CREDS_ID })
      .first()
    return Boolean(row)
  }

  /** The stored credentials, or fresh ones for an instance never paired. */
  async loadCreds(): Promise<AuthCreds> {
    const { newCreds } = await loadBaileys()
    const row = await this.#client()
      .from(TABLE)
      .where({ instance_id: this.instanceId, category: CREDS, key_id: CREDS_ID })
      .first()
    if (!row) {
      return newCreds()
    }
    return this.#open(CREDS, CREDS_ID, row.value) as AuthCreds
  }

  async saveCreds(creds: AuthCreds) {
    await loadBaileys()
    const sealed = this.#seal(CREDS, CREDS_ID, creds)
    await this.#inTurn(async () => {
      await this.#assertOwner()
      await this.#write(this.#client(), [{ category: CREDS, keyId: CREDS_ID, value: sealed }])
    })
  }

  /** The key store Baileys reads and writes through. */
  keys(): KeyStore {
    return {
      get: (category, ids) => this.get(category, ids),
      set: (data) => this.set(data),
    }
  }

  async get(category: KeyCategory, ids: string[]) {
    const result: Record<string, unknown> = {}
    if (ids.length === 0) {
      return result
    }
    await loadBaileys()
    const rows = await this.#client()
      .from(TABLE)
      .where({ instance_id: this.instanceId, category })
      .whereIn('key_id', ids)
      .select('key_id', 'value')
    for (const row of rows) {
      result[row.key_id] = this.#open(category, row.key_id, row.value)
    }
    return result
  }

  /**
   * Writes and deletes keys in one transaction: a `null` value deletes its
   * key. Either every change of the set is stored or none is.
   */
  async set(data: Partial<Record<KeyCategory, Record<string, unknown | null>>>) {
    await loadBaileys()
    const writes: { category: string; keyId: string; value: string }[] = []
    const deletes: { category: string; keyIds: string[] }[] = []
    for (const [category, entries] of Object.entries(data)) {
      const removed: string[] = []
      for (const [keyId, value] of Object.entries(entries ?? {})) {
        if (value === null || value === undefined) {
          removed.push(keyId)
        } else {
          writes.push({ category, keyId, value: this.#seal(category, keyId, value) })
        }
      }
      if (removed.length > 0) {
        deletes.push({ category, keyIds: removed })
      }
    }
    if (writes.length === 0 && deletes.length === 0) {
      return
    }
    await this.#inTurn(async () => {
      await this.#assertOwner()
      await this.#client().transaction(async (trx) => {
        for (const { category, keyIds } of deletes) {
          await trx
            .from(TABLE)
            .where({ instance_id: this.instanceId, category })
            .whereIn('key_id', keyIds)
            .delete()
        }
        await this.#write(trx as unknown as Client, writes)
      })
    })
  }

  async #write(client: Client, writes: { category: string; keyId: string; value: string }[]) {
    const updatedAt = now()
    for (let start = 0; start < writes.length; start += INSERT_CHUNK) {
      const rows = writes.slice(start, start + INSERT_CHUNK).map((write) => ({
        instance_id: this.instanceId,
        category: write.category,
        key_id: write.keyId,
        value: write.value,
        updated_at: updatedAt,
      }))
      await client
        .table(TABLE)
        .insert(rows)
        .onConflict(['instance_id', 'category', 'key_id'])
        .merge(['value', 'updated_at'])
    }
  }

  /** Deletes the credentials and every key, after a log out. */
  async wipe() {
    await this.#inTurn(() =>
      this.#client().from(TABLE).where('instance_id', this.instanceId).delete()
    )
  }

  /** Number of stored rows per category, for tests and the benchmark. */
  async counts() {
    const rows = await this.#client()
      .from(TABLE)
      .where('instance_id', this.instanceId)
      .groupBy('category')
      .select('category')
      .count('* as total')
    const counts: Record<string, number> = {}
    for (const row of rows) {
      counts[row.category] = Number(row.total)
    }
    return counts
  }
}

/** Every key category, so a wipe or a test can cover them all. */
export const KEY_CATEGORIES: KeyCategory[] = [
  'pre-key',
  'session',
  'sender-key',
  'sender-key-memory',
  'app-state-sync-key',
  'app-state-sync-version',
  'lid-mapping',
  'device-list',
  'tctoken',
  'identity-key',
]
