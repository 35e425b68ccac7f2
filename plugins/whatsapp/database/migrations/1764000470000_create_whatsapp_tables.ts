import { BaseSchema } from '#sdk'

/**
 * The WhatsApp plugin's tables.
 *
 * - `whatsapp_auth_keys`: the Baileys auth state of each instance, one row
 *   per key: the `creds` row, and one row per Signal key (pre-keys,
 *   sessions, sender keys, app-state keys, LID mappings, device lists, ...).
 *   `value` is encrypted with the application key.
 * - `whatsapp_sent_messages`: the content of each message an instance sent,
 *   encrypted, so a retry receipt from a recipient's device can be answered
 *   with the same message.
 * - `whatsapp_lid_contacts`: the phone number behind each privacy address
 *   (`@lid`) an instance has met, so replies from it reach the contact.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('whatsapp_auth_keys', (table) => {
      table.bigIncrements('id')
      table.integer('instance_id').unsigned().notNullable()
      table.string('category', 40).notNullable()
      table.string('key_id', 190).notNullable()
      table.text('value', 'mediumtext').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['instance_id', 'category', 'key_id'])
    })

    this.schema.createTable('whatsapp_sent_messages', (table) => {
      table.bigIncrements('id')
      table.integer('instance_id').unsigned().notNullable()
      table.string('message_id', 128).notNullable()
      table.string('remote_jid', 190).notNullable()
      table.text('content', 'mediumtext').notNullable()
      table.timestamp('created_at').notNullable()
      table.unique(['instance_id', 'message_id'])
      table.index(['instance_id', 'created_at'])
    })

    this.schema.createTable('whatsapp_lid_contacts', (table) => {
      table.bigIncrements('id')
      table.integer('instance_id').unsigned().notNullable()
      table.string('lid', 190).notNullable()
      table.string('phone', 32).notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['instance_id', 'lid'])
    })
  }

  async down() {
    this.schema.dropTable('whatsapp_lid_contacts')
    this.schema.dropTable('whatsapp_sent_messages')
    this.schema.dropTable('whatsapp_auth_keys')
  }
}
