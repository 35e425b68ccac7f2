import { BaseSchema } from '@adonisjs/lucid/schema'
import type { Knex } from 'knex'

/**
 * The flow engine's tables: one journey per campaign and contact, the log of
 * the steps each journey took, and the stored progress of each campaign
 * (totals and per-node counts) that the progress page reads.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('journeys', (table) => {
      table.bigIncrements('id')
      this.tenantColumn(table)
      table.integer('campaign_id').unsigned().notNullable()
      table.integer('contact_id').unsigned().notNullable()
      table.integer('flow_version_id').unsigned().notNullable()
      table.integer('instance_id').unsigned().notNullable()
      table.string('state', 16).notNullable()
      table.string('node_id', 64).notNullable()
      table.integer('step').unsigned().notNullable().defaultTo(1)
      table.timestamp('resume_at').nullable()
      table.string('pending_port', 64).nullable()
      table.text('node_state').nullable()
      table.text('visits').nullable()
      table.bigInteger('reply_message_id').unsigned().nullable()
      table.integer('send_step').unsigned().nullable()
      table.bigInteger('send_after_message_id').unsigned().nullable()
      table.bigInteger('send_message_id').unsigned().nullable()
      table.boolean('held').notNullable().defaultTo(false)
      table.string('end_reason', 40).nullable()
      table.timestamp('ended_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['campaign_id', 'contact_id'])
      table.index(['campaign_id', 'state', 'node_id'])
      table.index(['contact_id', 'instance_id', 'state'])
    })

    this.schema.createTable('journey_steps', (table) => {
      table.bigIncrements('id')
      table.bigInteger('journey_id').unsigned().notNullable()
      table.integer('campaign_id').unsigned().notNullable()
      table.integer('step').unsigned().notNullable()
      table.string('node_id', 64).notNullable()
      table.string('port', 64).nullable()
      table.timestamp('created_at').notNullable()
      table.unique(['journey_id', 'step'])
      table.index(['campaign_id', 'node_id', 'port'])
    })

    this.schema.createTable('campaign_runs', (table) => {
      table.integer('campaign_id').unsigned().primary()
      this.tenantColumn(table)
      table.timestamp('enrollment_started_at').nullable()
      table.timestamp('enrollment_finished_at').nullable()
      table.integer('enrolled').unsigned().notNullable().defaultTo(0)
      table.integer('active').unsigned().notNullable().defaultTo(0)
      table.integer('completed').unsigned().notNullable().defaultTo(0)
      table.integer('sent').unsigned().notNullable().defaultTo(0)
      table.integer('failed').unsigned().notNullable().defaultTo(0)
      table.timestamp('progress_at').nullable()
    })

    this.schema.createTable('campaign_node_counters', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table.integer('campaign_id').unsigned().notNullable()
      table.string('node_id', 64).notNullable()
      table.integer('waiting').unsigned().notNullable().defaultTo(0)
      table.text('ports').nullable()
      table.unique(['campaign_id', 'node_id'])
    })
  }

  async down() {
    this.schema.dropTable('campaign_node_counters')
    this.schema.dropTable('campaign_runs')
    this.schema.dropTable('journey_steps')
    this.schema.dropTable('journeys')
  }

  private tenantColumn(table: Knex.CreateTableBuilder) {
    table
      .integer('tenant_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('tenants')
      .onDelete('CASCADE')
  }
}
