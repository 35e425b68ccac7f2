import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Archived templates: a template that only ended campaigns use is archived
 * instead of deleted, so those campaigns' flows, step names, reports and
 * audit entries keep its name and text. An archived template leaves the
 * lists and pickers and frees its name: names are unique among the
 * tenant's templates that are not archived, through the generated
 * `live_name` column, which is `NULL` once the template is archived.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('templates', (table) => {
      table.timestamp('archived_at').nullable()
    })
    this.schema.raw(
      'ALTER TABLE templates ADD COLUMN live_name VARCHAR(120) ' +
        'AS (IF(archived_at IS NULL, name, NULL)) PERSISTENT'
    )
    // The new index comes first: the tenant's foreign key needs an index on tenant_id.
    this.schema.alterTable('templates', (table) => {
      table.unique(['tenant_id', 'live_name'])
    })
    this.schema.alterTable('templates', (table) => {
      table.dropUnique(['tenant_id', 'name'])
    })
  }

  async down() {
    this.schema.alterTable('templates', (table) => {
      table.unique(['tenant_id', 'name'])
    })
    this.schema.alterTable('templates', (table) => {
      table.dropUnique(['tenant_id', 'live_name'])
    })
    this.schema.alterTable('templates', (table) => {
      table.dropColumn('live_name')
      table.dropColumn('archived_at')
    })
  }
}
