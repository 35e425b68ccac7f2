import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Journeys that ended at a node with the reason `goal`, such as at a goal
 * node of the logic plugin, stored with the node's other counters.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('campaign_node_counters', (table) => {
      table.integer('goals').unsigned().notNullable().defaultTo(0)
    })
  }

  async down() {
    this.schema.alterTable('campaign_node_counters', (table) => {
      table.dropColumn('goals')
    })
  }
}
