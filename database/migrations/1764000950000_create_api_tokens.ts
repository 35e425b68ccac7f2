import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * API tokens of a tenant. Only the SHA-256 hash of a token is stored; the
 * token itself is shown once, when it is created.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('api_tokens', (table) => {
      table.increments('id')
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table.string('name', 120).notNullable()
      table.string('token_hash', 64).notNullable().unique()
      table.string('token_prefix', 16).notNullable()
      table.string('scope', 10).notNullable()
      table.integer('rate_limit_per_minute').unsigned().nullable()
      table.integer('created_by').unsigned().nullable()
      table.timestamp('last_used_at').nullable()
      table.timestamp('expires_at').nullable()
      table.timestamp('revoked_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.index(['tenant_id', 'revoked_at'])
    })
  }

  async down() {
    this.schema.dropTable('api_tokens')
  }
}
