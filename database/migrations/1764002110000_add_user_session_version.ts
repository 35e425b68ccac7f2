import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A counter that a password change increments. Each signed-in session keeps
 * the value it started with, and a session whose value is behind is signed
 * out, whatever store (cookie or database) keeps the session.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('users', (table) => {
      table.integer('session_version').unsigned().notNullable().defaultTo(0)
    })
  }

  async down() {
    this.schema.alterTable('users', (table) => {
      table.dropColumn('session_version')
    })
  }
}
