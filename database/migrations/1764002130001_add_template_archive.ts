import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Archived templates: a template that only ended campaigns use is archived
 * instead of deleted, so those campaigns' flows, step names, reports and
 * audit entries keep its name and text. An archived template leaves the
 * lists and pickers and frees its name: names are unique among the
 * tenant's templates that are not archived. MySQL and MariaDB have no
 * partial index, so there the unique index covers the generated
 * `live_name` column, which is `NULL` once the template is archived.
 * SQLite gets a partial unique index instead.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('templates', (table) => {
      table.timestamp('archived_at').nullable()
    })
    if (this.db.dialect.name === 'mysql') {
      this.schema.raw(
        'ALTER TABLE templates ADD COLUMN live_name VARCHAR(120) ' +
          'GENERATED ALWAYS AS (CASE WHEN archived_at IS NULL THEN name END) STORED'
      )
      // The new index comes first: the tenant's foreign key needs an index on tenant_id.
      this.schema.alterTable('templates', (table) => {
        table.unique(['tenant_id', 'live_name'])
      })
    } else {
      this.schema.raw(
        'CREATE UNIQUE INDEX templates_tenant_id_live_name_unique ' +
          'ON templates (tenant_id, name) WHERE archived_at IS NULL'
      )
    }
    this.schema.alterTable('templates', (table) => {
      table.dropUnique(['tenant_id', 'name'])
    })
  }

  async down() {
    this.schema.alterTable('templates', (table) => {
      table.unique(['tenant_id', 'name'])
    })
    if (this.db.dialect.name === 'mysql') {
      this.schema.alterTable('templates', (table) => {
        table.dropUnique(['tenant_id', 'live_name'])
      })
      this.schema.alterTable('templates', (table) => {
        table.dropColumn('live_name')
      })
    } else {
      this.schema.raw('DROP INDEX templates_tenant_id_live_name_unique')
    }
    this.schema.alterTable('templates', (table) => {
      table.dropColumn('archived_at')
    })
  }
}
