import { BaseSchema } from '@adonisjs/lucid/schema'
import { tagKey } from '#services/contacts/contact_tags'

/** Tags read and updated per statement while the keys are filled in. */
const BATCH = 1000

/**
 * Stores each tag's identity (`tagKey`: lower case, without accents) beside
 * its name. SQLite compares names byte by byte, so its tag filters read
 * this key to match `VIP` and `vip` as MariaDB's collation does.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('contact_tags', (table) => {
      table.string('name_key', 60).nullable()
      table.index(['contact_id', 'name_key'])
    })
    this.defer(async (db) => {
      let lastId = 0
      for (;;) {
        const rows = await db
          .from('contact_tags')
          .where('id', '>', lastId)
          .orderBy('id')
          .limit(BATCH)
          .select('id', 'name')
        if (rows.length === 0) {
          break
        }
        const idsByKey = new Map<string, number[]>()
        for (const row of rows) {
          const key = tagKey(String(row.name))
          idsByKey.set(key, [...(idsByKey.get(key) ?? []), Number(row.id)])
        }
        for (const [key, ids] of idsByKey) {
          await db.from('contact_tags').whereIn('id', ids).update({ name_key: key })
        }
        lastId = Number(rows.at(-1).id)
      }
    })
  }

  async down() {
    this.schema.alterTable('contact_tags', (table) => {
      table.dropIndex(['contact_id', 'name_key'])
      table.dropColumn('name_key')
    })
  }
}
