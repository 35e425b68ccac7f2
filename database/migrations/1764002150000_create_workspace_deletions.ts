import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The trail of workspace deletions, kept after the tenant and its own rows
 * are gone: who asked and when, how far the deletion job got, and what it
 * removed. The deleted tenant's id is `workspace_id`, never `tenant_id`,
 * because the deletion job deletes the rows of every table with a
 * `tenant_id` column. `workspace_deletion_members` lists the members the
 * tenant had when the deletion was asked for, since their memberships end
 * at once: they may follow the deletion's progress, and each gets one
 * e-mail once it finished (`notified_at`).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('workspace_deletions', (table) => {
      table.increments('id')
      table.integer('workspace_id').unsigned().notNullable().unique()
      table.string('workspace_name', 255).notNullable()
      table.string('workspace_locale', 10).nullable()
      table
        .integer('requested_by_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.string('requested_by_email', 254).nullable()
      table.timestamp('requested_at').notNullable()
      table.string('status', 20).notNullable().defaultTo('queued')
      table.string('step', 20).nullable()
      table.integer('attempts').unsigned().notNullable().defaultTo(0)
      table.text('progress').nullable()
      table.text('last_error').nullable()
      table.timestamp('started_at').nullable()
      table.timestamp('finished_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.index(['status'])
    })

    this.schema.createTable('workspace_deletion_members', (table) => {
      table.increments('id')
      table
        .integer('deletion_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('workspace_deletions')
        .onDelete('CASCADE')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('role', 20).notNullable()
      table.timestamp('notified_at').nullable()
      table.unique(['deletion_id', 'user_id'])
      table.index(['user_id'])
    })
  }

  async down() {
    this.schema.dropTable('workspace_deletion_members')
    this.schema.dropTable('workspace_deletions')
  }
}
