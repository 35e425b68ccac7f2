import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Widens `messages.body` on MariaDB and MySQL from TEXT (65,535 bytes) to
 * MEDIUMTEXT (16 MB). An inbound text of tens of thousands of accented or
 * emoji characters passes 65,535 bytes of UTF-8, and strict mode then
 * rejects the row, so the message would be lost. SQLite has no length
 * limit on text.
 */
export default class extends BaseSchema {
  async up() {
    if (this.db.dialect.name === 'mysql') {
      this.schema.raw('alter table messages modify body mediumtext null')
    }
  }

  async down() {
    if (this.db.dialect.name === 'mysql') {
      this.schema.raw('alter table messages modify body text null')
    }
  }
}
